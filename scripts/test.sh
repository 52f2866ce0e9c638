#!/usr/bin/env bash
# Every test Pulse has, in order of cost: formatting and lints, native unit tests,
# server tests over real sockets, browser tests in headless Chromium, then end-to-end
# tests of the built site through real proxies. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

setup_toolchain
setup_test_tools
export CHROMEDRIVER=/usr/bin/chromedriver

say "formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy -p pulse-web --lib --target wasm32-unknown-unknown --quiet -- -D warnings

say "native tests: protocol, connection engine, store, charts, server over real sockets"
cargo test --workspace

say "browser tests of the web app in headless Chromium (wasm-bindgen-test)"
cargo test -p pulse-web --target wasm32-unknown-unknown --tests

build_all

say "end-to-end tests: the built site in headless Chromium against a real server"
node --test --test-concurrency=1 e2e/tests/
