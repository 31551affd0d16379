#!/usr/bin/env bash
# Builds the Kubernetes 1.20.2 binaries (and etcd) that the tests and the local cluster use,
# from Debian bookworm's source and binary packages, into a cache; idempotent.
#
# Why from source: no Docker engine and no download site other than the package registries
# are reachable here, and Debian ships Kubernetes only as source with vendored dependencies.
#
# Result:
#   $TENANTRY_KUBE_CACHE/bin/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl,kubelet,kube-proxy,etcd}
#   ~/.kubeapitest/k8s/1.20.2-linux-amd64/{kube-apiserver,etcd,kubectl}  (for fabric8 kube-api-test)
# A second run finds everything in place and returns in well under a second.
set -euo pipefail

KUBE_VERSION=1.20.2
DEBIAN_SOURCE_VERSION="1.20.5+really1.20.2-1.1+deb12u1"
CACHE="${TENANTRY_KUBE_CACHE:-$HOME/.cache/tenantry/kube/$KUBE_VERSION}"
KUBEAPITEST_DIR="$HOME/.kubeapitest/k8s/$KUBE_VERSION-linux-amd64"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)

step() { CURRENT_STEP="$1"; echo "kube-binaries: $1" >&2; }
fail() { echo "kube-binaries: FAILED at step '$CURRENT_STEP'${1:+: $1}" >&2; exit 1; }
trap 'fail "command exited with status $? (see output above)"' ERR

all_present() {
  local b
  for b in "${BINARIES[@]}" etcd pause; do [ -x "$CACHE/bin/$b" ] || return 1; done
  for b in kube-apiserver etcd kubectl; do [ -x "$KUBEAPITEST_DIR/$b" ] || return 1; done
}

link_for_kube_api_test() {
  mkdir -p "$KUBEAPITEST_DIR"
  local b
  for b in kube-apiserver etcd kubectl; do ln -sfn "$CACHE/bin/$b" "$KUBEAPITEST_DIR/$b"; done
}

if all_present; then
  echo "kube-binaries: Kubernetes $KUBE_VERSION binaries are in $CACHE/bin" >&2
  exit 0
fi
if [ -x "$CACHE/bin/kube-apiserver" ] && [ -x "$CACHE/bin/etcd" ] && [ -x "$CACHE/bin/kubelet" ] && [ -x "$CACHE/bin/pause" ]; then
  link_for_kube_api_test
  exit 0
fi

step "checking tools"
for tool in apt-get dpkg-source dpkg make gcc; do
  command -v "$tool" >/dev/null || fail "'$tool' is missing (run scripts/install-deps.sh)"
done
command -v rsync >/dev/null || fail "'rsync' is missing (run scripts/install-deps.sh)"

WORK="$CACHE/work"
mkdir -p "$WORK" "$CACHE/bin"

step "configuring a private apt for Debian bookworm"
# The mirror comes from the host's own apt configuration, so this works behind whatever
# mirror or proxy the machine is set up with; the host's apt state is never touched.
mirror="${TENANTRY_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^\s*(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -oE '(https?|file)://[^ ]+' | grep -vE 'security|updates|backports' | grep -E '/debian/?$' | head -n1 || true)
fi
[ -n "$mirror" ] || fail "no Debian mirror found in /etc/apt; set TENANTRY_DEBIAN_MIRROR"
APT_DIR="$WORK/apt"
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial" "$APT_DIR/etc"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || fail "$keyring is missing (apt-get install debian-archive-keyring)"
cat >"$APT_DIR/etc/sources.list" <<EOF
deb [signed-by=$keyring] $mirror bookworm main
deb-src [signed-by=$keyring] $mirror bookworm main
EOF
APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/etc/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache::Archives=$APT_DIR/archives"
  -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Architecture=amd64"
  -o "Acquire::Languages=none" -o "Debug::NoLocking=true")

step "updating the private package lists"
apt-get "${APT_OPTS[@]}" -q update >"$WORK/apt-update.log" 2>&1 || fail "see $WORK/apt-update.log"

