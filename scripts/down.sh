#!/usr/bin/env bash
# Stops everything scripts/up.sh started, each process by its pid, and puts the host back as it
# was (sysctls, iptables, cni0, mounts, addresses); --wipe also drops the cluster's data, and with
# it the tenants' databases on the local PostgreSQL (those with deletionPolicy Retain are kept).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.tenantry"
KUBECTL="${TENANTRY_KUBE_CACHE:-$HOME/.cache/tenantry/kube/1.20.2}/bin/kubectl"
WIPE=false
[ "${1:-}" = "--wipe" ] && WIPE=true

databases=()
if $WIPE && "$ROOT/scripts/cluster.sh" status --state "$STATE" >/dev/null 2>&1; then
  while read -r name policy; do
    [ -n "$name" ] && [ "$policy" != "Retain" ] && databases+=("tenant_${name//-/_}")
  done < <("$KUBECTL" --kubeconfig "$STATE/kubeconfig" get tenants --no-headers \
             -o custom-columns=NAME:.metadata.name,POLICY:.spec.deletionPolicy 2>/dev/null || true)
fi

for relay in console-relay operator-relay; do
  pid="$STATE/pids/$relay.pid"
  if [ -f "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; rm -f "$pid"; fi
done
"$ROOT/scripts/platform-processes.sh" stop --state "$STATE"
"$ROOT/scripts/node.sh" stop --state "$STATE"
# after the node: its pods held connections to these databases
for db in "${databases[@]}"; do
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS \"$db\"" -c "DROP ROLE IF EXISTS \"$db\"" \
    && echo "down: dropped database $db" >&2 || echo "down: could not drop database $db" >&2
done
"$ROOT/scripts/cluster.sh" stop --state "$STATE" "$@"
if $WIPE; then
  rm -rf "$STATE/node"
fi
