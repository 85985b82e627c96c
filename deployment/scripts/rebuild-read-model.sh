#!/usr/bin/env bash
# Rebuilds the Elasticsearch read model from the event store without downtime, with the same
# SAGAWAY_* configuration as the platform (unset services come from the local stack).
set -euo pipefail
cd "$(dirname "$0")/../.."
source deployment/scripts/common.sh
ensure_prerequisites
build_if_changed
exec "$JAVA_HOME/bin/java" -cp "$(private_jar)" io.sagaway.gateway.RebuildReadModel
