# shellcheck shell=bash
# Sourced by lib.sh: the observability backends infra:up starts next to the servers. Prometheus
# (Debian's package: server and promtool) scrapes every Logisynapse process's /metrics; its
# configuration and rules come from infra/observability/prometheus/ of the checkout that starts
# it, copied into one directory per machine (like the other servers, it is shared by every
# checkout) next to the scrape targets that infra:up and the tests write.

PROMETHEUS_PORT="${LOGISYNAPSE_PROMETHEUS_PORT:-9090}"
PROMETHEUS_BIN=/usr/bin/prometheus
PROMTOOL_BIN=/usr/bin/promtool
PROMETHEUS_CONF_SRC="$REPO_ROOT/infra/observability/prometheus"
PROMETHEUS_HOME="$CACHE_DIR/prometheus"
PROMETHEUS_TARGETS_DIR="$PROMETHEUS_HOME/targets"
PROMETHEUS_PID_FILE="$CACHE_DIR/prometheus.pid"

prometheus_ensure_installed() {
  if [ -x "$PROMETHEUS_BIN" ] && [ -x "$PROMTOOL_BIN" ]; then
    note "$("$PROMETHEUS_BIN" --version 2>&1 | head -1)"; return 0
  fi
  apt_install prometheus
  note "installed $("$PROMETHEUS_BIN" --version 2>&1 | head -1)"
}

