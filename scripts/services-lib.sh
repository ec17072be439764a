# shellcheck shell=bash
# The preamble and helpers of the scripts that start and stop local services (services-up.sh,
# services-down.sh, kafka-broker.sh, redis-cluster-up.sh, redis-cluster-down.sh): sourced, not
# run. Sets ROOT (the repository root, made the working directory, so the scripts run from
# anywhere), STATE_DIR (.services/, where what they start is recorded) and WAIT_SECONDS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck disable=SC2034 # used by the scripts that source this file
STATE_DIR="$ROOT/.services"
# shellcheck disable=SC2034
WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-90}"

# Takes an exclusive lock on the file $1 and holds it until the script exits: two runs at once
# (two terminals, parallel CI steps) would both see a closed port and start a service twice.
# The lock is on descriptor 9, so every long-lived child must be started with `9>&-`: a daemon
# inheriting the descriptor would hold the lock for its whole life and hang every later run.
hold_lock() {
  mkdir -p "$(dirname "$1")"
  exec 9>"$1"
  flock 9
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

wait_for_port() {
  local port="$1" seconds="$2" name="$3" waited=0
  until port_open "$port"; do
    if ((waited >= seconds)); then
      echo "$name: 127.0.0.1:$port did not answer within ${seconds}s" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# True when the pid is alive AND still the program we expect (its command line matches
# $2 and, when $3 is given, it runs in that directory): a pidfile can outlive its process and
# the pid be reused by something we must not touch.
pid_is() {
  local pid="$1" pattern="$2" cwd="${3:-}"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" &&
    { [[ -z "$cwd" ]] || [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$cwd" ]]; }
}

# Stops a process we started and waits until it is gone (SIGKILL after $3 seconds, default 60).
stop_pid() {
  local pid="$1" name="$2" grace="${3:-60}" waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited == grace * 5)); then
      echo "$name: pid $pid still running after ${grace}s, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}
