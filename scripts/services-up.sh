#!/usr/bin/env bash
# Makes PostgreSQL (127.0.0.1:5432), Redis (127.0.0.1:6379) and a single-node Kafka broker in
# KRaft mode (127.0.0.1:9092) available for development and tests. A service that already
# answers is reused; whatever this script starts is recorded under .services/ so that
# services-down.sh stops exactly that and nothing else. Safe to run repeatedly.
set -euo pipefail

# shellcheck source=scripts/services-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/services-lib.sh"
# shellcheck source=scripts/kafka/lib.sh
source "$ROOT/scripts/kafka/lib.sh"
hold_lock "$STATE_DIR/services.lock"

# --- PostgreSQL ------------------------------------------------------------------------------
postgresql_up() {
  if port_open 5432; then
    echo "postgresql: reused 127.0.0.1:5432"
    return
  fi
  local version
  # shellcheck disable=SC2012 # cluster versions are plain numbers
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$version" ]]; then
    echo "postgresql: nothing answers on 127.0.0.1:5432 and no cluster in /etc/postgresql to start" >&2
    exit 1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 9>&-
  # The marker is what tells services-down that the cluster is ours to stop.
  echo "$version" >"$STATE_DIR/postgresql.started"
  wait_for_port 5432 "$WAIT_SECONDS" postgresql
  echo "postgresql: started (cluster $version/main) on 127.0.0.1:5432"
}

# --- Redis -----------------------------------------------------------------------------------
redis_up() {
  if port_open 6379; then
    echo "redis: reused 127.0.0.1:6379"
    return
  fi
  if ! command -v redis-server >/dev/null; then
    echo "redis: nothing answers on 127.0.0.1:6379 and redis-server is not installed" >&2
    exit 1
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log" --dir "$STATE_DIR" 9>&-
  wait_for_port 6379 "$WAIT_SECONDS" redis
  echo "redis: started (pid $(cat "$STATE_DIR/redis.pid")) on 127.0.0.1:6379"
}

postgresql_up
redis_up
kafka_up
