#!/usr/bin/env bash
# Makes a three-master Redis Cluster (no replicas, nothing on disk) available on
# 127.0.0.1:7001-7003, for the cache adapter's cluster tests and for running with
# REDIS_CLUSTER_NODES locally. A cluster that already answers there is reused; the nodes this
# script starts keep their pidfile, nodes.conf and log under .services/redis-cluster/<port>/, so
# redis-cluster-down.sh stops exactly those. Safe to run repeatedly, from any directory.
set -euo pipefail

# shellcheck source=scripts/services-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/services-lib.sh"
STATE_DIR="$ROOT/.services/redis-cluster"
PORTS=(7001 7002 7003)
WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-60}"
REDIS_SERVER="${REDIS_SERVER:-/usr/bin/redis-server}"
hold_lock "$STATE_DIR/lock"

cli() {
  local port="$1"
  shift
  timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null | tr -d '\r'
}

answers() {
  [[ "$(cli "$1" ping)" == "PONG" ]]
}

# One field of CLUSTER INFO, e.g. `cluster_field 7001 cluster_state`.
cluster_field() {
  cli "$1" cluster info | sed -n "s/^$2://p"
}

wait_until() {
  local what="$1" waited=0
  shift
  until "$@"; do
    if ((waited >= WAIT_SECONDS * 5)); then
      echo "redis-cluster: $what did not happen within ${WAIT_SECONDS}s (logs: $STATE_DIR/*/redis.log)" >&2
      exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

started=()
for port in "${PORTS[@]}"; do
  node_dir="$STATE_DIR/$port"
  mkdir -p "$node_dir"
  if answers "$port"; then
    if [[ "$(cli "$port" info cluster | sed -n 's/^cluster_enabled://p')" != "1" ]]; then
      echo "redis-cluster: 127.0.0.1:$port is taken by a Redis that is not cluster-enabled" >&2
      exit 1
    fi
    continue
  fi
  pidfile="$node_dir/redis.pid"
  # Ours (a redis-server running in this node's directory: Redis chdirs to --dir) and alive,
  # but not answering yet: still starting.
  if [[ -f "$pidfile" ]] && pid_is "$(cat "$pidfile")" redis-server "$node_dir"; then
    continue
  fi
  # An existing nodes.conf (a node that died, or a machine that rebooted) lets the node rejoin
  # the cluster it belonged to instead of needing a new one. `9>&-`: see hold_lock.
  "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --protected-mode yes \
    --cluster-enabled yes --cluster-config-file "$node_dir/nodes.conf" --cluster-node-timeout 5000 \
    --dir "$node_dir" --pidfile "$pidfile" --logfile "$node_dir/redis.log" \
    --save "" --appendonly no --daemonize yes 9>&-
  started+=("$port")
done

for port in "${PORTS[@]}"; do
  wait_until "127.0.0.1:$port answering" answers "$port"
done

# A node that has never been part of a cluster knows only itself and serves no slots.
all_fresh=true
for port in "${PORTS[@]}"; do
  if [[ "$(cluster_field "$port" cluster_known_nodes)" != "1" || "$(cluster_field "$port" cluster_slots_assigned)" != "0" ]]; then
    all_fresh=false
  fi
done
if $all_fresh; then
  nodes=()
  for port in "${PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$STATE_DIR/create.log" 2>&1 || {
    cat "$STATE_DIR/create.log" >&2
    exit 1
  }
  echo "redis-cluster: created the cluster"
fi

cluster_ok() {
  local port
  for port in "${PORTS[@]}"; do
    [[ "$(cluster_field "$port" cluster_state)" == "ok" ]] || return 1
    [[ "$(cluster_field "$port" cluster_known_nodes)" -ge "${#PORTS[@]}" ]] || return 1
    [[ "$(cluster_field "$port" cluster_slots_ok)" == "16384" ]] || return 1
  done
}
wait_until "cluster_state:ok on every node" cluster_ok

addresses="$(printf '127.0.0.1:%s,' "${PORTS[@]}")"
if ((${#started[@]})); then
  echo "redis-cluster: started ${started[*]}; ok on ${addresses%,}"
else
  echo "redis-cluster: reused; ok on ${addresses%,}"
fi
