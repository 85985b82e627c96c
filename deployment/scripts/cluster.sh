#!/usr/bin/env bash
# Several platform processes on this machine, each running some roles, sharing one clustered event
# bus and one local stack. Logs and pid files go under SAGAWAY_CLUSTER_DIR (.local-cluster/).
#   cluster.sh up [ROLES...]   start one process per ROLES (a comma-separated role list; one alone runs unclustered), by default
#                              gateway gateway order-commands,outbox-relay,order-saga payment,inventory,shipping projector
#   cluster.sh down            stop the processes it started (and the local stack, if up started it)
#   cluster.sh status          say which processes run, with their roles, pids and ports
# The K-th gateway listens on http://localhost:$((SAGAWAY_CLUSTER_HTTP_BASE + K - 1)) (8080, 8081...); process N without
# a gateway serves /health/ready and /metrics on SAGAWAY_CLUSTER_HTTP_BASE + 100 + N (8183...);
# process N's cluster membership port is SAGAWAY_CLUSTER_PORT_BASE + N - 1 (5701...). Other SAGAWAY_*
# settings in the environment reach every process; without SAGAWAY_JWT_SECRET, up makes one key for all gateways.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deployment/scripts/common.sh

dir=${SAGAWAY_CLUSTER_DIR:-.local-cluster}
http_base=${SAGAWAY_CLUSTER_HTTP_BASE:-8080}
port_base=${SAGAWAY_CLUSTER_PORT_BASE:-5701}
default_layout=(gateway gateway order-commands,outbox-relay,order-saga payment,inventory,shipping projector)
# What Hazelcast asks of a modular JDK to read its own metrics (it warns without them).
hazelcast_access=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  local layout=("$@")
  [ ${#layout[@]} -gt 0 ] || layout=("${default_layout[@]}")
  mkdir -p "$dir"
  for pidfile in "$dir"/*.pid; do
    if alive "$pidfile"; then
      die "a process of this cluster still runs ($pidfile); run 'deployment/scripts/cluster.sh down' first"
    fi
  done
  rm -f "$dir"/*.pid
  ensure_prerequisites
  build_if_changed
  local jar
  jar=$(private_jar)
  log "starting the local stack (or reusing it)"
  deployment/scripts/stack.sh up | tee "$dir/stack.out" >&2
  # Tokens must verify at every gateway: one signing key for all of them, unless one is configured.
  export SAGAWAY_JWT_SECRET=${SAGAWAY_JWT_SECRET:-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')}
  local members="" n
  for n in $(seq 1 ${#layout[@]}); do
    members="${members:+$members,}127.0.0.1:$((port_base + n - 1))"
  done
  local gateway=0 roles name port
  for n in $(seq 1 ${#layout[@]}); do
    roles=${layout[$((n - 1))]}
    name="p$n-${roles//,/_}"
    if [[ ",$roles," == *",gateway,"* || "$roles" == all ]]; then
      port=$((http_base + gateway)); gateway=$((gateway + 1))
    else
      port=0
    fi
    if [ "$port" != 0 ]; then
      log "starting $name (roles $roles; http://localhost:$port)"
    else
      port=$((http_base + 100 + n))
      log "starting $name (roles $roles; health and metrics on http://localhost:$port)"
    fi
    local cluster_env=()
    # One process alone needs no cluster: it runs as ./run.sh does, with a local event bus.
    [ ${#layout[@]} -gt 1 ] && cluster_env=(SAGAWAY_CLUSTER_MEMBERS="$members" SAGAWAY_CLUSTER_PORT=$((port_base + n - 1)))
    env "${cluster_env[@]}" SAGAWAY_INSTANCE_ID="cluster-$name" SAGAWAY_HTTP_PORT=$port setsid "$JAVA_HOME/bin/java" -XX:+UseG1GC -Xmx768m "${hazelcast_access[@]}" -jar "$jar" --roles "$roles" \
      >"$dir/$name.log" 2>&1 </dev/null &
    echo $! >"$dir/$name.pid"
    echo "$roles" >"$dir/$name.roles"
  done
  local deadline=$((SECONDS + 180)) pending
  while :; do
    pending=0
    for pidfile in "$dir"/*.pid; do
      name=$(basename "$pidfile" .pid)
      alive "$pidfile" || { tail -20 "$dir/$name.log" >&2; down; die "$name stopped while starting (log above: $dir/$name.log)"; }
      grep -q "Platform started with roles" "$dir/$name.log" || pending=$((pending + 1))
    done
    [ "$pending" -eq 0 ] && break
    [ $SECONDS -lt $deadline ] || { down; die "$pending processes did not start within 180 s (logs in $dir)"; }
    sleep 1
  done
  log "cluster up: ${#layout[@]} processes, $gateway gateways (logs in $dir)"
  status
}

down() {
  local pidfile pid name stopped=0
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid)
    if alive "$pidfile"; then
      pid=$(cat "$pidfile")
      kill -TERM "$pid" 2>/dev/null || true
      stopped=$((stopped + 1))
    fi
  done
  local deadline=$((SECONDS + 40))
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    while alive "$pidfile" && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
    if alive "$pidfile"; then
      log "$(basename "$pidfile" .pid) did not stop within 40 s; killing it"
      kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  log "stopped $stopped platform processes"
  # Stop the local stack only if 'up' started some of it: services that were already running stay.
  if [ -f "$dir/stack.out" ] && grep -q 'started: \[[^]]' "$dir/stack.out"; then
    deployment/scripts/stack.sh down >&2
  fi
  rm -f "$dir/stack.out"
}

status() {
  local pidfile name found=0
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    found=1
    name=$(basename "$pidfile" .pid)
    if alive "$pidfile"; then
      printf '%-50s pid %-8s %s\n' "$name" "$(cat "$pidfile")" \
        "$(grep -oE '(HTTP gateway listening on|Health and metrics on) http://localhost:[0-9]+/[a-z/]*' "$dir/$name.log" | head -1 \
          | sed -E 's/HTTP gateway listening on /gateway /; s/Health and metrics on /health /')"
    else
      printf '%-50s not running (log: %s)\n' "$name" "$dir/$name.log"
    fi
  done
  [ "$found" = 1 ] || echo "no cluster process (nothing in $dir)"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) find_jdk; down ;;
  status) status ;;
  *) echo "usage: $0 up [ROLES...] | down | status" >&2; exit 2 ;;
esac