# The checkout's configuration and rules, checked by promtool, into PROMETHEUS_HOME; the default
# target is `npm start`'s /metrics (METRICS_PORT 9464).
prometheus_write_config() {
  mkdir -p "$PROMETHEUS_HOME/rules" "$PROMETHEUS_TARGETS_DIR" "$PROMETHEUS_HOME/data"
  "$PROMTOOL_BIN" check rules "$PROMETHEUS_CONF_SRC"/rules/*.yml >/dev/null
  "$PROMTOOL_BIN" test rules "$PROMETHEUS_CONF_SRC"/tests/*.test.yml >/dev/null
  rm -f "$PROMETHEUS_HOME"/rules/*.yml
  cp "$PROMETHEUS_CONF_SRC"/rules/*.yml "$PROMETHEUS_HOME/rules/"
  cp "$PROMETHEUS_CONF_SRC/prometheus.yml" "$PROMETHEUS_HOME/prometheus.yml"
  printf '[{ "targets": ["%s:9464"], "labels": { "deployment": "npm-start" } }]\n' "$BIND_IP" \
    >"$PROMETHEUS_TARGETS_DIR/npm-start.json"
  "$PROMTOOL_BIN" check config "$PROMETHEUS_HOME/prometheus.yml" >/dev/null
  note "config and $(ls "$PROMETHEUS_HOME"/rules/*.yml | wc -l) rule file(s) from $PROMETHEUS_CONF_SRC check and pass their tests"
}

prometheus_answers() { curl -sf --max-time 2 "http://$BIND_IP:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1; }
prometheus_pid() { server_pid "$PROMETHEUS_PID_FILE" "$PROMETHEUS_PORT" 'prometheus'; }

prometheus_start() {
  fail_log "$CACHE_DIR/prometheus.log"
  if prometheus_answers; then
    # Running (started by this or another checkout): load this checkout's configuration.
    curl -sf --max-time 5 -X POST "http://$BIND_IP:$PROMETHEUS_PORT/-/reload" >/dev/null \
      || die "Prometheus on $BIND_IP:$PROMETHEUS_PORT did not reload its configuration"
    note "already running on $BIND_IP:$PROMETHEUS_PORT (configuration reloaded)"
    return 0
  fi
  if port_open "$BIND_IP" "$PROMETHEUS_PORT"; then
    die "port $PROMETHEUS_PORT is taken by something that is not a ready Prometheus (pid $(pid_on_port "$PROMETHEUS_PORT"))"
  fi
  # --web.enable-lifecycle: infra:up reloads the configuration of a running server (loopback only).
  nohup "$PROMETHEUS_BIN" --config.file="$PROMETHEUS_HOME/prometheus.yml" \
    --storage.tsdb.path="$PROMETHEUS_HOME/data" --storage.tsdb.retention.time=2d \
    --web.listen-address="$BIND_IP:$PROMETHEUS_PORT" --web.enable-lifecycle --log.level=warn \
    >>"$CACHE_DIR/prometheus.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PROMETHEUS_PID_FILE"
  await_started "Prometheus" "$pid" 30 "become ready on $BIND_IP:$PROMETHEUS_PORT" prometheus_answers
  note "started on $BIND_IP:$PROMETHEUS_PORT (pid $pid)"
}

prometheus_stop() { stop_server prometheus prometheus_pid "$PROMETHEUS_PID_FILE" "$PROMETHEUS_PORT" 'Prometheus'; }

# --- VictoriaLogs: the log store (JSON lines and OTLP logs in, LogsQL out) ---
# Loki, the log store Grafana usually searches, is AGPL and not used here; VictoriaLogs takes the
# app's logs over OTLP and is searched by trace_id with LogsQL. Built once from its Go module.
VICTORIA_LOGS_VERSION="${LOGISYNAPSE_VICTORIA_LOGS_VERSION:-v1.52.2}"
VICTORIA_LOGS_PORT="${LOGISYNAPSE_VICTORIA_LOGS_PORT:-9428}"
VICTORIA_LOGS_BIN="$CACHE_DIR/bin/victoria-logs"
VICTORIA_LOGS_HOME="$CACHE_DIR/victoria-logs"
VICTORIA_LOGS_PID_FILE="$CACHE_DIR/victoria-logs.pid"

victoria_logs_ensure_installed() {
  if [ -x "$VICTORIA_LOGS_BIN" ] && [ "$(cat "$VICTORIA_LOGS_BIN.version" 2>/dev/null)" = "$VICTORIA_LOGS_VERSION" ]; then
    note "victoria-logs $VICTORIA_LOGS_VERSION in $VICTORIA_LOGS_BIN"; return 0
  fi
  local go; go="$(go_cmd)" || { apt_install golang-go; go="$(go_cmd)"; }
  mkdir -p "$(dirname "$VICTORIA_LOGS_BIN")"
  GOBIN="$(dirname "$VICTORIA_LOGS_BIN")" GOFLAGS=-buildvcs=false \
    "$go" install "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@$VICTORIA_LOGS_VERSION"
  echo "$VICTORIA_LOGS_VERSION" >"$VICTORIA_LOGS_BIN.version"
  note "built victoria-logs $VICTORIA_LOGS_VERSION into $VICTORIA_LOGS_BIN"
}

victoria_logs_answers() { curl -sf --max-time 2 "http://$BIND_IP:$VICTORIA_LOGS_PORT/health" >/dev/null 2>&1; }
victoria_logs_pid() { server_pid "$VICTORIA_LOGS_PID_FILE" "$VICTORIA_LOGS_PORT" 'victoria-logs'; }

victoria_logs_start() {
  fail_log "$CACHE_DIR/victoria-logs.log"
  if victoria_logs_answers; then note "already running on $BIND_IP:$VICTORIA_LOGS_PORT"; return 0; fi
  if port_open "$BIND_IP" "$VICTORIA_LOGS_PORT"; then
    die "port $VICTORIA_LOGS_PORT is taken by something that is not VictoriaLogs (pid $(pid_on_port "$VICTORIA_LOGS_PORT"))"
  fi
  mkdir -p "$VICTORIA_LOGS_HOME"
  nohup "$VICTORIA_LOGS_BIN" -httpListenAddr="$BIND_IP:$VICTORIA_LOGS_PORT" \
    -storageDataPath="$VICTORIA_LOGS_HOME" -retentionPeriod=2d -loggerLevel=WARN \
    >>"$CACHE_DIR/victoria-logs.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$VICTORIA_LOGS_PID_FILE"
  await_started "VictoriaLogs" "$pid" 30 "answer on $BIND_IP:$VICTORIA_LOGS_PORT" victoria_logs_answers
  note "started victoria-logs $VICTORIA_LOGS_VERSION on $BIND_IP:$VICTORIA_LOGS_PORT (pid $pid)"
}

victoria_logs_stop() { stop_server victoria-logs victoria_logs_pid "$VICTORIA_LOGS_PID_FILE" "$VICTORIA_LOGS_PORT" 'VictoriaLogs'; }

# --- Jaeger: the trace store (OTLP in on 4317/4318, the query API on 16686, traces in memory) ---
# Jaeger v2 is an OpenTelemetry Collector distribution; `go install` refuses its command for the
# `replace` directive of its go.mod, so infra/observability/jaeger/build is a module of ours that
# requires it and repeats that directive (go.sum pinned). Built once per version (a few minutes).
JAEGER_BUILD_DIR="$REPO_ROOT/infra/observability/jaeger/build"
JAEGER_CONFIG="$REPO_ROOT/infra/observability/jaeger/config.yaml"
JAEGER_VERSION="$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2 }' "$JAEGER_BUILD_DIR/go.mod")"
JAEGER_BIN="$CACHE_DIR/bin/jaeger"
JAEGER_PID_FILE="$CACHE_DIR/jaeger.pid"
JAEGER_OTLP_GRPC_PORT="${LOGISYNAPSE_JAEGER_OTLP_GRPC_PORT:-4317}"
JAEGER_OTLP_HTTP_PORT="${LOGISYNAPSE_JAEGER_OTLP_HTTP_PORT:-4318}"
JAEGER_QUERY_PORT="${LOGISYNAPSE_JAEGER_QUERY_PORT:-16686}"
JAEGER_HEALTH_PORT="${LOGISYNAPSE_JAEGER_HEALTH_PORT:-13133}"

jaeger_ensure_installed() {
  [ -n "$JAEGER_VERSION" ] || die "no github.com/jaegertracing/jaeger requirement in $JAEGER_BUILD_DIR/go.mod"
  if [ -x "$JAEGER_BIN" ] && [ "$(cat "$JAEGER_BIN.version" 2>/dev/null)" = "$JAEGER_VERSION" ]; then
    note "jaeger $JAEGER_VERSION in $JAEGER_BIN"; return 0
  fi
  local go; go="$(go_cmd)" || { apt_install golang-go; go="$(go_cmd)"; }
  mkdir -p "$(dirname "$JAEGER_BIN")"
  (cd "$JAEGER_BUILD_DIR" && GOFLAGS="-buildvcs=false -mod=mod" "$go" build -o "$JAEGER_BIN.tmp" github.com/jaegertracing/jaeger/cmd/jaeger)
  mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  echo "$JAEGER_VERSION" >"$JAEGER_BIN.version"
  note "built jaeger $JAEGER_VERSION into $JAEGER_BIN"
}

jaeger_answers() { curl -sf --max-time 2 "http://$BIND_IP:$JAEGER_HEALTH_PORT/status" >/dev/null 2>&1; }
jaeger_pid() { server_pid "$JAEGER_PID_FILE" "$JAEGER_QUERY_PORT" 'jaeger'; }

jaeger_start() {
  fail_log "$CACHE_DIR/jaeger.log"
  if jaeger_answers; then note "already running (query API on $BIND_IP:$JAEGER_QUERY_PORT)"; return 0; fi
  local port
  for port in "$JAEGER_OTLP_GRPC_PORT" "$JAEGER_OTLP_HTTP_PORT" "$JAEGER_QUERY_PORT" "$JAEGER_HEALTH_PORT"; do
    if port_open "$BIND_IP" "$port"; then die "port $port is taken by something that is not Jaeger (pid $(pid_on_port "$port"))"; fi
  done
  JAEGER_LISTEN_HOST="$BIND_IP" JAEGER_OTLP_GRPC_PORT="$JAEGER_OTLP_GRPC_PORT" JAEGER_OTLP_HTTP_PORT="$JAEGER_OTLP_HTTP_PORT" \
    JAEGER_QUERY_PORT="$JAEGER_QUERY_PORT" JAEGER_HEALTH_PORT="$JAEGER_HEALTH_PORT" \
    JAEGER_QUERY_GRPC_PORT="${LOGISYNAPSE_JAEGER_QUERY_GRPC_PORT:-16685}" JAEGER_METRICS_PORT="${LOGISYNAPSE_JAEGER_METRICS_PORT:-14269}" \
    nohup "$JAEGER_BIN" --config="file:$JAEGER_CONFIG" >>"$CACHE_DIR/jaeger.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$JAEGER_PID_FILE"
  await_started "Jaeger" "$pid" 30 "become healthy on $BIND_IP:$JAEGER_HEALTH_PORT" jaeger_answers
  note "started jaeger $JAEGER_VERSION: OTLP on $BIND_IP:$JAEGER_OTLP_GRPC_PORT (gRPC) and :$JAEGER_OTLP_HTTP_PORT (HTTP), query API on :$JAEGER_QUERY_PORT (pid $pid)"
}

jaeger_stop() { stop_server jaeger jaeger_pid "$JAEGER_PID_FILE" "$JAEGER_QUERY_PORT" 'Jaeger'; }

# The observability settings of .env.infra.
observability_env() {
  echo "PROMETHEUS_URL=http://$BIND_IP:$PROMETHEUS_PORT"
  # where a test registers its app's /metrics as a scrape target (one JSON file per app)
  echo "PROMETHEUS_TARGETS_DIR=$PROMETHEUS_TARGETS_DIR"
  echo "PROMTOOL_BIN=$PROMTOOL_BIN"
  # the log store: LogsQL at /select/logsql/query; the app ships its logs there over OTLP when
  # OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is set to the second URL (npm run start:infra does not by default)
  echo "VICTORIA_LOGS_URL=http://$BIND_IP:$VICTORIA_LOGS_PORT"
  echo "VICTORIA_LOGS_OTLP_LOGS_URL=http://$BIND_IP:$VICTORIA_LOGS_PORT/insert/opentelemetry/v1/logs"
  # traces (and metrics pushed over OTLP) go to Jaeger's OTLP/HTTP receiver; its query API (the
  # HTTP API Jaeger's UI reads: /api/services, /api/traces?service=..., /api/traces/<id>)
  echo "OTEL_EXPORTER_OTLP_ENDPOINT=http://$BIND_IP:$JAEGER_OTLP_HTTP_PORT"
  # metrics are scraped by Prometheus (/metrics), not pushed to Jaeger, which takes none
  echo "OTEL_METRICS_EXPORTER=prometheus"
  echo "JAEGER_URL=http://$BIND_IP:$JAEGER_QUERY_PORT"
}
