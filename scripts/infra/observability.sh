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
  local deadline=$(( $(now_us) + 30 * 1000000 ))
  until prometheus_answers; do
    pid_alive "$pid" || die "Prometheus (pid $pid) exited during start"
    [ "$(now_us)" -lt "$deadline" ] || die "Prometheus was not ready on $BIND_IP:$PROMETHEUS_PORT within 30s"
    sleep 0.5
  done
  note "started on $BIND_IP:$PROMETHEUS_PORT (pid $pid)"
}

prometheus_stop() {
  local pid
  if ! pid="$(prometheus_pid)"; then
    rm -f "$PROMETHEUS_PID_FILE"
    if port_open "$BIND_IP" "$PROMETHEUS_PORT"; then die "port $PROMETHEUS_PORT is open but no Prometheus of ours holds it"; fi
    note "already stopped"; return 0
  fi
  stop_pid "$pid" prometheus
  rm -f "$PROMETHEUS_PID_FILE"
  note "stopped (pid $pid)"
}

# The observability settings of .env.infra.
observability_env() {
  echo "PROMETHEUS_URL=http://$BIND_IP:$PROMETHEUS_PORT"
  # where a test registers its app's /metrics as a scrape target (one JSON file per app)
  echo "PROMETHEUS_TARGETS_DIR=$PROMETHEUS_TARGETS_DIR"
  echo "PROMTOOL_BIN=$PROMTOOL_BIN"
}
