#!/usr/bin/env bash
# Trunk post_build step (scripts/post-build.sh): writes a gzip file beside every file
# of a release build, compressed with zopfli (gzip format, about 4 % smaller than
# `gzip -9`). pulse-server serves them to browsers that accept gzip, and so can any
# static host (nginx `gzip_static on`), so a visitor downloads these bytes. Without
# zopfli (./pulse installs it) it falls back to `gzip -9`.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
cd "$TRUNK_STAGING_DIR"
for file in *.wasm *.js *.css *.html; do
  [ -f "$file" ] || continue
  if command -v zopfli >/dev/null; then
    zopfli --i15 -c "$file" > "$file.gz"
  else
    gzip -9 -n -c "$file" > "$file.gz"
  fi
done
