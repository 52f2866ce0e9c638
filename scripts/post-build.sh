#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml): minify the JS glue, then write the
# precompressed copies of the finished files. In this order, since minifying changes
# the glue and index.html.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/minify-js.sh"
bash "$here/precompress.sh"
