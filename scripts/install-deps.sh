#!/usr/bin/env bash
# Installs what a fresh machine of this kind lacks for building, running and testing Tenantry:
# Debian packages (build tools, openssl, the browser for the console tests), then the cached
# Kubernetes binaries. Idempotent: a second run checks and returns in about a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(openjdk-17-jdk-headless maven rsync dpkg-dev make gcc libc6-dev openssl curl ca-certificates
  debian-archive-keyring chromium chromium-driver postgresql-client
  containerd runc containernetworking-plugins iptables nftables conntrack socat iproute2 ethtool)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

"$ROOT/scripts/kube-binaries.sh"
