#!/usr/bin/env bash
# Throughput, and what a killed orchestrator costs, by how the roles are split over processes on
# this machine. Each layout runs under cluster.sh on a fresh local stack: WARMUPS unmeasured load
# runs, then one measured run of deployment/scripts/bench.sh load BENCH_ARGS; the figures of every
# layout are printed side by side at the end.
#   deployment/scripts/scale-bench.sh [--warmups N] [--kill-after S] [--layout NAME=ROLES;ROLES;...]... -- BENCH_ARGS...
# Without --layout: one process with every role (one), one process per role group (split1:
# cluster.sh's default), and two of each (split2). With --kill-after S, a layout with two processes
# running order-saga gets one more run, in which the first of them is killed (kill -9, not
# restarted) S seconds into the load by its own clock (warm-up included): the survivors must take its work over, and the figures show the stall
# (longest saga) and what failed (errors, outcomes other than the failure mix).
set -euo pipefail
cd "$(dirname "$0")/../.."
source deployment/scripts/common.sh

warmups=2; kill_after=""; layouts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --warmups) warmups=$2; shift 2 ;;
    --kill-after) kill_after=$2; shift 2 ;;
    --layout) layouts+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) die "unknown option $1 (bench arguments go after --)" ;;
  esac
done
bench_args=("$@")
group="order-commands,outbox-relay,order-saga"
workers="payment,inventory,shipping"
if [ ${#layouts[@]} -eq 0 ]; then
  layouts=("one=all" "split1=gateway;gateway;$group;$workers;projector"
    "split2=gateway;gateway;$group;$group;$workers;$workers;projector;projector")
fi
ensure_prerequisites
out=$(mktemp -d "${TMPDIR:-/tmp}/scale-bench.XXXXXX")
trap '[ -n "${SAGAWAY_CLUSTER_DIR:-}" ] && deployment/scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
keep='completed sagas per second|completion latency.*(p50|p99|max)|accept latency p99|CPU, all|the platform|projection lag p99|^errors|transport errors|outcomes other'

for layout in "${layouts[@]}"; do
  name=${layout%%=*}
  IFS=';' read -r -a roles <<<"${layout#*=}"
  log "layout $name: ${#roles[@]} processes (${roles[*]})"
  export SAGAWAY_STACK_DIR="$out/stack-$name" SAGAWAY_CLUSTER_DIR="$out/cluster-$name"  # fresh for each layout
  deployment/scripts/cluster.sh up "${roles[@]}" >"$out/$name.up.log" 2>&1 || { tail -20 "$out/$name.up.log" >&2; die "layout $name did not start"; }
  for i in $(seq 1 "$warmups"); do
    log "layout $name: warm-up $i of $warmups"
    deployment/scripts/bench.sh load "${bench_args[@]}" >"$out/$name.warmup$i.out" 2>"$out/$name.warmup$i.err"
  done
  log "layout $name: measured run"
  deployment/scripts/bench.sh load "${bench_args[@]}" >"$out/$name.out" 2>"$out/$name.err" || true
  victims=$(grep -l "order-saga" "$SAGAWAY_CLUSTER_DIR"/*.roles | sort || true)
  if [ -n "$kill_after" ] && [ "$(echo "$victims" | wc -l)" -ge 2 ]; then
    victim=$(basename "$(echo "$victims" | head -1)" .roles)
    log "layout $name: one more run, killing $victim $kill_after s into it"
    # The clock is the load's own (its progress lines, warm-up included), once it is in steady state.
    ( until awk -v s="$kill_after" '$7 == "steady" && $5 + 0 >= s { found = 1 } END { exit !found }' \
          "$out/$name-kill.err" 2>/dev/null; do sleep 0.2; done
      kill -9 "$(cat "$SAGAWAY_CLUSTER_DIR/$victim.pid")"
      echo "$(date +%T) killed $victim (kill -9, not restarted) $kill_after s into the load (steady state)" >"$out/$name.kill" ) &
    killer=$!
    deployment/scripts/bench.sh load "${bench_args[@]}" >"$out/$name-kill.out" 2>"$out/$name-kill.err" || true
    wait "$killer" 2>/dev/null || true
  fi
  deployment/scripts/cluster.sh down >"$out/$name.down.log" 2>&1 || true
done

runs=()
for layout in "${layouts[@]}"; do
  runs+=("${layout%%=*}")
  [ -f "$out/${layout%%=*}-kill.out" ] && runs+=("${layout%%=*}-kill")
done
printf '\n%-75s' "figure (measured runs; NAME-kill: the run with a killed orchestrator)"
for run in "${runs[@]}"; do printf '%14s' "$run"; done
echo
grep -E "$keep" "$out/${runs[0]}.out" | while IFS= read -r line; do
  label=$(echo "$line" | sed -E 's/ {2,}[^ ].*$//')
  printf '%-75s' "$label"
  for run in "${runs[@]}"; do
    value=$(grep -F "$label" "$out/$run.out" | head -1 | sed -E 's/^.* {2,}//')
    printf '%14s' "${value:--}"
  done
  echo
done
for layout in "${layouts[@]}"; do
  [ -f "$out/${layout%%=*}.kill" ] && echo "${layout%%=*}-kill: $(cat "$out/${layout%%=*}.kill")"
done
echo "full outputs and logs in $out"
