#!/usr/bin/env bash
# Runs the platform on http://localhost:8080. Services not configured with SAGAWAY_*_URL come
# from the local stack, started here and stopped again on Ctrl-C. Arguments go to the platform
# (--port N, --roles LIST).
set -euo pipefail
cd "$(dirname "$0")"
source deployment/scripts/common.sh

ensure_prerequisites
build_if_changed
jar=$(private_jar)
log "starting the platform (Ctrl-C stops it and every service it started)"
exec "$JAVA_HOME/bin/java" -XX:+UseG1GC -Xmx1g -jar "$jar" "$@"
