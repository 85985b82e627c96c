#!/usr/bin/env bash
# The local stack on its own: PostgreSQL, Redis, Kafka and Elasticsearch on the ports ./run.sh uses
# (or SAGAWAY_STACK_* ones), with data, logs and pid files under SAGAWAY_STACK_DIR (.local-stack/).
#   stack.sh up [service...]   start (or reuse) the services, all by default
#   stack.sh down              stop what this stack folder started, e.g. after the platform was killed
#   stack.sh status            say what runs, and who started it
#   stack.sh run -- CMD...     up, run CMD with SAGAWAY_*_URL set, then stop only what this call started
# It runs with the JDK ./run.sh finds (21 or newer), not the machine's default java.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deployment/scripts/common.sh

case "${1:-}" in
  up|run) ensure_prerequisites ;;
  down|status) find_jdk ;;
  *) echo "usage: $0 up [service...] | down | status | run -- COMMAND..." >&2; exit 2 ;;
esac
build_stack_if_changed
exec "$JAVA_HOME/bin/java" -cp deployment/local-stack/target/classes io.sagaway.stack.StackCli "$@"
