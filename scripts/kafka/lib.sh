# shellcheck shell=bash
# The Kafka broker functions of scripts/services-up.sh, services-down.sh and kafka-broker.sh:
# sourced, not run, after scripts/services-lib.sh (ROOT, STATE_DIR, WAIT_SECONDS, helpers).
# KAFKA_NAME, KAFKA_PORT and KAFKA_CONTROLLER_PORT choose the broker (default: the
# development broker `kafka` on 9092/9093); the outage test runs a private one beside it.

KAFKA_DIR="$ROOT/scripts/kafka"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_DIR/pom.xml")"
# Outside the repository so that every clone and worktree shares one download.
KAFKA_HOME="${XDG_CACHE_HOME:-$HOME/.cache}/glimpse/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_NAME="${KAFKA_NAME:-kafka}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_STATE="$STATE_DIR/$KAFKA_NAME"
KAFKA_CONFIG="$KAFKA_STATE/server.properties"
KAFKA_PIDFILE="$STATE_DIR/$KAFKA_NAME.pid"
KAFKA_LOG="$STATE_DIR/$KAFKA_NAME.log"
# The development broker is one of services-up's services, so it takes services-up's lock:
# services-up.sh and kafka-broker.sh can never start it twice at once. A private broker has
# a lock of its own, so a test starting one does not wait for services-up.
# shellcheck disable=SC2034 # used by the scripts that source this file
if [[ "$KAFKA_NAME" == kafka ]]; then
  KAFKA_LOCK="$STATE_DIR/services.lock"
else
  KAFKA_LOCK="$STATE_DIR/$KAFKA_NAME.lock"
fi
# @platformatic/kafka needs Node >= 22.22; a bare `node` on this machine may be older.
NODE_BIN="$ROOT/node_modules/.bin/node"
[[ -x "$NODE_BIN" ]] || NODE_BIN="node"

# Prints the pid of the broker these scripts started, if it is still running; drops a stale
# pidfile.
kafka_pid() {
  [[ -f "$KAFKA_PIDFILE" ]] || return 0
  local pid
  pid="$(cat "$KAFKA_PIDFILE")"
  if pid_is "$pid" 'kafka.Kafka'; then
    echo "$pid"
  else
    rm -f "$KAFKA_PIDFILE"
  fi
}

kafka_fetch_libs() {
  local sum
  sum="$(sha256sum "$KAFKA_DIR/pom.xml" | cut -d ' ' -f 1)"
  # The checksum marks a complete download of exactly this pom's dependencies: an
  # interrupted download or an edited pom fetches again.
  if [[ -f "$KAFKA_HOME/libs.sha256" && "$(cat "$KAFKA_HOME/libs.sha256")" == "$sum" && -d "$KAFKA_LIBS" ]]; then
    return
  fi
  echo "kafka: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS (once)"
  mkdir -p "$KAFKA_HOME"
  local tmp="$KAFKA_HOME/libs.tmp.$$"
  rm -rf "$tmp"
  # Maven prints colour codes even with -q: keep its output in a file, show it on failure.
  if ! mvn -q -B -f "$KAFKA_DIR/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$KAFKA_HOME/mvn.log" 2>&1; then
    cat "$KAFKA_HOME/mvn.log" >&2
    rm -rf "$tmp"
    echo "kafka: downloading the broker jars failed (log above, also in $KAFKA_HOME/mvn.log)" >&2
    exit 1
  fi
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  echo "$sum" >"$KAFKA_HOME/libs.sha256"
}

kafka_write_config() {
  mkdir -p "$KAFKA_STATE/data"
  cat >"$KAFKA_CONFIG" <<EOF
# Written by scripts/kafka/lib.sh on every start: edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_STATE/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
}

kafka_format_storage() {
  [[ -f "$KAFKA_STATE/data/meta.properties" ]] && return
  local cluster_id out
  cluster_id="$(java -Xmx256m -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  if ! out="$(java -Xmx256m -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" -cp "$KAFKA_LIBS/*" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONFIG" 2>&1)"; then
    echo "$out" >&2
    echo "kafka: formatting the storage in $KAFKA_STATE/data failed" >&2
    exit 1
  fi
  echo "$KAFKA_NAME: formatted storage (cluster id $cluster_id)"
}

# Waits until the broker answers a metadata request and lists topics, not merely until its
# port accepts connections. With a pid, fails as soon as that process dies.
kafka_wait_ready() {
  local pid="${1:-}" start=$SECONDS last=0 elapsed err
  while true; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$KAFKA_PIDFILE"
      echo "$KAFKA_NAME: the broker (pid $pid) exited during start-up; last lines of $KAFKA_LOG:" >&2
      tail -n 30 "$KAFKA_LOG" >&2 || true
      exit 1
    fi
    if err="$(timeout 15 "$NODE_BIN" "$KAFKA_DIR/broker-ready.mjs" "127.0.0.1:$KAFKA_PORT" 2>&1)"; then
      return
    fi
    elapsed=$((SECONDS - start))
    if ((elapsed >= WAIT_SECONDS)); then
      echo "$KAFKA_NAME: 127.0.0.1:$KAFKA_PORT not ready after ${WAIT_SECONDS}s: $err" >&2
      [[ -n "$pid" ]] && tail -n 30 "$KAFKA_LOG" >&2
      exit 1
    fi
    if ((elapsed - last >= 5)); then
      echo "$KAFKA_NAME: waiting for the broker... ${elapsed}s"
      last=$elapsed
    fi
    sleep 1
  done
}

# --- Kafka -----------------------------------------------------------------------------------
kafka_up() {
  local pid
  pid="$(kafka_pid)"
  if port_open "$KAFKA_PORT"; then
    # Keeps an existing pidfile: a broker we started earlier stays ours to stop.
    if [[ -n "$pid" ]]; then
      kafka_wait_ready "$pid"
      echo "$KAFKA_NAME: reused 127.0.0.1:$KAFKA_PORT (pid $pid, started earlier by these scripts)"
    else
      echo "$KAFKA_NAME: reused 127.0.0.1:$KAFKA_PORT"
    fi
    return
  fi
  if [[ -n "$pid" ]]; then
    # Ours, alive, but not listening yet: still starting.
    kafka_wait_ready "$pid"
    echo "$KAFKA_NAME: reused 127.0.0.1:$KAFKA_PORT (pid $pid, started earlier by these scripts)"
    return
  fi

  for tool in java mvn; do
    if ! command -v "$tool" >/dev/null; then
      echo "$KAFKA_NAME: $tool is needed to fetch and run the broker (Java 17+ and Maven)" >&2
      exit 1
    fi
  done
  kafka_fetch_libs
  kafka_write_config
  kafka_format_storage

  # setsid: the broker must outlive this shell and the terminal or job that ran it.
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several JVM flags on purpose
  setsid nohup java ${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG" >"$KAFKA_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$KAFKA_PIDFILE"
  echo "$KAFKA_NAME: starting (pid $pid, log $KAFKA_LOG)"
  kafka_wait_ready "$pid"
  echo "$KAFKA_NAME: started (pid $pid) on 127.0.0.1:$KAFKA_PORT"
}

kafka_down() {
  local pid
  pid="$(kafka_pid)"
  if [[ -z "$pid" ]]; then
    echo "$KAFKA_NAME: not started by these scripts, nothing to stop"
    return
  fi
  # A controlled shutdown of a combined broker+controller takes a few seconds.
  stop_pid "$pid" "$KAFKA_NAME" 60
  rm -f "$KAFKA_PIDFILE"
  echo "$KAFKA_NAME: stopped (pid $pid)"
}
