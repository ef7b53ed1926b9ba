# shellcheck shell=bash
# The chaos runs' servers (issue 16): Toxiproxy, the TCP proxy a scenario puts in a dependency's
# path to add latency or cut it, and Alertmanager, which takes Prometheus's alerts and notifies the
# webhook receiver a chaos run serves. Sourced by up.sh, down.sh and status.sh after lib.sh; both
# servers are shared by every checkout of the machine (state in $CACHE_DIR) and listen on
# 127.0.0.1 only. docs/chaos.md, ADR 0046.

# Toxiproxy: no registry reached here carries a prebuilt one; the Go module proxy's source builds
# in about a minute, cached by version like the other go-installed tools. Its commands are the
# packages cmd/server and cmd/cli, which `go install` would name `server` and `cli`: each is
# built into a directory of its own and renamed.
TOXIPROXY_VERSION="${LOGISYNAPSE_TOXIPROXY_VERSION:-v2.12.0}"
TOXIPROXY_PORT="${LOGISYNAPSE_TOXIPROXY_PORT:-8474}"
TOXIPROXY_BIN="$CACHE_DIR/bin/toxiproxy-server"
TOXIPROXY_CLI_BIN="$CACHE_DIR/bin/toxiproxy-cli"
TOXIPROXY_PID_FILE="$CACHE_DIR/toxiproxy.pid"

# Alertmanager: Debian's package (server and amtool). Its web port is not the upstream default
# 9093, which the Kafka controller holds here; clustering is off, so it opens no other port.
ALERTMANAGER_PORT="${LOGISYNAPSE_ALERTMANAGER_PORT:-9095}"
ALERTMANAGER_BIN=/usr/bin/prometheus-alertmanager
AMTOOL_BIN=/usr/bin/amtool
ALERTMANAGER_CONF_SRC="$REPO_ROOT/infra/observability/alertmanager/alertmanager.yml"
ALERTMANAGER_HOME="$CACHE_DIR/alertmanager"
ALERTMANAGER_PID_FILE="$CACHE_DIR/alertmanager.pid"

# --- Toxiproxy ---

toxiproxy_ensure_installed() {
  if tool_cached "$TOXIPROXY_BIN" "$TOXIPROXY_VERSION" && tool_cached "$TOXIPROXY_CLI_BIN" "$TOXIPROXY_VERSION"; then
    note "toxiproxy $TOXIPROXY_VERSION in $CACHE_DIR/bin"; return 0
  fi
  local go; go="$(go_cmd)" || { apt_install golang-go; go="$(go_cmd)"; }
  local cmd bin work
  for cmd in server cli; do
    bin="$CACHE_DIR/bin/toxiproxy-$cmd"
    work="$(mktemp -d)"
    GOBIN="$work" GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$go" install "github.com/Shopify/toxiproxy/v2/cmd/$cmd@$TOXIPROXY_VERSION"
    mkdir -p "$CACHE_DIR/bin"
    mv "$work/$cmd" "$bin"
    rm -rf "$work"
    echo "$TOXIPROXY_VERSION" >"$bin.version"
  done
  note "built toxiproxy-server and toxiproxy-cli $TOXIPROXY_VERSION into $CACHE_DIR/bin"
}

toxiproxy_answers() { curl -sf --max-time 2 "http://$BIND_IP:$TOXIPROXY_PORT/version" >/dev/null 2>&1; }
toxiproxy_pid() { server_pid "$TOXIPROXY_PID_FILE" "$TOXIPROXY_PORT" 'toxiproxy-server'; }

toxiproxy_start() {
  fail_log "$CACHE_DIR/toxiproxy.log"
  if toxiproxy_answers; then note "already running on $BIND_IP:$TOXIPROXY_PORT"; return 0; fi
  if port_open "$BIND_IP" "$TOXIPROXY_PORT"; then
    die "port $TOXIPROXY_PORT is taken by something that is not Toxiproxy (pid $(pid_on_port "$TOXIPROXY_PORT"))"
  fi
  # No proxies at start: each chaos run makes its own (on 127.0.0.1) and deletes them after.
  LOG_LEVEL=warn nohup "$TOXIPROXY_BIN" -host "$BIND_IP" -port "$TOXIPROXY_PORT" \
    >>"$CACHE_DIR/toxiproxy.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$TOXIPROXY_PID_FILE"
  await_started "Toxiproxy" "$pid" 20 "answer on $BIND_IP:$TOXIPROXY_PORT" toxiproxy_answers
  note "started toxiproxy $TOXIPROXY_VERSION on $BIND_IP:$TOXIPROXY_PORT (pid $pid)"
}

toxiproxy_stop() { stop_server toxiproxy toxiproxy_pid "$TOXIPROXY_PID_FILE" "$TOXIPROXY_PORT" 'Toxiproxy'; }

# --- Alertmanager ---

