#!/usr/bin/env bash
# Stops everything scripts/up.sh started, each process by its pid, and puts the host back as it
# was (sysctls, iptables, cni0, mounts, addresses); --wipe also drops the cluster's data.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.tenantry"
for relay in console-relay operator-relay; do
  pid="$STATE/pids/$relay.pid"
  if [ -f "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; rm -f "$pid"; fi
done
"$ROOT/scripts/platform-processes.sh" stop --state "$STATE"
"$ROOT/scripts/node.sh" stop --state "$STATE"
"$ROOT/scripts/cluster.sh" stop --state "$STATE" "$@"
if [ "${1:-}" = "--wipe" ]; then
  rm -rf "$STATE/node"
fi
