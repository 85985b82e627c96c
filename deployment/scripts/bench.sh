#!/usr/bin/env bash
# Runs a benchmark and prints its figures. Services not configured with SAGAWAY_*_URL come from
# the local stack (started and stopped here when not already running).
#   deployment/scripts/bench.sh write-path [--seconds N] [--lanes N] [--relay-batch N] [--no-notify]
#   deployment/scripts/bench.sh read-model [--orders N]
#   deployment/scripts/bench.sh api-latency [--url URL] [--orders N] [--rate N]   (against a running ./run.sh)
#   deployment/scripts/bench.sh load [--url URL] [--rate N | --clients N] [--duration S] [--warmup S] [--timeout S]
#        [--ship-fail PCT] [--out-of-stock PCT] [--customers LIST | --spread-customers N] [--skus N] [--operator NAME[:PW]]
#        [--raw-seconds S] [--no-raw] [--connections N] [--smoke] [--help]   (against a running ./run.sh; figures on stdout, progress on stderr)
#   deployment/scripts/bench.sh subscribers [--url URL[,URL...]] [--clients 1000,5000,10000] [--orders N] [--gap-ms MS] [--timeout S]
#        (against a running platform: N WebSocket clients following one customer's orders; connected, delivered, fan-out delay)
set -euo pipefail
cd "$(dirname "$0")/../.."
source deployment/scripts/common.sh

case "${1:-}" in
  write-path) main=io.sagaway.bench.WritePathBenchmark ;;
  read-model) main=io.sagaway.bench.ReadModelBenchmark ;;
  api-latency) main=io.sagaway.bench.ApiLatencyBenchmark ;;
  load) main=io.sagaway.bench.LoadGenerator ;;
  subscribers) main=io.sagaway.bench.SubscriberBenchmark ;;
  *) die "usage: deployment/scripts/bench.sh write-path|read-model|api-latency|load|subscribers [options]" ;;
esac
shift
ensure_prerequisites
mvn "${MVN_FLAGS[@]}" -q -pl deployment/bench -am install -DskipTests || die "the build failed"
# Runtime scope only: the benchmarks reach the platform through its API, never the gateway their tests start in-process.
mvn "${MVN_FLAGS[@]}" -q -pl deployment/bench dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt >/dev/null \
  || die "cannot compute the benchmark's classpath"
exec "$JAVA_HOME/bin/java" -cp "deployment/bench/target/classes:$(cat deployment/bench/target/classpath.txt)" "$main" "$@"