alertmanager_ensure_installed() {
  if [ -x "$ALERTMANAGER_BIN" ] && [ -x "$AMTOOL_BIN" ]; then
    note "$("$ALERTMANAGER_BIN" --version 2>&1 | head -1)"; return 0
  fi
  apt_install prometheus-alertmanager
  note "installed $("$ALERTMANAGER_BIN" --version 2>&1 | head -1)"
}

# The checkout's configuration, checked by amtool, into ALERTMANAGER_HOME; and Prometheus told
# where Alertmanager answers (prometheus.yml reads alertmanagers/*.json next to itself).
alertmanager_write_config() {
  mkdir -p "$ALERTMANAGER_HOME/data" "$PROMETHEUS_HOME/alertmanagers"
  "$AMTOOL_BIN" check-config "$ALERTMANAGER_CONF_SRC" >/dev/null
  cp "$ALERTMANAGER_CONF_SRC" "$ALERTMANAGER_HOME/alertmanager.yml"
  printf '[{ "targets": ["%s:%s"] }]\n' "$BIND_IP" "$ALERTMANAGER_PORT" >"$PROMETHEUS_HOME/alertmanagers/local.json.tmp"
  mv "$PROMETHEUS_HOME/alertmanagers/local.json.tmp" "$PROMETHEUS_HOME/alertmanagers/local.json"
  note "config from $ALERTMANAGER_CONF_SRC checks; Prometheus sends to $BIND_IP:$ALERTMANAGER_PORT"
}

alertmanager_answers() { curl -sf --max-time 2 "http://$BIND_IP:$ALERTMANAGER_PORT/-/ready" >/dev/null 2>&1; }
alertmanager_pid() { server_pid "$ALERTMANAGER_PID_FILE" "$ALERTMANAGER_PORT" 'alertmanager'; }

alertmanager_start() {
  fail_log "$CACHE_DIR/alertmanager.log"
  if alertmanager_answers; then
    # Running (started by this or another checkout): load this checkout's configuration.
    curl -sf --max-time 5 -X POST "http://$BIND_IP:$ALERTMANAGER_PORT/-/reload" >/dev/null \
      || die "Alertmanager on $BIND_IP:$ALERTMANAGER_PORT did not reload its configuration"
    note "already running on $BIND_IP:$ALERTMANAGER_PORT (configuration reloaded)"
    return 0
  fi
  if port_open "$BIND_IP" "$ALERTMANAGER_PORT"; then
    die "port $ALERTMANAGER_PORT is taken by something that is not a ready Alertmanager (pid $(pid_on_port "$ALERTMANAGER_PORT"))"
  fi
  # --cluster.listen-address= (empty): no gossip port; one Alertmanager per machine.
  nohup "$ALERTMANAGER_BIN" --config.file="$ALERTMANAGER_HOME/alertmanager.yml" \
    --storage.path="$ALERTMANAGER_HOME/data" --data.retention=24h \
    --web.listen-address="$BIND_IP:$ALERTMANAGER_PORT" --cluster.listen-address= --log.level=warn \
    >>"$CACHE_DIR/alertmanager.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$ALERTMANAGER_PID_FILE"
  await_started "Alertmanager" "$pid" 30 "become ready on $BIND_IP:$ALERTMANAGER_PORT" alertmanager_answers
  note "started on $BIND_IP:$ALERTMANAGER_PORT (pid $pid)"
}

alertmanager_stop() { stop_server alertmanager alertmanager_pid "$ALERTMANAGER_PID_FILE" "$ALERTMANAGER_PORT" 'Alertmanager'; }

# --- .env.infra ---

chaos_tools_env() {
  # Toxiproxy's HTTP API (chaos/lib/toxiproxy.ts) and its command line client
  echo "TOXIPROXY_URL=http://$BIND_IP:$TOXIPROXY_PORT"
  echo "TOXIPROXY_CLI_BIN=$TOXIPROXY_CLI_BIN"
  echo "ALERTMANAGER_URL=http://$BIND_IP:$ALERTMANAGER_PORT"
  echo "AMTOOL_BIN=$AMTOOL_BIN"
  # the chaos run's own Prometheus evaluates the rules with scaled windows (ADR 0046)
  echo "PROMETHEUS_BIN=$PROMETHEUS_BIN"
}

# Appends chaos_tools_env's lines to the .env.infra that write_env_file has just written.
chaos_tools_write_env() {
  [ -f "$ENV_FILE" ] || die "$ENV_FILE is missing: write_env_file runs first"
  local tmp="$ENV_FILE.tmp.$$"
  { grep -v -E '^(TOXIPROXY_URL|TOXIPROXY_CLI_BIN|ALERTMANAGER_URL|AMTOOL_BIN|PROMETHEUS_BIN)=' "$ENV_FILE" || true; chaos_tools_env; } >"$tmp"
  mv "$tmp" "$ENV_FILE"
  note "$(grep -c = "$ENV_FILE") settings in $ENV_FILE"
}
