#!/usr/bin/env bash
# Builds the two base images a local node needs, with no Docker engine and no registry, as
# `docker save`-style tarballs (manifest.json, config, one layer) that Jib reads as a `tar://`
# base and `ctr images import` loads:
#   pause.tar      tenantry.local/pause:3.2, Kubernetes' own pause.c linked statically
#   java-base-N.tar  tenantry.local/java-base:N, the JDK N the build runs on (JAVA_HOME, which
#                  scripts/java-home.sh sets to a JDK 25) less its compiler sources and tools, plus
#                  exactly the shared libraries `ldd` says it needs, and a non-root user 65532
# The application images (tenant-runtime, operator, control-api) are built on java-base by the
# Maven profile `images` (Jib, jib:buildTar): scripts/up.sh and scripts/test.sh run it. The image
# layout trains each application's AOT cache on this same JDK (scripts/image-layout.sh): the two
# must match, or the JVM ignores the cache (it says so) and only starts slower.
#
#   scripts/images.sh base     build what is missing into the cache (idempotent, ~10 s)
#   scripts/images.sh path     print the cache directory
# Cache: TENANTRY_IMAGE_CACHE, default ~/.cache/tenantry/images.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${TENANTRY_IMAGE_CACHE:-$HOME/.cache/tenantry/images}"
KUBE_BIN="${TENANTRY_KUBE_CACHE:-$HOME/.cache/tenantry/kube/1.20.2}/bin"
JAVA_HOME_DIR="${TENANTRY_IMAGE_JAVA_HOME:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}"

log() { echo "images: $*" >&2; }
die() { echo "images: ERROR: $*" >&2; exit 1; }

# pack DIR NAME:TAG OUT.tar CONFIG-JSON-FRAGMENT: one layer holding DIR, in the docker save layout
pack() {
  local rootfs="$1" ref="$2" out="$3" config="$4" work diff_id created
  work=$(mktemp -d)
  tar --numeric-owner --sort=name --mtime='2020-01-01 00:00Z' -C "$rootfs" -cf "$work/layer.tar" .
  diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  created="2020-01-01T00:00:00Z"
  cat >"$work/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"$created","config":$config,"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"$created","created_by":"scripts/images.sh"}]}
EOF
  local config_id; config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mv "$work/config.json" "$work/$config_id.json"
  mkdir -p "$work/$diff_id" && mv "$work/layer.tar" "$work/$diff_id/layer.tar"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' "$config_id" "$ref" "$diff_id" \
    >"$work/manifest.json"
  tar --numeric-owner -C "$work" -cf "$out.tmp" manifest.json "$config_id.json" "$diff_id"
  mv "$out.tmp" "$out"
  rm -rf "$work"
}

build_pause() {
  [ -f "$CACHE/pause.tar" ] && return 0
  [ -x "$KUBE_BIN/pause" ] || die "$KUBE_BIN/pause is missing: run scripts/kube-binaries.sh"
  log "packing the pause image"
  local rootfs; rootfs=$(mktemp -d)
  install -m 0755 "$KUBE_BIN/pause" "$rootfs/pause"
  pack "$rootfs" tenantry.local/pause:3.2 "$CACHE/pause.tar" '{"Entrypoint":["/pause"],"User":"65535:65535"}'
  rm -rf "$rootfs"
}

# the feature release of the JDK at $JAVA_HOME_DIR: 17, 25, ...
java_feature() {
  "$JAVA_HOME_DIR/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

build_java_base() {
  local out="$CACHE/java-base-$JAVA_FEATURE.tar" stamp="$CACHE/java-base-$JAVA_FEATURE.stamp" want
  want="$(readlink -f "$JAVA_HOME_DIR") $("$JAVA_HOME_DIR/bin/java" -version 2>&1 | head -1)"
  if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  log "packing the Java base image from $JAVA_HOME_DIR"
  local rootfs jre; rootfs=$(mktemp -d)
  jre="$rootfs/opt/java"
  mkdir -p "$jre" "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/app" "$rootfs/usr/bin"
  # the runtime only: bin/java and lib/, conf/ (Debian links these into /etc: -L copies the files)
  cp -rL "$JAVA_HOME_DIR/bin" "$JAVA_HOME_DIR/lib" "$JAVA_HOME_DIR/conf" "$jre/" 2>/dev/null || true
  [ -f "$JAVA_HOME_DIR/release" ] && cp -L "$JAVA_HOME_DIR/release" "$jre/"
  find "$jre/bin" -type f ! -name java ! -name keytool -delete
  rm -rf "$jre/lib/src.zip" "$jre/lib/ct.sym" "$jre/jmods" "$jre/lib/classes_nocoops"*.jsa
  # every shared library the JVM and its native libraries load, at the same paths
  local lib
  while read -r lib; do
    [ -n "$lib" ] || continue
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done < <(find "$jre" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
            | grep -oE '(/[^ ]+\.so[^ ]*)' | sort -u)
  ln -s /opt/java/bin/java "$rootfs/usr/bin/java"
  chmod 1777 "$rootfs/tmp"
  chown 65532:65532 "$rootfs/home/app"
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:65532:65532:app:/home/app:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:65532:\nnobody:x:65534:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  pack "$rootfs" "tenantry.local/java-base:$JAVA_FEATURE" "$out" \
    '{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"User":"65532:65532","WorkingDir":"/home/app"}'
  rm -rf "$rootfs"
  echo "$want" >"$stamp"
}

case "${1:-}" in
  base)
    mkdir -p "$CACHE"
    [ -x "$JAVA_HOME_DIR/bin/java" ] || die "no Java runtime at $JAVA_HOME_DIR"
    JAVA_FEATURE=$(java_feature)
    build_pause
    build_java_base
    log "base images in $CACHE ($(du -sh "$CACHE/java-base-$JAVA_FEATURE.tar" | cut -f1) java-base:$JAVA_FEATURE)"
    ;;
  path) echo "$CACHE" ;;
  *) echo "usage: scripts/images.sh base|path" >&2; exit 2 ;;
esac
