#!/usr/bin/env bash
# npm run infra:down — stop the servers started by infra:up (harmless when already stopped)
# and remove .env.infra, whose settings no longer point at running servers.
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/infra/chaos-tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/chaos-tools.sh"
infra_init down

T0=$(now_us)
step "toxiproxy: stop" toxiproxy_stop
step "alertmanager: stop" alertmanager_stop
step "jaeger: stop" jaeger_stop
step "victoria-logs: stop" victoria_logs_stop
step "prometheus: stop" prometheus_stop
step "opa: stop"      opa_stop
step "temporal: stop" temporal_stop
step "kafka: stop"    kafka_stop
rmq_stop_if_installed() {
  if [ -x "$RABBITMQ_LIB/rabbitmqctl" ]; then rmq_stop; else note "not installed"; fi
}
step "rabbitmq: stop" rmq_stop_if_installed
pg_stop_if_installed() {
  if need_cmd pg_lsclusters; then pg_stop; else note "not installed"; fi
}
step "postgres: stop" pg_stop_if_installed
rm -f "$ENV_FILE"
say "all servers stopped in $(elapsed_since "$T0"); removed $ENV_FILE"
