# Process, wait and certificate helpers shared by scripts/cluster.sh and scripts/node.sh.
# The caller sets LOGS and PIDS (directories), PKI (holding the cluster CA), defines die(), and
# may set WAIT_LOGS: names of logs whose last lines a failed wait shows.

pid_alive() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

start_process() { # name command...
  local name="$1"; shift
  if pid_alive "$name"; then return 0; fi
  mkdir -p "$LOGS" "$PIDS"
  # setsid: a process group of its own, so stop can signal the whole group
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# stops the process group by its pid file: TERM, up to 10 s, then KILL
stop_process() { # name
  local name="$1" pid
  [ -f "$PIDS/$name.pid" ] || return 0
  pid=$(cat "$PIDS/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PIDS/$name.pid"
}

# runs the command every half second until it succeeds; after the deadline shows the last lines
# of the log named like the first word of `what` and of WAIT_LOGS, then dies
wait_for() { # what seconds command...
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds)) shown="" name
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      for name in "${what%% *}" ${WAIT_LOGS:-}; do
        case " $shown " in *" $name "*) continue ;; esac
        shown="$shown $name"
        [ -f "$LOGS/$name.log" ] && { echo "--- $name" >&2; tail -n 15 "$LOGS/$name.log" >&2; }
      done
      die "$what not ready after ${seconds}s (logs in $LOGS)"
    fi
    sleep 0.5
  done
}

# prints "name: running (pid N)" or "name: stopped" for each; fails when any is stopped
process_status() { # name...
  local rc=0 name
  for name in "$@"; do
    if pid_alive "$name"; then echo "$name: running (pid $(cat "$PIDS/$name.pid"))"; else echo "$name: stopped"; rc=1; fi
  done
  return $rc
}

# a key and a certificate signed by the cluster CA in $PKI
issue_cert() { # dir name subject extensions
  local dir="$1" name="$2" subject="$3" ext="$4"
  openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n%s\n' "$ext" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}
