#!/usr/bin/env bash
# Installs what a fresh machine of this kind lacks for building, running and testing Tenantry:
# Debian packages (build tools, openssl, the browser for the console tests, Node.js for the stock
# graphql-ws client), then the cached Kubernetes binaries and that client's npm packages.
# Idempotent: a second run checks and returns in about a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(openjdk-17-jdk-headless maven rsync dpkg-dev make gcc libc6-dev openssl curl ca-certificates
  debian-archive-keyring chromium chromium-driver postgresql-client nodejs
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

# the stock graphql-ws npm client the GraphQL subscription tests drive (versions pinned by its lock file)
GRAPHQL_WS_CLIENT="$ROOT/testkit/src/main/node/graphql-ws-client"
if [ ! -d "$GRAPHQL_WS_CLIENT/node_modules/graphql-ws" ]; then
  if ! command -v npm >/dev/null; then
    # Debian's nodejs comes without npm (NodeSource's brings its own)
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends npm >/dev/null
  fi
  echo "install-deps: installing the graphql-ws test client (npm ci)" >&2
  npm ci --prefix "$GRAPHQL_WS_CLIENT" --no-audit --no-fund >/dev/null
fi
