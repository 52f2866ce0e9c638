#!/usr/bin/env bash
# Trunk post_build step (scripts/post-build.sh), release builds only: finishes the
# app's wasm. Trunk 0.21 has no step to split a wasm module, so this one does what
# it would: when the build marked views to load on demand (`--cfg pulse_split`: the
# page bodies of src/app/on_demand.rs and the Compare tab, see src/split.rs and
# `web_release_env` in lib.sh), it cuts them out of cargo's wasm with
# wasm-split-cli, runs wasm-bindgen on what is left, and puts each view's file, the
# chunks views share and the loader beside it, named with the build's hash. Then
# wasm-opt (Trunk's own is off in index.html, since it would optimise a module that
# is thrown away), and integrity hashes: index.html's for the glue, the wasm and
# the loader (a modulepreload link, which also fetches it early), the loader's for
# every file it fetches.
#
# A build without the mark is only optimised (and shipped unoptimised, with a
# warning, where wasm-opt is missing). A marked build that cannot be split (no
# wasm-split-cli) fails: its wasm imports a loader that would not exist.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TRUNK_STAGING_DIR"
shopt -s nullglob

glue=(pulse-web-*.js)
[ "${#glue[@]}" = 1 ] || { echo "error: expected one pulse-web-*.js in $PWD, found ${#glue[@]}" >&2; exit 1; }
stem="${glue[0]%.js}"
hash="${stem#pulse-web-}"
wasm="${stem}_bg.wasm"

optimise() { # IN OUT
  if command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --flatten --rereloop -Oz -Oz "$1" -o "$2"
  else
    echo "warning: wasm-opt not found (run ./pulse build once): $2 ships unoptimised" >&2
    [ "$1" = "$2" ] || cp "$1" "$2"
  fi
}

if ! grep -q __wasm_split_placeholder__ "${glue[0]}"; then
  optimise "$wasm" "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  python3 "$PULSE_ROOT/scripts/split-wasm.py" integrity index.html "${glue[0]}" "$wasm"
  exit 0
fi

raw="${CARGO_TARGET_DIR:-$PULSE_ROOT/target}/wasm32-unknown-unknown/wasm-release/pulse-web.wasm"
[ -f "$raw" ] || { echo "error: cargo's wasm is not at $raw" >&2; exit 1; }
command -v wasm-split-cli >/dev/null ||
  { echo "error: this build marks views to split but wasm-split-cli is missing (./pulse build installs it)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm-split-cli "$raw" "$tmp/split" --out-name "$stem"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$tmp/bound" --out-name "$stem" "$tmp/split/$stem.wasm"
loader="split-$hash.js"
# The import's path only: the wasm still names the module "./__wasm_split.js".
sed "s|from \"./__wasm_split.js\"|from \"./$loader\"|" "$tmp/bound/$stem.js" > "${glue[0]}"
grep -q "from \"./$loader\"" "${glue[0]}" || { echo "error: the glue does not import the split loader" >&2; exit 1; }
optimise "$tmp/bound/${stem}_bg.wasm" "$wasm"
files=()
for chunk in "$tmp/split"/*.wasm; do
  name="$(basename "$chunk" .wasm)"
  [ "$name" != "$stem" ] || continue
  optimise "$chunk" "$name-$hash.wasm"
  files+=("$name.wasm=$name-$hash.wasm")
done
python3 "$PULSE_ROOT/scripts/split-wasm.py" loader "$tmp/split/__wasm_split.js" "$loader" "${files[@]}"
python3 "$PULSE_ROOT/scripts/split-wasm.py" preload index.html "${glue[0]}" "$loader"
python3 "$PULSE_ROOT/scripts/split-wasm.py" integrity index.html "${glue[0]}" "$wasm" "$loader"
