#!/usr/bin/env bash
# Starts or stops one Kafka broker of this project's, by name and port:
#   KAFKA_NAME=kafka-outage KAFKA_PORT=19092 bash scripts/kafka-broker.sh start|stop
# services-up.sh runs the development broker (`kafka`, 9092) through the same functions;
# tests that must stop a broker use a private one here, so they never disturb the shared one.
set -euo pipefail

# shellcheck source=scripts/services-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/services-lib.sh"
# shellcheck source=scripts/kafka/lib.sh
source "$ROOT/scripts/kafka/lib.sh"
hold_lock "$KAFKA_LOCK"

case "${1:-}" in
  start) kafka_up ;;
  stop) kafka_down ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
