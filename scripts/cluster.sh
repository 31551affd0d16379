#!/usr/bin/env bash
# The local Kubernetes control plane: etcd, kube-apiserver (RBAC on), kube-controller-manager
# and kube-scheduler on loopback, from the binaries scripts/kube-binaries.sh caches.
#
#   scripts/cluster.sh start [--state DIR] [--node]   start (idempotent), install CRDs and example
#                                            plans; --node: ready for scripts/node.sh (the API server
#                                            also listens on the node's address, which pods reach);
#                                            --empty: no CRDs or plans (the Helm chart brings them)
#   scripts/cluster.sh stop  [--state DIR] [--wipe]   stop every process by its pid; --wipe drops data
#   scripts/cluster.sh status [--state DIR]
#
# State (certificates, etcd data, kubeconfig, logs, pids) lives in DIR, default .tenantry/ at
# the checkout root; data survives a stop/start unless --wipe is given.
# Ports: TENANTRY_APISERVER_PORT (6443), TENANTRY_ETCD_PORT (2379, peer port +1).
# TENANTRY_CONTROLLERS: kube-controller-manager's --controllers (benchmarks that play the
# Deployment controller themselves leave it out: '*,-deployment,bootstrapsigner,tokencleaner').
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.tenantry"
WIPE=false
FOR_NODE=false
EMPTY=false
CMD="${1:-}"
shift || true
while [ $# -gt 0 ]; do
  case "$1" in
    --state) STATE="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --wipe) WIPE=true; shift ;;
    --node) FOR_NODE=true; shift ;;
    --empty) EMPTY=true; shift ;;
    *) echo "cluster.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

KUBE_VERSION=1.20.2
BIN="${TENANTRY_KUBE_CACHE:-$HOME/.cache/tenantry/kube/$KUBE_VERSION}/bin"
APISERVER_PORT="${TENANTRY_APISERVER_PORT:-6443}"
ETCD_PORT="${TENANTRY_ETCD_PORT:-2379}"
ETCD_PEER_PORT=$((ETCD_PORT + 1))
SERVICE_CIDR="${TENANTRY_SERVICE_CIDR:-10.96.0.0/16}"
SERVICE_IP="${TENANTRY_KUBERNETES_SERVICE_IP:-10.96.0.1}"
NODE_IP="${TENANTRY_NODE_IP:-10.87.0.1}"
if $FOR_NODE; then
  # pods reach the API server through the kubernetes Service, whose endpoint is the advertise address
  BIND_ADDRESS=0.0.0.0; ADVERTISE_ADDRESS="$NODE_IP"
else
  BIND_ADDRESS="${TENANTRY_APISERVER_BIND:-127.0.0.1}"; ADVERTISE_ADDRESS="${TENANTRY_APISERVER_ADVERTISE:-127.0.0.1}"
fi
PKI="$STATE/pki"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
KUBECONFIG_FILE="$STATE/kubeconfig"

log() { echo "cluster: $*" >&2; }
die() { echo "cluster: ERROR: $*" >&2; exit 1; }

# shellcheck source=lib/processes.sh
. "$ROOT/scripts/lib/processes.sh"

# ---------------------------------------------------------------------------------------------
# certificates (openssl): one CA; apiserver serving cert; client certs per component
make_pki() {
  mkdir -p "$PKI"
  [ -f "$PKI/ca.crt" ] && return 0
  log "creating the cluster CA and certificates in $PKI"
  local old_umask; old_umask=$(umask); umask 077
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=tenantry-local-ca" \
    -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  local sans="DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:$SERVICE_IP,IP:$NODE_IP${TENANTRY_APISERVER_EXTRA_SANS:+,$TENANTRY_APISERVER_EXTRA_SANS}"
  issue_cert "$PKI" apiserver "/CN=kube-apiserver" "subjectAltName=$sans
extendedKeyUsage=serverAuth"
  issue_cert "$PKI" admin "/O=system:masters/CN=tenantry-admin" "extendedKeyUsage=clientAuth"
  issue_cert "$PKI" controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
  issue_cert "$PKI" scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
  issue_cert "$PKI" apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
  umask "$old_umask"
}

