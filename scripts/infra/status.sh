#!/usr/bin/env bash
# npm run infra:status — one line per server, up or down; exits 0 only when all are up.
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/infra/chaos-tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/chaos-tools.sh"

down=0
report() {  # report NAME ADDRESS CHECK...
  local name=$1 addr=$2; shift 2
  if "$@" >/dev/null 2>&1; then printf '%-9s up    %s\n' "$name" "$addr"
  else printf '%-9s down  %s\n' "$name" "$addr"; down=$((down + 1)); fi
}

pg_status_addr="$BIND_IP:5432"
if command -v pg_lsclusters >/dev/null 2>&1; then pg_status_addr="$BIND_IP:$(pg_port) (cluster $PG_VERSION/$PG_CLUSTER)"; fi
pg_check() { command -v pg_lsclusters >/dev/null && pg_answers; }

report postgres "$pg_status_addr"                      pg_check
report rabbitmq "$BIND_IP:$AMQP_PORT"                  amqp_answers
report kafka    "$BIND_IP:$KAFKA_PORT"                 kafka_answers
report temporal "$BIND_IP:$TEMPORAL_PORT"              temporal_answers
report opa      "$BIND_IP:$OPA_PORT"                   opa_answers
report prometheus "$BIND_IP:$PROMETHEUS_PORT"          prometheus_answers
report victoria-logs "$BIND_IP:$VICTORIA_LOGS_PORT"     victoria_logs_answers
report jaeger "$BIND_IP:$JAEGER_QUERY_PORT"              jaeger_answers
report alertmanager "$BIND_IP:$ALERTMANAGER_PORT"       alertmanager_answers
report toxiproxy "$BIND_IP:$TOXIPROXY_PORT"             toxiproxy_answers

if [ -f "$ENV_FILE" ]; then echo "settings: $ENV_FILE"; else echo "settings: none ($ENV_FILE is missing: run npm run infra:up)"; fi
if [ "$down" -gt 0 ]; then echo "$down server(s) down"; exit 1; fi
