#!/usr/bin/env bash
# Trunk post_build step (scripts/post-build.sh): minifies wasm-bindgen's JS glue in a release
# build with terser, and puts the new file's hash in index.html's integrity
# attribute. Trunk's own JS minifier cannot parse the glue (it logs "Failed to
# minify JS" and leaves it), so this saves about 2 KB of the gzipped download.
# Without terser (./pulse installs it) the glue ships as it is, with a warning.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if ! command -v terser >/dev/null; then
  echo "warning: terser not found (run ./pulse build once): JS glue left unminified" >&2
  exit 0
fi
cd "$TRUNK_STAGING_DIR"
integrity() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | base64 -w0)"; }
for js in *.js; do
  [ -f "$js" ] || continue
  before="$(integrity "$js")"
  terser "$js" --module --compress --mangle --output "$js.min"
  mv "$js.min" "$js"
  after="$(integrity "$js")"
  if ! grep -q "$before" index.html; then
    echo "error: index.html has no integrity $before for $js" >&2
    exit 1
  fi
  sed -i "s|$before|$after|g" index.html
done
