#!/usr/bin/env bash
# Trunk post_build step (scripts/post-build.sh), release builds only: finishes the
# app's wasm. Trunk 0.21 has no step to split a wasm module, so this one does what
# it would: when the build marked views to load on demand (`--cfg pulse_split`, see
# src/app/on_demand.rs and `web_release_env` in lib.sh), it cuts them out of cargo's
# wasm with wasm-split-cli, runs wasm-bindgen on what is left, and puts each view's
# file and the loader beside it, named with the build's hash. Then wasm-opt (Trunk's
# own is off in index.html, since it would optimise a module that is thrown away),
# and the new files' integrity hashes in index.html.
#
# A build without the mark is only optimised. A marked build that cannot be split
# (no wasm-split-cli) fails: its wasm imports a loader that would not exist.
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
opt_args=(-Oz --flatten --rereloop -Oz -Oz)

if grep -q __wasm_split_placeholder__ "${glue[0]}"; then
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
  # The loader instantiates with `instantiateStreaming`, which a static host that
  # sends `.wasm` as anything but application/wasm breaks (wasm-bindgen's own loader
  # falls back to bytes there); and a 404 should fail as one. Both, for every file.
  python3 - "$tmp/split/__wasm_split.js" "$loader" <<'PY'
import sys
source, target = sys.argv[1:]
js = open(source, encoding="utf-8").read()
streaming = "WebAssembly.instantiateStreaming(src, imports)"
count = js.count(streaming)
if count == 0:
    sys.exit("error: the split loader's instantiation is not where split-wasm.sh expects it")
js = js.replace(streaming, "instantiateFetched(src, imports)")
js += """
async function instantiateFetched(fetched, imports) {
    const response = await fetched;
    if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
    if (response.headers.get("Content-Type") === "application/wasm") {
        return WebAssembly.instantiateStreaming(response, imports);
    }
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}
"""
open(target, "w", encoding="utf-8").write(js)
PY
  for chunk in "$tmp/split"/*.wasm; do
    name="$(basename "$chunk" .wasm)"
    [ "$name" != "$stem" ] || continue
    wasm-opt "${opt_args[@]}" "$chunk" -o "$name-$hash.wasm"
    sed -i "s|\"./$name.wasm\"|\"./$name-$hash.wasm\"|" "$loader"
  done
  wasm-opt "${opt_args[@]}" "$tmp/bound/${stem}_bg.wasm" -o "$wasm"
else
  wasm-opt "${opt_args[@]}" "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
fi

# Trunk hashed the files it wrote; these are new.
python3 - index.html "${glue[0]}" "$wasm" <<'PY'
import base64, hashlib, re, sys
path, *files = sys.argv[1:]
html = open(path, encoding="utf-8").read()
for name in files:
    digest = base64.b64encode(hashlib.sha384(open(name, "rb").read()).digest()).decode()
    tag = re.search(r"<link\b[^>]*\bhref=\"?\./" + re.escape(name) + r"\"?[^>]*>", html)
    if not tag or "integrity=" not in tag.group(0):
        sys.exit(f"error: index.html has no link with an integrity for {name}")
    new = re.sub(r"integrity=\"?sha384-[A-Za-z0-9+/=]+\"?", f"integrity=\"sha384-{digest}\"", tag.group(0))
    html = html.replace(tag.group(0), new)
open(path, "w", encoding="utf-8").write(html)
PY
