#!/usr/bin/env bash
# Builds Pulse's chart code as a plain wasm module for the render benchmark
# (the `bench` feature exports `RenderBench`), with the same profile as the site.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -p pulse-web --lib --target wasm32-unknown-unknown --profile wasm-release --features bench
wasm-bindgen --target web --out-dir bench/render/pkg target/wasm32-unknown-unknown/wasm-release/pulse_web.wasm
(cd bench/render && [ -d node_modules/uplot ] || npm ci --silent --no-audit --no-fund)
