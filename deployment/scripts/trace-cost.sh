#!/usr/bin/env bash
# What tracing costs: the same code run with tracing off, sampling one trace in ten, and sampling
# every trace, one after the other in one session, each on a fresh local stack, with the protocol of
# ../shared/tools/ab-bench.sh (WARMUPS unmeasured runs of the load generator, then one measured).
# Spans go over OTLP/HTTP to deployment/scripts/otlp-sink.py, a collector stand-in that decodes
# nothing. Run it from the project's root, with nothing listening on the platform's ports:
#
#   deployment/scripts/trace-cost.sh [--rounds N] [--warmups N] -- LOAD_ARGS...
#   e.g. deployment/scripts/trace-cost.sh -- --clients 64 --duration 70 --warmup 10 --ship-fail 10 --out-of-stock 5 \
#            --spread-customers 100 --skus 20 --no-raw
#
# It prints each figure for the three sides and each traced side over the untraced one. Leave the
# working tree alone while it runs (bench.sh rebuilds the jar when the sources change).
set -euo pipefail
cd "$(dirname "$0")/../.."

die() { echo "trace-cost: $*" >&2; exit 2; }
rounds=1; warmups=2; sink_port=4318
keep='sagas per second|completion latency.*p(50|99)|accept latency p(50|99)|CPU, all|ms per completed saga|projection lag p99|errors'
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --warmups) warmups=$2; shift 2 ;;
    --) shift; break ;;
    *) die "unknown option $1 (load arguments go after --)" ;;
  esac
done
load_args=("$@")
work=$(mktemp -d "${TMPDIR:-/tmp}/trace-cost.XXXXXX")
echo "trace-cost: $(git rev-parse --short HEAD)$(git diff --quiet || echo ', with changes'); folder $work" >&2

ready() { curl -fsS -m 3 http://127.0.0.1:8080/health/ready >/dev/null 2>&1; }
ports_free() { ! ss -ltnH 2>/dev/null | awk '{print $4}' | grep -Eq ":(8080|5432|6379|9092|9093|9200|$sink_port)\$"; }
cleanup() {
  [ -n "${run_pid:-}" ] && kill -INT -- "-$run_pid" 2>/dev/null || true
  [ -n "${sink_pid:-}" ] && kill -TERM "$sink_pid" 2>/dev/null || true
  sleep 1
}
trap cleanup EXIT

ports_free || die "a platform, service or sink is already listening on a default port; stop it first"
deployment/scripts/otlp-sink.py "$sink_port" >"$work/sink.log" 2>&1 &
sink_pid=$!

run_side() {  # run_side NAME RATIO ROUND: RATIO off, or the share of traces sampled
  local name=$1 ratio=$2 round=$3 log="$work/$1-$3.run.log"
  local -a env=(SAGAWAY_STACK_DIR="$work/stack-$1-$3")
  if [ "$ratio" != off ]; then
    env+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_TRACES_SAMPLER=parentbased_traceidratio
      OTEL_TRACES_SAMPLER_ARG="$ratio")
  fi
  set -m
  (env "${env[@]}" ./run.sh) >"$log" 2>&1 </dev/null &
  run_pid=$!
  set +m
  local t=0
  until ready; do
    kill -0 "$run_pid" 2>/dev/null || die "side $name: ./run.sh exited; see $log"
    t=$((t + 2)); [ $t -lt 900 ] || die "side $name: not ready after 900 s; see $log"
    sleep 2
  done
  for i in $(seq 1 "$warmups"); do
    echo "trace-cost: round $round, $name: warm-up $i of $warmups" >&2
    deployment/scripts/bench.sh load "${load_args[@]}" >"$work/$name-$round.warmup$i.out" 2>"$work/$name-$round.warmup$i.err" || true
  done
  echo "trace-cost: round $round, $name: measured run" >&2
  deployment/scripts/bench.sh load "${load_args[@]}" >"$work/$name-$round.out" 2>"$work/$name-$round.err" \
    || echo "trace-cost: $name's measured run failed; see $work/$name-$round.err" >&2
  kill -INT -- "-$run_pid" 2>/dev/null || true
  for i in $(seq 1 90); do kill -0 "$run_pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$run_pid" 2>/dev/null && { kill -KILL -- "-$run_pid" 2>/dev/null || true; echo "trace-cost: $name did not stop within 90 s" >&2; }
  run_pid=""
  for i in $(seq 1 30); do ! ss -ltnH | awk '{print $4}' | grep -Eq ':(8080|5432|6379|9092|9093|9200)$' && break; sleep 1; done
}

sides=("off off" "sampled-10% 0.1" "sampled-100% 1.0")
for r in $(seq 1 "$rounds"); do
  # Alternate the order across rounds, so no side always runs on the machine's warmest (or busiest) minutes.
  if [ $((r % 2)) -eq 1 ]; then order=(0 1 2); else order=(2 1 0); fi
  for i in "${order[@]}"; do
    read -r name ratio <<<"${sides[$i]}"
    run_side "$name" "$ratio" "$r"
  done
done
kill -TERM "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; sink_pid=""

set +e +o pipefail
echo
printf '%-62s %12s %12s %12s %8s %8s\n' "figure (measured runs; median over rounds)" off 10% 100% "10%/off" "100%/off"
measured() { local r; for r in $(seq 1 "$rounds"); do [ -f "$work/$1-$r.out" ] && echo "$work/$1-$r.out"; done; }
value() { measured "$1" | xargs -r grep -hF -- "$2" | sed -E 's/.*[[:space:]]([0-9.]+)$/\1/' | sort -n \
  | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b != "") printf "%.2f", b / a; else print "-" }'; }
measured off | xargs -r grep -hE "$keep" | sed -E 's/[[:space:]]+[0-9.;[:space:]]+$//' | awk '!seen[$0]++' | while IFS= read -r f; do
  a=$(value off "$f"); b=$(value sampled-10% "$f"); c=$(value sampled-100% "$f")
  printf '%-62s %12s %12s %12s %8s %8s\n' "${f:0:62}" "${a:--}" "${b:--}" "${c:--}" "$(ratio "$a" "$b")" "$(ratio "$a" "$c")"
done
cat "$work/sink.log"
echo "trace-cost: full outputs and logs in $work"
