#!/usr/bin/env bash
# Lays the runtime out for its image: the Boot jar extracted (jar + lib/), started once with its
# ahead-of-time bean definitions to record a class-data-sharing archive (app.jsa) of every class
# loaded up to a refreshed context. In the image the JVM maps that archive instead of loading and
# verifying some 12,000 classes: docs/benchmarks.md has the start-up figures.
#   layout.sh BOOT_JAR OUT_DIR
# The archive names its jars by relative path, size and modification time, so the image must hold
# them byte for byte and run from OUT_DIR's copy with the same relative command line. Jib stamps
# every file 1 s after the epoch; so does this script. The JVM must be the one the base image
# carries (scripts/images.sh packs TENANTRY_IMAGE_JAVA_HOME, else the java on PATH): with another
# the archive is refused with a warning and the runtime starts without it, only slower.
set -euo pipefail
jar="$1" out="$2"
java_home="${TENANTRY_IMAGE_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
rm -rf "$out"
mkdir -p "$out"
"$java_home/bin/java" -Djarmode=tools -jar "$jar" extract --destination "$out" >/dev/null
find "$out" -exec touch -h -d @1 {} +
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# the same flags as the image's entrypoint (see pom.xml) where they shape the archive
(cd "$out" && TENANTRY_DEV_MODE=true TENANTRY_DATA_DIR="$data" SERVER_PORT=0 TENANTRY_GRPC_PORT=0 \
  MANAGEMENT_SERVER_PORT=0 "$java_home/bin/java" -XX:ArchiveClassesAtExit=app.jsa -XX:+UseSerialGC -Xss512k \
  -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh -jar "$(basename "$jar")" >"$data/training.log" 2>&1) \
  || { cat "$data/training.log" >&2; echo "layout.sh: the training run failed" >&2; exit 1; }
[ -s "$out/app.jsa" ] || { cat "$data/training.log" >&2; echo "layout.sh: no archive was written" >&2; exit 1; }
touch -d @1 "$out/app.jsa"
echo "layout.sh: $out ($(du -sh "$out" | cut -f1), archive $(du -h "$out/app.jsa" | cut -f1))"
