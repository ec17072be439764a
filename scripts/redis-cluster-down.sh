#!/usr/bin/env bash
# Stops the Redis Cluster nodes that scripts/redis-cluster-up.sh started (found by their
# pidfiles under .services/redis-cluster/) and only those; nodes it reused are left alone. The
# cluster's state goes with them (nothing is kept on disk), so the next up forms a fresh cluster.
# Safe to run repeatedly, from any directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE_DIR="$ROOT/.services/redis-cluster"
PORTS=(7001 7002 7003)
mkdir -p "$STATE_DIR"

exec 9>"$STATE_DIR/lock"
flock 9

# Same test as in redis-cluster-up.sh: alive, a redis-server, and running in our state directory.
pid_is_ours() {
  local pid="$1" port="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'redis-server' &&
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$STATE_DIR/$port" ]]
}

stop_pid() {
  local pid="$1" port="$2" waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited == 150)); then
      echo "redis-cluster: pid $pid (port $port) still running after 30s, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

for port in "${PORTS[@]}"; do
  node_dir="$STATE_DIR/$port"
  pidfile="$node_dir/redis.pid"
  if [[ ! -f "$pidfile" ]]; then
    echo "redis-cluster: $port not started by redis-cluster-up, nothing to stop"
    continue
  fi
  # Read before stopping: Redis removes its pidfile when it shuts down.
  pid="$(cat "$pidfile")"
  if pid_is_ours "$pid" "$port"; then
    stop_pid "$pid" "$port"
    echo "redis-cluster: stopped $port (pid $pid)"
  else
    echo "redis-cluster: pid $pid from $pidfile is not running, nothing to stop"
  fi
  rm -f "$pidfile" "$node_dir/nodes.conf"
done
