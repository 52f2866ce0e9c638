#!/usr/bin/env bash
# Trunk post_build step (scripts/post-build.sh): moves the wasm's integrity hash from
# its `<link rel=preload as=fetch>` (where Chromium ignores it and logs "The
# `integrity` attribute is currently ignored for preload destinations that do not
# support subresource integrity" on every load) to the fetch that loads the wasm,
# `init({ module_or_path: fetch(URL, { integrity }) })`, which the browser checks.
# The JS glue's own `modulepreload` keeps its hash. Release builds only.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
cd "$TRUNK_STAGING_DIR"
python3 - index.html <<'PY'
import re, sys
path = sys.argv[1]
html = open(path, encoding="utf-8").read()
link = re.search(r"<link\b[^>]*\brel=\"?preload\b[^>]*>", html)
if not link or "_bg.wasm" not in link.group(0):
    sys.exit("error: index.html has no wasm preload link")
tag = link.group(0)
integrity = re.search(r"\sintegrity=\"?(sha384-[A-Za-z0-9+/=]+)\"?", tag)
wasm = re.search(r"\bhref=\"?([^\"\s>]+_bg\.wasm)\"?", tag)
if not integrity or not wasm:
    sys.exit("error: the wasm preload link has no integrity or href")
init = f"module_or_path: '{wasm.group(1)}'"
if init not in html:
    sys.exit(f"error: index.html does not load the wasm as {init}")
html = html.replace(tag, tag.replace(integrity.group(0), ""))
html = html.replace(init, f"module_or_path: fetch('{wasm.group(1)}', {{ integrity: '{integrity.group(1)}' }})")
open(path, "w", encoding="utf-8").write(html)
PY