step "downloading the kubernetes source package $DEBIAN_SOURCE_VERSION"
SRC_PARENT="$WORK/src"
mkdir -p "$SRC_PARENT"
if [ ! -d "$SRC_PARENT/kubernetes" ]; then
  (cd "$SRC_PARENT" && apt-get "${APT_OPTS[@]}" -q source --download-only "kubernetes=$DEBIAN_SOURCE_VERSION" >/dev/null)
  step "unpacking the kubernetes source"
  (cd "$SRC_PARENT" && dpkg-source --no-check -x ./*.dsc kubernetes.tmp >/dev/null && mv kubernetes.tmp kubernetes)
fi
SRC="$SRC_PARENT/kubernetes"

step "downloading Go 1.19, etcd and reflect2"
DEB_DIR="$WORK/debs"
mkdir -p "$DEB_DIR"
(cd "$DEB_DIR" && apt-get "${APT_OPTS[@]}" -q download golang-1.19-go golang-1.19-src etcd-server \
  golang-github-modern-go-reflect2-dev >/dev/null)
ROOTFS="$WORK/root"
mkdir -p "$ROOTFS"
for deb in "$DEB_DIR"/*.deb; do dpkg -x "$deb" "$ROOTFS"; done
GOROOT="$ROOTFS/usr/lib/go-1.19"
[ -x "$GOROOT/bin/go" ] || fail "Go 1.19 not found in the extracted packages"

step "replacing vendored reflect2 with 1.0.2"
# Go 1.19 builds an apiserver that crashes (SIGSEGV in mapiterinit) on the first custom
# resource it serves with the old vendored reflect2; 1.0.2 fixes that.
reflect2_src="$ROOTFS/usr/share/gocode/src/github.com/modern-go/reflect2"
[ -d "$reflect2_src" ] || fail "reflect2 source not found in golang-github-modern-go-reflect2-dev"
rm -rf "$SRC/vendor/github.com/modern-go/reflect2"
cp -rL "$reflect2_src" "$SRC/vendor/github.com/modern-go/reflect2"
rm -f "$SRC/vendor/github.com/modern-go/reflect2/go.mod"

step "building ${BINARIES[*]} (a few minutes on 2 cores)"
mkdir -p "$SRC/.go/src/k8s.io"
ln -sfn "$SRC" "$SRC/.go/src/k8s.io/kubernetes"
whats=""
for b in "${BINARIES[@]}"; do whats="$whats cmd/$b"; done
(
  cd "$SRC/.go/src/k8s.io/kubernetes"
  export GOPATH="$SRC/.go" GOROOT="$GOROOT" CGO_ENABLED=0 GOFLAGS=-mod=vendor GO111MODULE=off
  export GOCACHE="$CACHE/go-build-cache" PATH="$GOROOT/bin:$PATH"
  export KUBE_GIT_VERSION="v$KUBE_VERSION" KUBE_GIT_TREE_STATE=clean
  make WHAT="${whats# }" >"$WORK/make.log" 2>&1
) || fail "see $WORK/make.log"

step "installing the binaries into $CACHE/bin"
for b in "${BINARIES[@]}"; do
  built="$SRC/_output/local/bin/linux/amd64/$b"
  [ -x "$built" ] || built="$SRC/_output/bin/$b"
  [ -x "$built" ] || fail "$b was not built (see $WORK/make.log)"
  install -m 0755 "$built" "$CACHE/bin/$b"
done
install -m 0755 "$ROOTFS/usr/bin/etcd" "$CACHE/bin/etcd"

step "building the pause binary (Kubernetes' build/pause/linux/pause.c, static)"
gcc -Os -static -DVERSION=3.2 -o "$CACHE/bin/pause" "$SRC/build/pause/linux/pause.c" 2>"$WORK/pause.log" \
  || fail "see $WORK/pause.log"
strip "$CACHE/bin/pause"
link_for_kube_api_test

step "cleaning up the build tree"
# Keep the Go build cache (a rebuild then takes about a minute); drop the 1.3 GB source tree.
rm -rf "$SRC_PARENT" "$DEB_DIR" "$ROOTFS"
echo "kube-binaries: Kubernetes $KUBE_VERSION binaries are in $CACHE/bin" >&2
