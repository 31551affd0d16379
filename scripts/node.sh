#!/usr/bin/env bash
# A real Kubernetes node on this machine, joined to the local control plane of scripts/cluster.sh:
# containerd (its own root, state and socket), kubelet and kube-proxy, the bridge CNI, the base and
# application images imported from tarballs (no registry), local PersistentVolumes, and a relay
# that lets pods reach the platform PostgreSQL. Everything stays on this machine: the node's
# address lives on the loopback interface, the service CIDR is routed to loopback, and pods may
# not be forwarded anywhere but to other pods and the node itself.
#
#   scripts/node.sh start [--state DIR]   start (idempotent); the control plane must run with --node
#   scripts/node.sh stop  [--state DIR]   stop every process by its pid and put the host back as it
#                                         was: sysctls, iptables, cni0, mounts, addresses, paths
#   scripts/node.sh status [--state DIR]
#   scripts/node.sh tag SOURCE TARGET [--state DIR]
#                                         give an imported image a second name, e.g. to try a
#                                         TenantRollout with no registry (docs/rollouts.md)
#
# State (containerd, kubelet, volumes, the saved host state) lives in DIR/node, logs in DIR/logs,
# pids in DIR/pids; DIR defaults to .tenantry/ at the checkout root.
# Addresses: TENANTRY_NODE_IP (10.87.0.1), TENANTRY_POD_CIDR (10.88.0.0/16),
# TENANTRY_SERVICE_CIDR (10.96.0.0/16, as cluster.sh).
# TENANTRY_NODE_EXTRA_IMAGES: more image tarballs to import beside the platform's (benchmarks).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.tenantry"
CMD="${1:-}"
shift || true
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --state) STATE="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    -*) echo "node.sh: unknown option $1" >&2; exit 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

KUBE_VERSION=1.20.2
BIN="${TENANTRY_KUBE_CACHE:-$HOME/.cache/tenantry/kube/$KUBE_VERSION}/bin"
IMAGES="${TENANTRY_IMAGE_CACHE:-$HOME/.cache/tenantry/images}"
NODE_NAME="${TENANTRY_NODE_NAME:-tenantry-node}"
NODE_IP="${TENANTRY_NODE_IP:-10.87.0.1}"
POD_CIDR="${TENANTRY_POD_CIDR:-10.88.0.0/16}"
SERVICE_CIDR="${TENANTRY_SERVICE_CIDR:-10.96.0.0/16}"
APISERVER_PORT="${TENANTRY_APISERVER_PORT:-6443}"
KUBELET_PORT="${TENANTRY_KUBELET_PORT:-10250}"
POSTGRES_PORT="${TENANTRY_POSTGRES_RELAY_PORT:-5432}"
VOLUMES="${TENANTRY_NODE_VOLUMES:-24}"
NODE="$STATE/node"
SAVED="$NODE/host-saved"
PKI="$STATE/pki"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
SOCKET="$NODE/containerd.sock"
# paths kubelet 1.20 and containerd 1.6 write whatever their settings (removed on stop if new)
FIXED_PATHS=(/var/log/pods /var/log/containers /var/lib/kubelet /run/containerd /var/lib/cni /run/netns)
SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes net.ipv4.ip_forward net.ipv4.conf.all.route_localnet
  net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables)

log() { echo "node: $*" >&2; }
die() { echo "node: ERROR: $*" >&2; exit 1; }
# shellcheck source=lib/processes.sh
. "$ROOT/scripts/lib/processes.sh"
WAIT_LOGS="containerd kubelet kube-proxy"
kubectl_local() { "$BIN/kubectl" --kubeconfig "$STATE/kubeconfig" "$@"; }
ctr_local() { ctr --address "$SOCKET" --namespace k8s.io "$@"; }

# ---------------------------------------------------------------------------------------------
# the host as we found it, recorded once before the first change and put back by stop
tables() { # iptables|ip6tables: the rules without comments and counters
  "$1-save" | { grep -v '^#' || true; } | sed 's/\[[0-9]*:[0-9]*\]/[0:0]/'
}

save_host() {
  [ -d "$SAVED" ] && return 0
  mkdir -p "$SAVED.tmp"
  local s
  for s in "${SYSCTLS[@]}"; do
    if [ -e "/proc/sys/${s//.//}" ]; then echo "$s=$(sysctl -n "$s")" >>"$SAVED.tmp/sysctls"; fi
  done
  tables iptables >"$SAVED.tmp/iptables"
  tables ip6tables >"$SAVED.tmp/ip6tables"
  touch "$SAVED.tmp/paths"
  for p in "${FIXED_PATHS[@]}"; do if [ -e "$p" ]; then echo "$p" >>"$SAVED.tmp/paths"; fi; done
  mv "$SAVED.tmp" "$SAVED"
}

