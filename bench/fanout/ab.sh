#!/usr/bin/env bash
# Two pulse-server builds side by side: the same WebSocket fan-out point, A then B,
# for several rounds, so a change's effect shows apart from this machine's drift.
#
#   bench/fanout/ab.sh [--rps] [--clients N] [--rounds R] [--seconds S] A_BIN B_BIN
#
# Server on core 0 (`--workers 1`), load generator on core 1, one frame a second, as
# in run.sh. Prints every run and, per build, the median server CPU per delivered
# message and p99; writes nothing to bench/results.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/fanout/lib.sh
self="$(pwd)/bench/fanout/ab.sh"
args=("$@")
rps="" clients=5000 rounds=3 seconds=20
while [ $# -gt 2 ]; do
  case "$1" in
    --rps) rps=1 ;;
    --clients) clients="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    *) break ;;
  esac
  shift
done
[ $# -eq 2 ] || { echo "usage: bench/fanout/ab.sh [--rps] [--clients N] [--rounds R] [--seconds S] A_BIN B_BIN" >&2; exit 2; }
builds=("$1" "$2")
# Built before entering the private network namespace, which has no network.
[ -n "${PULSE_FANOUT_NETNS:-}" ] || cargo build --release -q -p pulse-loadgen
[ -z "$rps" ] || rps_reexec "$self" "${args[@]}"

work=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
  for i in 0 1; do
    wait_quiet
    taskset -c 0 "${builds[$i]}" --listen 127.0.0.1:0 --interval 1s --workers 1 --dist /nonexistent \
      > "$work/server.log" 2>&1 &
    server=$!
    url=$(wait_for_url "$work/server.log" "$server")
    sleep 2
    label=$([ "$i" = 0 ] && echo A || echo B)
    taskset -c 1 target/release/pulse-loadgen --url "$url" --transport ws --clients "$clients" \
      --duration "$seconds" --server-pid "$server" --label "$label" --rate 1000 --concurrency 256 \
      | tee -a "$work/runs.jsonl" \
      | python3 -c 'import json,sys; r=json.load(sys.stdin); print("round %s %s: p99 %s ms, server %s µs/msg (net %s), load generator %s µs/msg, other CPU %s %%" % (sys.argv[1], r["label"], r["p99_ms"], r["server_cpu_us_per_msg"], r["server_cpu_us_per_msg_net"], r["loadgen_cpu_us_per_msg"], r["other_cpu_pct"]))' "$round"
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
    sleep 1
  done
done
python3 - "$work/runs.jsonl" "${builds[@]}" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
for label, build in zip("AB", sys.argv[2:]):
    mine = [r for r in runs if r["label"] == label]
    cpu = statistics.median(r["server_cpu_us_per_msg"] for r in mine)
    p99 = statistics.median(r["p99_ms"] for r in mine)
    print(f"{label} ({build}): median server CPU {cpu:.1f} µs/msg, median p99 {p99:.1f} ms over {len(mine)} runs")
PY
