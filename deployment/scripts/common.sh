# Shared by ./run.sh, ./test.sh and the scripts beside this one: find a JDK 21+, install what a
# fresh Debian machine lacks, and build when the sources changed. Sourced, not run.

log() { printf '[sagaway] %s\n' "$*" >&2; }
die() { printf '[sagaway] error: %s\n' "$*" >&2; exit 1; }

java_feature_version() {
  # Prints the feature version (17, 21, 25...) of the java binary given, or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# Sets JAVA_HOME to a JDK 21 or newer: JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm.
find_jdk() {
  local candidate version best="" best_version=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    version=$(java_feature_version "$JAVA_HOME/bin/java")
    if [ "${version:-0}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME
      return
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    version=$(java_feature_version "$candidate/bin/java")
    if [ "${version:-0}" -ge 21 ] 2>/dev/null && [ "$version" -gt "$best_version" ]; then
      best=$candidate
      best_version=$version
    fi
  done
  [ -n "$best" ] || die "no JDK 21 or newer found (JAVA_HOME or /usr/lib/jvm). Install one, e.g. Temurin 25 \
(package temurin-25-jdk from the Adoptium apt repository) or openjdk-21-jdk, or point JAVA_HOME at it."
  export JAVA_HOME=$best
  log "using the JDK in $JAVA_HOME (Java $best_version)"
}

APT_UPDATED=""
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    die "missing: $*. Install it (as root: apt-get install -y $*) and run again."
  fi
  if [ -z "$APT_UPDATED" ]; then
    log "apt-get update"
    apt-get update -qq >&2 || die "apt-get update failed"
    APT_UPDATED=yes
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

# Installs the Debian packages the build and the local stack need, when missing.
ensure_prerequisites() {
  local missing=()
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  [ -x /usr/bin/redis-server ] || missing+=(redis-server)
  [ -x /usr/bin/unshare ] || missing+=(util-linux)
  ls /usr/lib/*/libzstd.so.1 >/dev/null 2>&1 || missing+=(libzstd1)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$node_major" -ge 20 ] || die "Node.js 20 or newer is needed to build the admin UI (found: $(node --version 2>/dev/null || echo none))"
  find_jdk
}

# The Chromium that the browser tests drive, from Debian's packages.
ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

MVN_FLAGS=(-B -ntp)

# Builds the local stack's launchers (StackCli, the Kafka broker's and the Elasticsearch node's classpaths) when changed.
build_stack_if_changed() {
  local marker=deployment/local-stack/target/classes/io/sagaway/stack/StackCli.class
  if [ -f "$marker" ] && [ -f deployment/es-node/target/classpath.txt ] && [ -f deployment/kafka-node/target/classpath.txt ] \
     && [ -z "$(find pom.xml deployment/pom.xml deployment/local-stack deployment/kafka-node deployment/es-node \
                -path '*/target' -prune -o -newer "$marker" -type f -print -quit 2>/dev/null)" ]; then
    return
  fi
  log "building the local stack's launchers"
  mvn "${MVN_FLAGS[@]}" -q -pl deployment/kafka-node,deployment/es-node,deployment/local-stack package -DskipTests \
    || die "building the local stack failed"
}

# Prints the path of a private copy of the runnable jar for one process to run, and deletes the
# copies no running process uses any more. A build rewrites gateway/target/sagaway.jar (and the
# shade plugin reuses the old file for its unshaded jar), which broke a platform running from it:
# classes it had not loaded yet were gone (NoClassDefFoundError), say at its first request of a
# kind or at shutdown, whenever a test or a benchmark built while it ran.
private_jar() {
  local runs=gateway/target/run copy
  mkdir -p "$runs"
  # Copies made in the last 10 minutes stay: their process may not have started yet.
  for copy in $(find "$runs" -mindepth 2 -maxdepth 2 -name sagaway.jar -mmin +10 2>/dev/null); do
    if ! grep -qsaF "$(cd "$(dirname "$copy")" && pwd)/sagaway.jar" /proc/[0-9]*/cmdline 2>/dev/null; then
      rm -rf "$(dirname "$copy")"
    fi
  done
  copy="$(pwd)/$runs/$(date +%s)-$$-$RANDOM"
  mkdir -p "$copy"
  cp gateway/target/sagaway.jar "$copy/sagaway.jar"
  printf '%s\n' "$copy/sagaway.jar"
}

# Builds everything when any source is newer than the runnable jar (or the jar is missing).
build_if_changed() {
  local jar=gateway/target/sagaway.jar
  if [ -f "$jar" ] && [ -f deployment/es-node/target/classpath.txt ] && [ -f deployment/kafka-node/target/classpath.txt ] \
     && [ -z "$(find pom.xml ./*/pom.xml deployment/*/pom.xml ./*/src deployment/*/src \
                admin-ui/index.html admin-ui/package.json admin-ui/package-lock.json admin-ui/vite.config.ts \
                -newer "$jar" -print -quit 2>/dev/null)" ]; then
    log "build is up to date"
    return
  fi
  log "building (mvn package -DskipTests)"
  mvn "${MVN_FLAGS[@]}" -q package -DskipTests || die "the build failed"
}
