#!/usr/bin/env bash
# Where a hub's memory per host goes: heaptrack on a hub with the system's
# allocator (`PULSE_ALLOC=system`: heaptrack follows malloc, which mimalloc does
# not use), under pulse-fleet's agents, then its allocations still live at the
# end grouped by call site. The hub is stopped with SIGKILL once measured, so
# what is live is the steady state, not what a graceful shutdown leaves.
# Usage: bench/fleet/heap.sh [AGENTS] [WINDOW] [WARMUP_S]   (defaults 1000, 1m, 80)
# Writes /tmp/pulse-heap-AGENTS-WINDOW.txt (heaptrack_print's 40 largest call sites
# still holding memory at the end) beside the profile (.zst), and prints their sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."
agents=${1:-1000}; window=${2:-1m}; warmup=${3:-80}
source bench/fleet/common.sh
server=$(realpath "$server")
record_sample 15
PULSE_DATA="$work/heap.data" PULSE_ALLOC=system taskset -c 0 heaptrack -o "$work/hub" "$server" --listen 127.0.0.1:0 \
  --no-local --workers 1 --agent-token bench-token --max-per-address 0 --agent-window "$window" --dist /nonexistent \
  >"$work/hub.out" 2>&1 &
pids+=("$!")
for _ in $(seq 300); do grep -q '^listening on ' "$work/hub.out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/hub.out" | head -1)
[ -n "$url" ] || { echo "the hub did not start: $(cat "$work/hub.out")" >&2; exit 1; }
hub=$(pgrep -n -f "^$server --listen" || true)
taskset -c 1 "$fleet" --url "$url" --sample "$work/poll.json" --agents "$agents" --watchers 20 --sources 4 \
  --warmup "$warmup" --duration 10 --hub-pid "$hub" --label heap
kill -9 "$hub"
for _ in $(seq 100); do [ -n "$(ls "$work"/hub*.zst 2>/dev/null)" ] && ! kill -0 "$hub" 2>/dev/null && break; sleep 0.2; done
sleep 2
out=/tmp/pulse-heap-$agents-$window.txt
cp "$work"/hub*.zst "${out%.txt}.zst"
heaptrack_print --peak-limit 40 --print-leaks 1 --print-peaks 0 --print-allocators 0 --print-temporary 0 \
  --merge-backtraces 0 "$work"/hub*.zst >"$out" 2>&1 || true
echo "written: $out"
grep -n "leaked" "$out" | head -5
