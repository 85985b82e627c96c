#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against a real local stack (started here on
# ports of its own and stopped afterwards), and the admin UI's tests. Extra arguments go to Maven,
# e.g. ./test.sh -pl verticles -Dit.test=KafkaProduceConsumeIT
set -euo pipefail
cd "$(dirname "$0")"
source deployment/scripts/common.sh

ensure_prerequisites
ensure_chromium

# The tests' own stack: away from the standard ports, so a platform started by ./run.sh is left alone.
export SAGAWAY_STACK_DIR=${SAGAWAY_STACK_DIR:-$PWD/.local-stack/test}
export SAGAWAY_STACK_POSTGRES_PORT=${SAGAWAY_STACK_POSTGRES_PORT:-15432}
export SAGAWAY_STACK_REDIS_PORT=${SAGAWAY_STACK_REDIS_PORT:-16379}
export SAGAWAY_STACK_KAFKA_PORT=${SAGAWAY_STACK_KAFKA_PORT:-19092}
export SAGAWAY_STACK_KAFKA_CONTROLLER_PORT=${SAGAWAY_STACK_KAFKA_CONTROLLER_PORT:-19093}
export SAGAWAY_STACK_ELASTICSEARCH_PORT=${SAGAWAY_STACK_ELASTICSEARCH_PORT:-19200}

started=$(date +%s)
build_stack_if_changed

log "running every test against the local stack"
set +e
"$JAVA_HOME/bin/java" -cp deployment/local-stack/target/classes io.sagaway.stack.StackCli run -- \
  mvn "${MVN_FLAGS[@]}" verify "$@"
status=$?
set -e
log "tests finished in $(( $(date +%s) - started )) s with exit code $status"
exit $status
