#!/usr/bin/env bash
# Stops everything scripts/up.sh started, each process by its pid; --wipe also drops the data.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.tenantry"
"$ROOT/scripts/platform-processes.sh" stop --state "$STATE"
"$ROOT/scripts/cluster.sh" stop --state "$STATE" "$@"
