#!/usr/bin/env bash
# Brings the Tenantry platform up on this machine: installs what is missing, builds the jars,
# starts the local control plane (etcd, kube-apiserver, controller-manager, scheduler) with the
# CRDs and the default plans, then the platform processes, and prints where everything is.
# State lives in .tenantry/ at the checkout root; scripts/down.sh stops it all.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="$ROOT/.tenantry"
mkdir -p "$STATE/logs" "$STATE/pids"

scripts/install-deps.sh

newest_source=$(find crds operator tenant-runtime control-api testkit pom.xml -newer operator/target/operator.jar \
  -not -path '*/target/*' -print -quit 2>/dev/null || true)
if [ ! -f operator/target/operator.jar ] || [ -n "$newest_source" ]; then
  echo "up: building the jars (mvn package, tests skipped; scripts/test.sh runs them)" >&2
  mvn -B -q package -DskipTests >"$STATE/logs/build.log" 2>&1 || { tail -n 40 "$STATE/logs/build.log" >&2; exit 1; }
fi

scripts/cluster.sh start --state "$STATE"
scripts/platform-processes.sh start --state "$STATE"

KUBECTL="$HOME/.cache/tenantry/kube/1.20.2/bin/kubectl"
ADMIN_TOKEN=$("$KUBECTL" --kubeconfig "$STATE/kubeconfig" -n tenantry-system get secret tenantry-admin-token \
  -o jsonpath='{.data.token}' | base64 -d)
cat <<MSG

Tenantry is up: local control plane, operator and control API.
  console:     http://127.0.0.1:8090/
  admin token: $ADMIN_TOKEN
  kubeconfig:  $STATE/kubeconfig
  try:         export KUBECONFIG=$STATE/kubeconfig
               $KUBECTL get tenantplans
               $KUBECTL apply -f crds/examples/tenant-acme.yaml
  operator:    http://127.0.0.1:8095/metrics  (probes /healthz, /readyz)
  note:        no kubelet runs yet, so tenants stop at RuntimeReady=False "waiting for runtime pods"
  logs:        $STATE/logs/
  stop:        scripts/down.sh   (add --wipe to drop the cluster's data)
MSG
