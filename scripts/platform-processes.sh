#!/usr/bin/env bash
# Starts and stops the platform's Java processes (operator, control API) on this machine,
# against the local control plane, each with a pid file and a log under the state directory.
#   scripts/platform-processes.sh start|stop [--state DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.tenantry"
CMD="${1:-}"; shift || true
while [ $# -gt 0 ]; do
  case "$1" in
    --state) STATE="$2"; shift 2 ;;
    *) echo "platform-processes.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
LOGS="$STATE/logs"; PIDS="$STATE/pids"
mkdir -p "$LOGS" "$PIDS"

log() { echo "platform: $*" >&2; }

alive() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

start_java() { # name jar env...
  local name="$1" jar="$2"; shift 2
  if alive "$name"; then return 0; fi
  [ -f "$jar" ] || { echo "platform: $jar is missing (mvn package)" >&2; exit 1; }
  env KUBECONFIG="$STATE/kubeconfig" "$@" setsid java -XX:+UseSerialGC -Xss512k -Djava.util.concurrent.ForkJoinPool.common.parallelism=4 -jar "$jar" \
    >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

wait_http() { # what url seconds
  local deadline=$((SECONDS + $3))
  until curl -sf "$2" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "platform: $1 did not answer $2 within $3 s; last log lines:" >&2
      tail -n 30 "$LOGS/$1.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

stop_pid() { # name
  local pid
  [ -f "$PIDS/$1.pid" ] || return 0
  pid=$(cat "$PIDS/$1.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDS/$1.pid"
}

case "$CMD" in
  start)
    # shellcheck source=java-home.sh
    . "$ROOT/scripts/java-home.sh"
    postgres_env=()
    if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
      postgres_env=(TENANTRY_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/postgres TENANTRY_POSTGRES_USER=postgres)
    fi
    start_java operator "$ROOT/operator/target/operator.jar" TENANTRY_OPERATOR_PORT="${TENANTRY_OPERATOR_PORT:-8095}" \
      "${postgres_env[@]}"
    wait_http operator "http://127.0.0.1:${TENANTRY_OPERATOR_PORT:-8095}/readyz" 90
    log "operator ready (probes and metrics on :${TENANTRY_OPERATOR_PORT:-8095})"
    start_java control-api "$ROOT/control-api/target/control-api.jar" SERVER_PORT="${TENANTRY_CONTROL_API_PORT:-8090}" \
      MANAGEMENT_SERVER_PORT="${TENANTRY_CONTROL_API_MANAGEMENT_PORT:-8091}"
    wait_http control-api "http://127.0.0.1:${TENANTRY_CONTROL_API_MANAGEMENT_PORT:-8091}/actuator/health/readiness" 120
    log "control API ready on :${TENANTRY_CONTROL_API_PORT:-8090}"
    ;;
  stop)
    stop_pid control-api
    stop_pid operator
    ;;
  *) echo "usage: scripts/platform-processes.sh start|stop [--state DIR]" >&2; exit 2 ;;
esac
