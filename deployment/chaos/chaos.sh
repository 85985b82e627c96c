#!/usr/bin/env bash
# A chaos run: the platform as several clustered processes on the local stack (started here when
# not running, stopped afterwards if started here), a steady load through the public API, faults on
# a schedule it prints (kill -9 and restart of a process, SIGSTOP past the session timeout,
# Kafka, PostgreSQL and Elasticsearch restarted, Redis flushed), then the invariants.
#   deployment/chaos/chaos.sh [--duration S] [--rate N] [--faults kill,pause,kafka,postgresql,elasticsearch,redis] ...
#   deployment/chaos/chaos.sh --help      every option
# Figures and violations on standard output, progress on standard error; exit code 1 on any violation.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deployment/scripts/common.sh

ensure_prerequisites
build_if_changed
if [ ! -f deployment/chaos/target/classpath.txt ]; then
  mvn "${MVN_FLAGS[@]}" -q package -DskipTests || die "the build failed"
fi
build_stack_if_changed
# The services come from the local stack (reused when running, started and afterwards stopped when not); the
# run restarts them through the same stack folder, so SAGAWAY_STACK_* settings reach both.
exec "$JAVA_HOME/bin/java" -cp deployment/local-stack/target/classes io.sagaway.stack.StackCli run -- \
  "$JAVA_HOME/bin/java" -cp "deployment/chaos/target/classes:$(cat deployment/chaos/target/classpath.txt)" io.sagaway.chaos.ChaosRun "$@"