restore_tables() { # iptables|ip6tables saved-file
  local tool="$1" saved="$2" table family=ip
  [ "$tool" = ip6tables ] && family=ip6
  # restoring a dump replaces each table it names; tables that did not exist are emptied
  "$tool-restore" <"$saved"
  for table in raw mangle nat filter; do
    grep -q "^\*$table\$" "$saved" && continue
    "$tool" -t "$table" -F 2>/dev/null || true
    "$tool" -t "$table" -X 2>/dev/null || true
    # with the nf_tables backend an emptied table still exists: remove it as it was
    if "$tool" -V 2>/dev/null | grep -q nf_tables && command -v nft >/dev/null; then
      nft delete table "$family" "$table" 2>/dev/null || true
    fi
  done
}

restore_host() {
  [ -d "$SAVED" ] || return 0
  restore_tables iptables "$SAVED/iptables"
  restore_tables ip6tables "$SAVED/ip6tables"
  local line
  while IFS= read -r line; do sysctl -q -w "$line" >/dev/null || log "could not restore $line"; done <"$SAVED/sysctls"
  ip route del local "$SERVICE_CIDR" dev lo table local 2>/dev/null || true
  ip addr del "$NODE_IP/32" dev lo 2>/dev/null || true
  local p
  for p in "${FIXED_PATHS[@]}"; do
    grep -qxF "$p" "$SAVED/paths" || rm -rf "$p"
  done
  rm -rf "$SAVED"
}

# ---------------------------------------------------------------------------------------------
node_pki() {
  [ -f "$PKI/ca.crt" ] || die "no cluster CA in $PKI: start the control plane first (scripts/cluster.sh start --node)"
  local ca; ca=$(sha256sum "$PKI/ca.crt" | cut -d' ' -f1)
  # certificates of an earlier cluster (wiped since) are worthless: issue them again
  if [ ! -f "$NODE/pki/kubelet.crt" ] || [ "$(cat "$NODE/pki/ca.sha256" 2>/dev/null)" != "$ca" ]; then
    mkdir -p "$NODE/pki"
    local old_umask; old_umask=$(umask); umask 077
    issue_cert "$NODE/pki" kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" \
      "extendedKeyUsage=clientAuth,serverAuth
subjectAltName=DNS:$NODE_NAME,IP:$NODE_IP"
    issue_cert "$NODE/pki" kube-proxy "/CN=system:kube-proxy" "extendedKeyUsage=clientAuth"
    umask "$old_umask"
    echo "$ca" >"$NODE/pki/ca.sha256"
    # a new cluster's volumes start empty: no data of an earlier cluster's tenants
    rm -rf "$NODE/volumes"
  fi
  # the API server's port may differ from the last start
  kubeconfig_for kubelet "$NODE/kubelet.kubeconfig"
  kubeconfig_for kube-proxy "$NODE/kube-proxy.kubeconfig"
}

kubeconfig_for() { # name file
  cat >"$2" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tenantry-local
  cluster: {server: "https://$NODE_IP:$APISERVER_PORT", certificate-authority: "$PKI/ca.crt"}
users:
- name: $1
  user: {client-certificate: "$NODE/pki/$1.crt", client-key: "$NODE/pki/$1.key"}
contexts:
- name: tenantry-local
  context: {cluster: tenantry-local, user: $1}
current-context: tenantry-local
EOF
  chmod 600 "$2"
}

