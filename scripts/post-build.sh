#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml): split and optimise the wasm, minify the JS glue, then write the
# precompressed copies of the finished files. In this order, since minifying changes
# the glue and index.html; the wasm's integrity hash moves from its preload link,
# where browsers ignore it, to the fetch that loads it (wasm-integrity.sh).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/split-wasm.sh"
bash "$here/minify-js.sh"
bash "$here/wasm-integrity.sh"
bash "$here/precompress.sh"
