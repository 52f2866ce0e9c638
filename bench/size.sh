#!/usr/bin/env bash
# Download size of the release build: every file in dist/ raw and gzipped, against
# the 150 KB gzip budget. The gzip size is that of the file's precompressed `.gz`
# copy (zopfli, written by the build), which is what pulse-server and a static host
# with precompressed files send; `gzip -9` for a file without one. Prints a Markdown
# table; exits 1 when over budget.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=$((150 * 1024))
total_raw=0
total_gz=0
echo "| file | raw | gzip |"
echo "|---|---:|---:|"
for file in dist/*.wasm dist/*.js dist/*.css dist/index.html; do
  [ -f "$file" ] || continue
  raw=$(stat -c %s "$file")
  if [ -f "$file.gz" ]; then gz=$(stat -c %s "$file.gz"); else gz=$(gzip -9 -c "$file" | wc -c); fi
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '| %s | %d B | %d B |\n' "${file#dist/}" "$raw" "$gz"
done
awk -v r="$total_raw" -v g="$total_gz" \
  'BEGIN { printf "| **total** | **%d B** (%.1f KiB) | **%d B** (%.1f KiB) |\n", r, r / 1024, g, g / 1024 }'
if [ "$total_gz" -gt "$budget" ]; then
  echo
  echo "**OVER BUDGET: $total_gz B gzip > $budget B (150 KiB)**"
  exit 1
fi
echo
echo "Within the 150 KiB gzip budget ($((budget - total_gz)) B to spare)."
