#!/usr/bin/env bash
# Brings the Tenantry platform up on this machine as platform ops would on a cluster: installs
# what is missing, builds the jars and the images (tarballs, no registry), starts the local
# control plane and a real node (containerd, kubelet, kube-proxy), installs the platform with the
# Helm chart (operator and control API run as pods), and prints where everything is.
# State lives in .tenantry/ at the checkout root; scripts/down.sh stops it all and puts the host back.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="$ROOT/.tenantry"
mkdir -p "$STATE/logs" "$STATE/pids"
KUBECTL="${TENANTRY_KUBE_CACHE:-$HOME/.cache/tenantry/kube/1.20.2}/bin/kubectl"
NODE_IP="${TENANTRY_NODE_IP:-10.87.0.1}"
CONSOLE_PORT="${TENANTRY_CONTROL_API_PORT:-8090}"
OPERATOR_PORT="${TENANTRY_OPERATOR_PORT:-8095}"
k() { "$KUBECTL" --kubeconfig "$STATE/kubeconfig" "$@"; }
log() { echo "up: $*" >&2; }

scripts/install-deps.sh
. scripts/java-home.sh
scripts/images.sh base

rebuilt=false
stale=$(find crds operator activator tenant-runtime control-api testkit helm pom.xml -name target -prune -o \
  -newer operator/target/jib-image.tar -print -quit 2>/dev/null || true)
if [ ! -f operator/target/jib-image.tar ] || [ -n "$stale" ]; then
  log "building the jars and images (mvn verify -Pimages, tests skipped; scripts/test.sh runs them)"
  mvn -B -q verify -DskipTests -Pimages >"$STATE/logs/build.log" 2>&1 || { tail -n 40 "$STATE/logs/build.log" >&2; exit 1; }
  rebuilt=true
fi

scripts/cluster.sh start --state "$STATE" --node --empty
scripts/node.sh start --state "$STATE"

# tenant databases on this machine's PostgreSQL, reached by pods through the node's address
k create namespace tenantry-system --dry-run=client -o yaml | k apply -f - >/dev/null
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  k -n tenantry-system create secret generic tenantry-postgres-admin --dry-run=client -o yaml \
    --from-literal=url="jdbc:postgresql://$NODE_IP:5432/postgres" --from-literal=username=postgres \
    --from-literal=password= | k apply -f - >/dev/null
else
  log "no PostgreSQL on 127.0.0.1:5432: tenants on Postgres plans will wait at DatabaseReady=False"
fi

log "installing the platform with the Helm chart (helm/tenantry, values scripts/local-values.yaml)"
java -cp "testkit/target/classes:$(cat testkit/target/classpath.txt)" dev.tenantry.testkit.PlatformChart \
  "$STATE/kubeconfig" "$ROOT/scripts/local-values.yaml" >>"$STATE/logs/helm.log" 2>&1 \
  || { tail -n 20 "$STATE/logs/helm.log" >&2; exit 1; }
if $rebuilt; then
  k -n tenantry-system rollout restart deployment >/dev/null
fi
for d in tenantry-operator tenantry-control-api; do
  k -n tenantry-system rollout status "deployment/$d" --timeout=240s >/dev/null \
    || { k -n tenantry-system logs "deployment/$d" --tail=30 >&2 || true; echo "up: $d did not become ready" >&2; exit 1; }
done

# the console on 127.0.0.1 as DESIGN.md promises: a relay to the control API's Service (stable
# across pod restarts, unlike a port-forward), and one to the operator's metrics
relay() { # name port service port
  local pid="$STATE/pids/$1.pid" ip
  if [ -f "$pid" ] && kill -0 "$(cat "$pid")" 2>/dev/null; then return 0; fi
  ip=$(k -n tenantry-system get service "$3" -o jsonpath='{.spec.clusterIP}')
  setsid socat "TCP-LISTEN:$2,bind=127.0.0.1,fork,reuseaddr" "TCP:$ip:$4" >>"$STATE/logs/$1.log" 2>&1 </dev/null &
  echo $! >"$pid"
}
relay console-relay "$CONSOLE_PORT" tenantry-control-api 8090
relay operator-relay "$OPERATOR_PORT" tenantry-operator-metrics 8095

ADMIN_TOKEN=""
for _ in $(seq 1 60); do
  ADMIN_TOKEN=$(k -n tenantry-system get secret tenantry-admin-token -o jsonpath='{.data.token}' 2>/dev/null | base64 -d) || true
  [ -n "$ADMIN_TOKEN" ] && break
  sleep 1
done
cat <<MSG

Tenantry is up: local control plane, a real node, and the platform installed with the Helm chart.
  console:     http://127.0.0.1:$CONSOLE_PORT/
  admin token: $ADMIN_TOKEN
  kubeconfig:  $STATE/kubeconfig
  try:         export KUBECONFIG=$STATE/kubeconfig
               $KUBECTL get tenantplans
               $KUBECTL apply -f crds/examples/tenant-acme.yaml
               $KUBECTL get tenants -w          # Ready in about 20 s, its pod really running
  operator:    http://127.0.0.1:$OPERATOR_PORT/metrics
  calling a tenant: docs/local-node.md (a tenant token from the console, then REST, GraphQL, gRPC, WebSocket)
  logs:        $STATE/logs/   (pods: $KUBECTL logs -n tenant-acme deploy/runtime)
  stop:        scripts/down.sh   (add --wipe to drop the cluster's data)
MSG