write_configs() {
  mkdir -p "$NODE/cni" "$NODE/containerd" "$NODE/kubelet" "$NODE/cni-ipam" "$NODE/volumes"
  cat >"$NODE/containerd.toml" <<EOF
version = 2
root = "$NODE/containerd/root"
state = "$NODE/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$SOCKET"
[ttrpc]
  address = "$SOCKET.ttrpc"
[debug]
  level = "warn"
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "tenantry.local/pause:3.2"
  # root here lacks CAP_SYS_RESOURCE: do not try to lower oom_score_adj below our own
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE/cni"
EOF
  # bridge without masquerading: pods talk to pods and to the node, never beyond the machine
  cat >"$NODE/cni/10-tenantry.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "tenantry", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$NODE/cni-ipam", "ranges": [[{"subnet": "$POD_CIDR"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
  : >"$NODE/resolv.conf"
  cat >"$NODE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: "$NODE_IP"
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${TENANTRY_KUBELET_HEALTHZ_PORT:-10248}
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$NODE/pki/kubelet.crt"
tlsPrivateKeyFile: "$NODE/pki/kubelet.key"
cgroupDriver: cgroupfs
failSwapOn: false
# imported images cannot be pulled again: never collect them
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "200Mi", nodefs.available: "2%", imagefs.available: "2%"}
resolvConf: "$NODE/resolv.conf"
serializeImagePulls: false
maxPods: 110
EOF
}

import_images() {
  local tar imported=0
  for tar in "$IMAGES/pause.tar" "$ROOT"/tenant-runtime/target/jib-image.tar "$ROOT"/operator/target/jib-image.tar \
             "$ROOT"/activator/target/jib-image.tar \
             "$ROOT"/control-api/target/jib-image.tar ${TENANTRY_NODE_EXTRA_IMAGES:-}; do
    [ -f "$tar" ] || { [ "$tar" = "$IMAGES/pause.tar" ] && die "$tar is missing: run scripts/images.sh base"; continue; }
    local stamp="$NODE/imported-$(basename "$(dirname "$(dirname "$tar")")")-$(printf %s "$tar" | sha1sum | cut -c1-8)"
    if [ -f "$stamp" ] && [ ! "$tar" -nt "$stamp" ]; then continue; fi
    ctr_local images import --no-unpack "$tar" >/dev/null || die "importing $tar failed"
    touch "$stamp"; imported=$((imported + 1))
  done
  log "images ready ($imported imported): $(ctr_local images ls -q | grep -v '^sha256' | tr '\n' ' ')"
}

local_volumes() {
  kubectl_local apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: tenantry-local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
EOF
  local i name manifest=""
  for i in $(seq -w 1 "$VOLUMES"); do
    name="tenantry-local-$i"
    mkdir -p "$NODE/volumes/$name"
    manifest+="---
apiVersion: v1
kind: PersistentVolume
metadata: {name: $name, labels: {tenantry.dev/local-volume: \"true\"}}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: tenantry-local
  local: {path: \"$NODE/volumes/$name\"}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [$NODE_NAME]}]
"
  done
  # only create: a bound volume keeps its claim across restarts
  printf '%s' "$manifest" | kubectl_local create -f - >/dev/null 2>&1 || true
}

start() {
  for b in kubelet kube-proxy kubectl; do
    [ -x "$BIN/$b" ] || die "$BIN/$b is missing: run scripts/kube-binaries.sh"
  done
  for t in containerd ctr runc iptables-save nft socat; do command -v "$t" >/dev/null || die "$t is missing: run scripts/install-deps.sh"; done
  [ -x /usr/lib/cni/bridge ] || die "the CNI plugins are missing: run scripts/install-deps.sh"
  mkdir -p "$NODE" "$LOGS" "$PIDS"
  node_pki
  write_configs
  save_host

  # the node's address, on loopback so nothing is announced on a real network
  ip addr show dev lo | grep -qF " $NODE_IP/32" || ip addr add "$NODE_IP/32" dev lo
  # every ClusterIP is local: a packet no kube-proxy rule translates is refused here, never routed out
  ip route show table local | grep -qF "local $SERVICE_CIDR dev lo" || ip route add local "$SERVICE_CIDR" dev lo table local
  modprobe br_netfilter 2>/dev/null || true
  sysctl -q -w net.ipv4.ip_forward=1 >/dev/null
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] && sysctl -q -w net.bridge.bridge-nf-call-iptables=1 >/dev/null
  # pods may be forwarded only to pods (and reach the node itself through INPUT)
  iptables -N TENANTRY-NODE 2>/dev/null || true
  iptables -F TENANTRY-NODE
  iptables -A TENANTRY-NODE -s "$POD_CIDR" -d "$POD_CIDR" -j RETURN
  iptables -A TENANTRY-NODE -s "$POD_CIDR" -j DROP
  iptables -C FORWARD -j TENANTRY-NODE 2>/dev/null || iptables -I FORWARD -j TENANTRY-NODE

  start_process containerd containerd --config "$NODE/containerd.toml"
  wait_for containerd 30 ctr --address "$SOCKET" version
  import_images

  start_process kubelet "$BIN/kubelet" --config "$NODE/kubelet.yaml" --kubeconfig "$NODE/kubelet.kubeconfig" \
    --container-runtime remote --container-runtime-endpoint "unix://$SOCKET" --runtime-request-timeout 5m \
    --root-dir "$NODE/kubelet" --cert-dir "$NODE/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --pod-infra-container-image tenantry.local/pause:3.2 --v 1
  start_process kube-proxy "$BIN/kube-proxy" --kubeconfig "$NODE/kube-proxy.kubeconfig" \
    --hostname-override "$NODE_NAME" --proxy-mode iptables --cluster-cidr "$POD_CIDR" \
    --bind-address "$NODE_IP" --metrics-bind-address 127.0.0.1:${TENANTRY_KUBE_PROXY_METRICS_PORT:-10249} \
    --healthz-bind-address 127.0.0.1:${TENANTRY_KUBE_PROXY_HEALTHZ_PORT:-10256} \
    --conntrack-max-per-core 0 --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0
  # pods reach the platform PostgreSQL (on 127.0.0.1 only) through the node's address
  if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    start_process postgres-relay socat "TCP-LISTEN:$POSTGRES_PORT,bind=$NODE_IP,fork,reuseaddr" TCP:127.0.0.1:5432
  fi

  wait_for "node $NODE_NAME Ready" 90 sh -c \
    "'$BIN/kubectl' --kubeconfig '$STATE/kubeconfig' get node '$NODE_NAME' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
  # the node-lifecycle controller lifts the not-ready taint once it sees the node Ready
  wait_for "the not-ready taint to be lifted" 60 sh -c \
    "! '$BIN/kubectl' --kubeconfig '$STATE/kubeconfig' get node '$NODE_NAME' -o jsonpath='{.spec.taints}' | grep -q not-ready"
  local_volumes
  log "node $NODE_NAME Ready at $NODE_IP (pods $POD_CIDR, services $SERVICE_CIDR)"
}

# the shims (one per pod) outlive containerd by design: find ours by the socket they were given
stop_containers() {
  if pid_alive containerd; then
    local c
    for c in $(ctr_local tasks ls -q 2>/dev/null); do ctr_local tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true; done
  fi
  local pid
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $SOCKET" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  # whatever is left in the pods' cgroups, then the cgroups kubelet made
  local procs
  for procs in $(find /sys/fs/cgroup/*/kubepods -name cgroup.procs 2>/dev/null); do
    for pid in $(cat "$procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  sleep 0.5
  find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} \; 2>/dev/null || true
}

unmount_under() { # prefix
  local m
  for m in $(awk -v p="$1" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done
}

stop() {
  stop_process postgres-relay
  stop_process kube-proxy
  stop_process kubelet
  stop_containers
  stop_process containerd
  unmount_under "$NODE/"
  unmount_under /run/containerd/
  unmount_under /var/lib/kubelet/
  local ns
  for ns in /run/netns/cni-*; do
    [ -e "$ns" ] || continue
    umount "$ns" 2>/dev/null || true
    rm -f "$ns"
  done
  ip link del cni0 2>/dev/null || true
  iptables -D FORWARD -j TENANTRY-NODE 2>/dev/null || true
  iptables -F TENANTRY-NODE 2>/dev/null || true
  iptables -X TENANTRY-NODE 2>/dev/null || true
  restore_host
  # containers and IP allocations do not survive a stop; images, volumes and certificates do
  rm -rf "$NODE/containerd/state" "$NODE/cni-ipam" "$NODE/kubelet/pods" "$NODE/kubelet/plugins" "$NODE/kubelet/pod-resources"
  log "stopped; host restored"
}

status() { process_status containerd kubelet kube-proxy; }

# an image reference as containerd stores it: docker.io/ (and library/) unless a registry is named
full_name() {
  local name="$1" first="${1%%/*}"
  if [ "$first" = "$name" ]; then echo "docker.io/library/$name"
  elif [[ "$first" == *.* || "$first" == *:* || "$first" == localhost ]]; then echo "$name"
  else echo "docker.io/$name"; fi
}

tag() {
  [ ${#ARGS[@]} -eq 2 ] || die "usage: scripts/node.sh tag SOURCE TARGET"
  [ -S "$SOCKET" ] || die "the node is not running (scripts/node.sh start)"
  ctr_local images tag --force "$(full_name "${ARGS[0]}")" "$(full_name "${ARGS[1]}")" >/dev/null
  log "image ${ARGS[1]} is ${ARGS[0]}"
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  tag) tag ;;
  *) echo "usage: scripts/node.sh start|stop|status [--state DIR] | tag SOURCE TARGET [--state DIR]" >&2; exit 2 ;;
esac
