#!/usr/bin/env bash
# What each engine adds to a clean release build of this bench: wall time and binary size
# for the bench with no engine (the baseline), then with each engine alone. Each build is
# clean, in its own target directory under /tmp (removed afterwards), with the machine's
# cores. Prints a Markdown table. About 5 minutes on 2 cores.
#   bench/store-engines/build-cost.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fetch -q
echo "| features | clean release build | binary |"
echo "|---|---:|---:|"
for features in none sqlite fjall redb; do
  target="$(mktemp -d /tmp/pulse-store-engines-build.XXXXXX)"
  flags=(--no-default-features)
  [ "$features" = none ] || flags+=(--features "$features")
  start=$(date +%s.%N)
  CARGO_TARGET_DIR="$target" cargo build -q --release --offline -p pulse-bench-store-engines "${flags[@]}"
  end=$(date +%s.%N)
  bytes=$(stat -c %s "$target/release/pulse-bench-store-engines")
  printf '| %s | %.0f s | %.2f MiB |\n' "$features" "$(echo "$end - $start" | bc)" "$(echo "$bytes / 1048576" | bc -l)"
  rm -rf "$target"
done
