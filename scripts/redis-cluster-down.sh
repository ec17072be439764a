#!/usr/bin/env bash
# Stops the Redis Cluster nodes that scripts/redis-cluster-up.sh started (found by their
# pidfiles under .services/redis-cluster/) and only those; nodes it reused are left alone. The
# cluster's state goes with them (nothing is kept on disk), so the next up forms a fresh cluster.
# Safe to run repeatedly, from any directory.
set -euo pipefail

# shellcheck source=scripts/services-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/services-lib.sh"
STATE_DIR="$ROOT/.services/redis-cluster"
PORTS=(7001 7002 7003)
hold_lock "$STATE_DIR/lock"

for port in "${PORTS[@]}"; do
  node_dir="$STATE_DIR/$port"
  pidfile="$node_dir/redis.pid"
  if [[ ! -f "$pidfile" ]]; then
    echo "redis-cluster: $port not started by redis-cluster-up, nothing to stop"
    continue
  fi
  # Read before stopping: Redis removes its pidfile when it shuts down.
  pid="$(cat "$pidfile")"
  # Ours: a redis-server running in this node's directory (Redis chdirs to --dir).
  if pid_is "$pid" redis-server "$node_dir"; then
    stop_pid "$pid" "redis-cluster $port" 30
    echo "redis-cluster: stopped $port (pid $pid)"
  else
    echo "redis-cluster: pid $pid from $pidfile is not running, nothing to stop"
  fi
  rm -f "$pidfile" "$node_dir/nodes.conf"
done
