#!/usr/bin/env bash
# History store figures (writes bench/results/store.md):
#   1. bytes on disk per sample, on real data of this machine: a pulse-server samples
#      it for --minutes (default 30; or --frames FILE reuses a recording made with
#      `curl -sN http://HUB/api/v1/sse > FILE`), then the frames go through the store
#      as a hub writes them;
#   2. the store's CPU per sample at 10,000 hosts x 64 minutes of those frames (an hour
#      block sealed for every host; about an hour of wall time on 2 cores), on
#      one core, beside the same loop without the store;
#   3. `width=` latency (4 series, 1,000 px) over 5 m, 24 h and 30 d on a store
#      filled with 30 days of --hosts hosts (default 20);
#   4. time from starting a hub on that store to serving.
# Usage: bench/store/run.sh [--quick] [--frames FILE] [--minutes N] [--hosts N]
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=30; hosts=20; ingest_hosts=10000; ingest_seconds=3840; frames=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) minutes=3; hosts=3; ingest_hosts=1000; ingest_seconds=660 ;;
    --frames) frames=$2; shift ;;
    --minutes) minutes=$2; shift ;;
    --hosts) hosts=$2; shift ;;
  esac
  shift
done
cargo build --release -q -p pulse-server -p pulse-bench-store
bench=target/release/pulse-store-bench
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "$frames" ]; then
  frames=$work/frames.sse
  target/release/pulse-server --listen 127.0.0.1:39177 --no-store --dist /nonexistent >/dev/null 2>&1 &
  for _ in $(seq 100); do curl -sf http://127.0.0.1:39177/healthz >/dev/null && break; sleep 0.1; done
  timeout "$((minutes * 60))" curl -sN http://127.0.0.1:39177/api/v1/sse > "$frames" || true
fi
{
  echo 'Command: `./pulse bench store` (`bench/store/run.sh`), '"$(date -u +%Y-%m-%d)"'.'
  echo
  echo '### Bytes on disk per sample (real data of this machine)'
  echo
  "$bench" bytes --frames "$frames"
  echo
  echo '### Ingest: the store'"'"'s CPU per sample, on one core'
  echo
  taskset -c 1 "$bench" ingest --frames "$frames" --hosts "$ingest_hosts" --seconds "$ingest_seconds"
  echo
  echo '### `width=` latency'
  echo
  "$bench" fill --data "$work/filled" --hosts "$hosts" --days 30 | sed 's/^/Filled: /'
  echo
  taskset -c 1 "$bench" query --data "$work/filled" --rounds 100
  echo
  echo '### Restart to serving'
  echo
  "$bench" restart --data "$work/filled" --bin target/release/pulse-server --rounds 5
} > bench/results/store.md.new
mv bench/results/store.md.new bench/results/store.md
cat bench/results/store.md
