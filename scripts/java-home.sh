# Sourced by the scripts that build or run Tenantry: puts a JDK 25 first on PATH and in JAVA_HOME.
# The build compiles for Java 25 (maven.compiler.release) and the images run the same JDK (scripts/
# images.sh packs it), so Maven, the tests and the images all use this one JDK.
# Where it looks: TENANTRY_JAVA_HOME, then JAVA_HOME, then /usr/lib/jvm/*, keeping the first whose
# `java -version` says 25. None found: the message says how to get one.
tenantry_java_home() {
  local candidate
  for candidate in "${TENANTRY_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if "$candidate/bin/java" -version 2>&1 | head -1 | grep -qE 'version "25[".]'; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if ! TENANTRY_JDK="$(tenantry_java_home)"; then
  cat >&2 <<'MSG'
Tenantry needs a JDK 25 (it compiles for Java 25 and its images run it). None was found in
TENANTRY_JAVA_HOME, JAVA_HOME or /usr/lib/jvm. Install one, e.g. Eclipse Temurin 25
(https://adoptium.net/installation/linux: apt install temurin-25-jdk from packages.adoptium.net),
or unpack any JDK 25 and set TENANTRY_JAVA_HOME to its directory.
MSG
  exit 1
fi
export JAVA_HOME="$TENANTRY_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8's own Guava and Jansi call sun.misc.Unsafe and System.loadLibrary: allowed, not warned about
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
unset TENANTRY_JDK