kubeconfig_for() { # name file
  local name="$1" file="$2"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tenantry-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$name.crt")
    client-key-data: $(base64 -w0 "$PKI/$name.key")
contexts:
- name: tenantry-local
  context: {cluster: tenantry-local, user: $name}
current-context: tenantry-local
EOF
  chmod 600 "$file"
}

# ---------------------------------------------------------------------------------------------
kubectl_local() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

start() {
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [ -x "$BIN/$b" ] || die "$BIN/$b is missing: run scripts/kube-binaries.sh first"
  done
  make_pki
  kubeconfig_for admin "$KUBECONFIG_FILE"
  kubeconfig_for controller-manager "$PKI/controller-manager.kubeconfig"
  kubeconfig_for scheduler "$PKI/scheduler.kubeconfig"

  start_process etcd "$BIN/etcd" --name tenantry --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "tenantry=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn
  wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"

  start_process kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$BIND_ADDRESS" --advertise-address "$ADVERTISE_ADDRESS" \
    --kubelet-preferred-address-types InternalIP \
    --secure-port "$APISERVER_PORT" --insecure-port 0 \
    --authorization-mode Node,RBAC --client-ca-file "$PKI/ca.crt" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer "https://kubernetes.default.svc.cluster.local" \
    --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota,DefaultStorageClass,NodeRestriction
  wait_for kube-apiserver 60 curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz"

  start_process kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$PKI/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$PKI/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$PKI/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --port 0 --secure-port "${TENANTRY_CONTROLLER_MANAGER_PORT:-10257}" \
    --leader-elect=false --use-service-account-credentials \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --root-ca-file "$PKI/ca.crt" --service-account-private-key-file "$PKI/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --controllers "${TENANTRY_CONTROLLERS:-*,bootstrapsigner,tokencleaner}"
  start_process kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$PKI/scheduler.kubeconfig" \
    --authentication-kubeconfig "$PKI/scheduler.kubeconfig" \
    --authorization-kubeconfig "$PKI/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --port 0 --secure-port "${TENANTRY_SCHEDULER_PORT:-10259}" --leader-elect=false

  # both answer on their secure ports once they run: a port taken or a bad flag shows up here
  wait_for kube-controller-manager 60 curl -sfk "https://127.0.0.1:${TENANTRY_CONTROLLER_MANAGER_PORT:-10257}/healthz"
  wait_for kube-scheduler 60 curl -sfk "https://127.0.0.1:${TENANTRY_SCHEDULER_PORT:-10259}/healthz"
  if ! $EMPTY; then install_crds_and_plans; fi
  # the default service account of a namespace appears only once the controller-manager runs
  wait_for "kube-controller-manager (default service account)" 60 kubectl_local get serviceaccount default -n default
  log "control plane ready: KUBECONFIG=$KUBECONFIG_FILE"
}

install_crds_and_plans() {
  log "installing the Tenantry CRDs and the example plans"
  local crd files=() names=()
  for crd in "$ROOT"/crds/*-v1.yaml; do
    files+=(-f "$crd")
    names+=("crd/$(basename "$crd" -v1.yaml)")
  done
  kubectl_local apply --server-side --force-conflicts "${files[@]}" >/dev/null
  kubectl_local wait --for condition=established --timeout 60s "${names[@]}" >/dev/null
  kubectl_local apply --server-side --force-conflicts -f "$ROOT/crds/examples/plan-free.yaml" \
    -f "$ROOT/crds/examples/plan-pro.yaml" -f "$ROOT/crds/examples/plan-enterprise.yaml" >/dev/null
}

stop() {
  for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_process "$name"; done
  if $WIPE; then
    rm -rf "$STATE/etcd" "$PKI" "$KUBECONFIG_FILE"
    log "stopped; data wiped"
  else
    log "stopped; data kept in $STATE"
  fi
}

status() { process_status etcd kube-apiserver kube-controller-manager kube-scheduler; }

case "$CMD" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/cluster.sh start|stop|status [--state DIR] [--wipe]" >&2; exit 2 ;;
esac
