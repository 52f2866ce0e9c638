# Shared steps of ./pulse: installing the toolchain and building. Sourced, not run.
# Each step checks for its tool (and version) and skips when it is already there.

PULSE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PULSE_TOOLS="${PULSE_TOOLS:-$HOME/.cache/pulse/tools}"
TRUNK_VERSION_REQ='^0.21'
BINARYEN_VERSION=132
TERSER_VERSION=5.51.4
# wasm-split-cli, whose format must match the wasm_split_helpers in Cargo.lock.
WASM_SPLIT_VERSION=0.2.4
export PATH="$PULSE_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The wasm-bindgen version the app is locked to; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$PULSE_ROOT/Cargo.lock"
}

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Installs packages without starting their services: Debian's maintainer scripts
# ask `policy-rc.d`, and 101 means "not now" (tests start their own redis-server on
# a port of their choosing). An existing policy-rc.d is left as it was.
apt_install_quiet() {
  dpkg -s "$@" >/dev/null 2>&1 && return 0
  local policy=/usr/sbin/policy-rc.d made=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made=1
  fi
  local status=0
  apt_install "$@" || status=$?
  [ -n "$made" ] && rm -f "$policy"
  return "$status"
}

setup_toolchain() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
    say "installing Trunk 0.21 (about 6 minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION_REQ" --locked
  fi
  [ -f "$PULSE_ROOT/Cargo.lock" ] || (cd "$PULSE_ROOT" && cargo generate-lockfile)
  local wbg
  wbg="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
    say "installing wasm-bindgen-cli $wbg (about 2 minutes, once)"
    # Not --locked: its lockfile pins a crate release the registry mirror lacks.
    cargo install wasm-bindgen-cli --version "=$wbg"
  fi
  if [ "$("$PULSE_TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "$BINARYEN_VERSION" ]; then
    # Debian's binaryen (108) produces wasm that fails to load: use npm's.
    command -v npm >/dev/null || apt_install nodejs npm
    say "installing wasm-opt $BINARYEN_VERSION (npm binaryen)"
    npm install --silent --no-audit --no-fund --prefix "$PULSE_TOOLS" "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  if ! cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    # Cuts the views loaded on demand out of the release wasm (scripts/split-wasm.sh).
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (about 2 minutes, once)"
    cargo install --locked wasm_split_cli_support --version "=$WASM_SPLIT_VERSION" --features build-binary
  fi
  if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
    # The release web build recompiles the standard library for size (build_web).
    say "adding the Rust standard library's source (rust-src)"
    rustup component add rust-src || say "rust-src unavailable: the web app will be built with the prebuilt std"
  fi
  command -v zopfli >/dev/null || apt_install zopfli
  if [ "$("$PULSE_TOOLS/node_modules/.bin/terser" --version 2>/dev/null | awk '{print $2}')" != "$TERSER_VERSION" ]; then
    # Minifies wasm-bindgen's JS glue after each release build (scripts/minify-js.sh).
    command -v npm >/dev/null || apt_install nodejs npm
    say "installing terser $TERSER_VERSION (npm)"
    npm install --silent --no-audit --no-fund --prefix "$PULSE_TOOLS" "terser@$TERSER_VERSION" >/dev/null
  fi
}

# What the browser tests and end-to-end tests need beyond the toolchain.
setup_test_tools() {
  apt_install chromium chromium-driver nginx-light
  apt_install_quiet redis-server
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -d "$PULSE_ROOT/e2e/node_modules/playwright-core" ]; then
    say "installing the end-to-end test driver (playwright-core, npm)"
    npm ci --silent --no-audit --no-fund --prefix "$PULSE_ROOT/e2e" >/dev/null
  fi
}

# The release web app is built with the standard library recompiled for size: with
# `panic=immediate-abort` a panic is a trap with no message formatting, and with
# `location-detail=none` no file paths ship (together 18 KB of the gzipped wasm).
# One `NAME=value` a line, for `env`.
# Both are unstable flags; RUSTC_BOOTSTRAP lets this stable toolchain take them, for
# this build only. Without rust-src it is the ordinary build, just larger. Its own
# target dir, so the browser tests' build never invalidates it.
# `--cfg erase_components` (Leptos's type erasure: every component returns one
# erased view type, so Leptos's renderer is not compiled once per nested view shape;
# 23 KB of the zopfli-gzipped wasm) is also in `.cargo/config.toml`, so the browser
# tests run the same code; this variable replaces that setting, hence both.
web_release_env() {
  local flags="--cfg erase_components"
  if command -v wasm-split-cli >/dev/null; then
    # The views marked for it (src/split.rs: the page bodies and the Compare tab) become wasm files of their own, fetched when
    # first shown (scripts/split-wasm.sh); the splitter reads the linker's relocations.
    flags="$flags --cfg pulse_split -Clink-args=--emit-relocs"
  fi
  if rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
    printf '%s\n' RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    flags="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none $flags"
  fi
  printf '%s\n' "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$flags" "CARGO_TARGET_DIR=$PULSE_ROOT/target/web-release"
}

build_web() {
  say "building the web app (dist/)"
  local env_vars
  mapfile -t env_vars < <(web_release_env)
  # Cargo first, online: the recompiled std has dependencies of its own to fetch
  # once, which Trunk's `--offline` would refuse. Trunk's own cargo call is then a no-op.
  (cd "$PULSE_ROOT" && env "${env_vars[@]}" cargo build --quiet --target wasm32-unknown-unknown \
    --profile wasm-release --bin pulse-web)
  (cd "$PULSE_ROOT" && env "${env_vars[@]}" trunk build --release --offline)
}

build_server() {
  say "building the server (and pulse-store-bench, whose fill the end-to-end tests use)"
  (cd "$PULSE_ROOT" && cargo build --release -p pulse-server -p pulse-bench-store)
}

build_all() {
  build_web
  build_server
}
