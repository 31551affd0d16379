#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what is missing, makes sure the local
# PostgreSQL runs, builds the base images, then `mvn -B verify -Pimages` over every module (real
# kube-apiserver + etcd per test class, real PostgreSQL, real servers and clients; the
# application images as tarballs, which the e2e suite runs on a real local node).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/install-deps.sh

if command -v pg_ctlcluster >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "test: starting the local PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi

scripts/images.sh base

exec mvn -B verify -Pimages "$@"
