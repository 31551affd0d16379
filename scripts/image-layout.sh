#!/usr/bin/env bash
# Lays an application out for its image and trains its AOT cache (JEP 483/514/515), so that in
# the pod the JVM maps the classes it needs already loaded and linked, with their method profiles,
# instead of reading, verifying and profiling them again at every start:
#   image-layout.sh BOOT_JAR OUT_DIR TRAINER [JVM_FLAG...]
# 1. The Boot jar extracted (NAME.jar + lib/, as Spring Boot's `-Djarmode=tools extract` does), every file
#    stamped 1 s after the epoch as Jib stamps the image's files: the cache names its jars by
#    path, size and time, so the image must hold them byte for byte.
# 2. A training run in OUT_DIR with the image's own command line (`java JVM_FLAG... -jar NAME.jar`)
#    recording what it loads, links and profiles (-XX:AOTMode=record): TRAINER (a Java source file,
#    run by the JDK's source launcher with the application's jars on its class path) starts that
#    command, gives it the workload a real start sees, and stops it with SIGTERM.
# 3. The cache app.aot made from that recording (-XX:AOTMode=create), which the image's entrypoint
#    names with -XX:AOTCache=app.aot.
# The JVM must be the one the base image carries (scripts/images.sh packs the same JAVA_HOME):
# with another, or with the jars changed, the JVM refuses the cache with a warning in the log and
# starts without it, only slower.
set -euo pipefail
jar="$(readlink -f "$1")" out="$2" trainer="$(readlink -f "$3")"
shift 3
java_home="${TENANTRY_IMAGE_JAVA_HOME:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}"
name="$(basename "$jar")"
# trainers that need a control plane of their own start it with scripts/cluster.sh
export TENANTRY_CHECKOUT; TENANTRY_CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rm -rf "$out"
mkdir -p "$out"
# what `java -Djarmode=tools extract` does, without needing Spring on the class path (the operator
# and the activator are plain Java): BOOT-INF/lib as lib/, BOOT-INF/classes as NAME.jar whose
# manifest names the main class and every library
unpacked=$(mktemp -d)
(cd "$unpacked" && "$java_home/bin/jar" -xf "$jar")
mkdir -p "$out/lib"
mv "$unpacked"/BOOT-INF/lib/*.jar "$out/lib/"
main_class=$(sed -n 's/^Start-Class: *\([^[:space:]]*\).*/\1/p' "$unpacked/META-INF/MANIFEST.MF")
[ -n "$main_class" ] || { echo "image-layout.sh: $jar has no Start-Class: not a Spring Boot jar" >&2; exit 1; }
rm -f "$out"/lib/spring-boot-jarmode-tools-*.jar
{
  echo "Manifest-Version: 1.0"
  echo "Main-Class: $main_class"
  # in the Boot jar's classpath order; a manifest line holds at most 72 bytes, continued after a space
  sed -n 's|^- "BOOT-INF/lib/\(.*\)"$|lib/\1|p' "$unpacked/BOOT-INF/classpath.idx" \
    | grep -v '^lib/spring-boot-jarmode-tools-' | tr '\n' ' ' | sed 's/ $//; s/^/Class-Path: /' \
    | fold -w 70 | sed '2,$s/^/ /'
  echo
} >"$unpacked/MANIFEST.MF"
"$java_home/bin/jar" --create --file "$out/$name" --manifest "$unpacked/MANIFEST.MF" -C "$unpacked/BOOT-INF/classes" .
rm -rf "$unpacked"
find "$out" -exec touch -h -d @1 {} +
log="$(dirname "$out")/$(basename "$out")-training.log"
# the trainer and TrainedProcess, which it uses, in one folder: the source launcher compiles both;
# the trainers' scratch files (data, certificates) under it too, all gone when this script exits
sources=$(mktemp -d)
trap 'rm -rf "$sources"' EXIT
cp "$(dirname "${BASH_SOURCE[0]}")/lib/training/TrainedProcess.java" "$trainer" "$sources/"
export TENANTRY_TRAINING_SCRATCH="$sources/scratch"
# the trainer's own JVM is small and short: it only drives the application
(cd "$out" && "$java_home/bin/java" -XX:TieredStopAtLevel=1 -cp "$name:lib/*" "$sources/$(basename "$trainer")" \
  "$java_home/bin/java" "$@" -XX:AOTMode=record -XX:AOTConfiguration=app.aotconf -jar "$name") >"$log" 2>&1 \
  || { tail -n 60 "$log" >&2; echo "image-layout.sh: the training run of $name failed (log: $log)" >&2; exit 1; }
(cd "$out" && "$java_home/bin/java" "$@" -XX:AOTMode=create -XX:AOTConfiguration=app.aotconf -XX:AOTCache=app.aot \
  -jar "$name") >>"$log" 2>&1 \
  || { tail -n 60 "$log" >&2; echo "image-layout.sh: making the AOT cache of $name failed (log: $log)" >&2; exit 1; }
rm -f "$out/app.aotconf"
[ -s "$out/app.aot" ] || { tail -n 60 "$log" >&2; echo "image-layout.sh: no AOT cache was written (log: $log)" >&2; exit 1; }
touch -d @1 "$out/app.aot"
echo "image-layout.sh: $out ($(du -sh "$out" | cut -f1), AOT cache $(du -h "$out/app.aot" | cut -f1))"
