#!/usr/bin/env bash
# Stops what scripts/services-up.sh started (recorded under .services/), and only that:
# services that were already running when services-up ran are left alone. Safe to run
# repeatedly.
set -euo pipefail

# shellcheck source=scripts/services-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/services-lib.sh"
# shellcheck source=scripts/kafka/lib.sh
source "$ROOT/scripts/kafka/lib.sh"
hold_lock "$STATE_DIR/services.lock"

redis_down() {
  local pidfile="$STATE_DIR/redis.pid" pid
  if [[ ! -f "$pidfile" ]]; then
    echo "redis: not started by services-up, nothing to stop"
    return
  fi
  pid="$(cat "$pidfile")"
  if pid_is "$pid" 'redis-server'; then
    stop_pid "$pid" redis 30
    echo "redis: stopped (pid $pid)"
  else
    echo "redis: pid $pid from .services/redis.pid is not running, nothing to stop"
  fi
  rm -f "$pidfile"
}

postgresql_down() {
  local marker="$STATE_DIR/postgresql.started" version
  if [[ ! -f "$marker" ]]; then
    echo "postgresql: not started by services-up, nothing to stop"
    return
  fi
  version="$(cat "$marker")"
  if pg_ctlcluster --skip-systemctl-redirect "$version" main status >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main stop
    echo "postgresql: stopped (cluster $version/main)"
  else
    echo "postgresql: cluster $version/main is not running, nothing to stop"
  fi
  rm -f "$marker"
}

kafka_down
redis_down
postgresql_down
