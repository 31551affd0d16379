#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what is missing, makes sure the local
# PostgreSQL runs, builds the base images, then `mvn -B verify -Pimages` over every module (real
# kube-apiserver + etcd per test class, real PostgreSQL, real servers and clients; the
# application images as tarballs, which the e2e suite runs on a real local node).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/install-deps.sh
. scripts/java-home.sh

# The e2e suite starts its own node and then checks that the host is exactly as it found it: a
# node already running here (scripts/up.sh in any checkout) would be torn down by it and fail it.
if pgrep -x kubelet >/dev/null || ip link show cni0 >/dev/null 2>&1; then
  echo "test: a local node already runs on this host (scripts/up.sh?); stop it with scripts/down.sh first" >&2
  exit 1
fi

if command -v pg_ctlcluster >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "test: starting the local PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi

scripts/images.sh base

exec mvn -B verify -Pimages "$@"
