#!/usr/bin/env bash
# Sample → browser when the agent and the browser are on different hubs: two hubs
# share a local redis-server; pulse-fleet's agents (real WebSocket links at 1 Hz)
# all connect to hub A, its 200 watchers all to hub B (`--watch-url`), so every
# watched frame goes agent → hub A → Redis → hub B's follower → watcher. Played at
# each agent count given, side by side with the same fleet watched on hub A (the
# agents' own hub; fresh Redis and hubs for each). Writes bench/results/redis-cross.md.
# Usage: bench/fleet/redis-cross.sh [AGENTS...] (default 1000 5000 10000)
# BENCH_SERVER=PATH plays that hub binary instead of this tree's (a base build, to
# compare like with like on a loaded machine) and BENCH_OUT=FILE writes the table
# there instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1000 5000 10000)
warmup=20; measure=30
source bench/fleet/common.sh
server=${BENCH_SERVER:-$server}
out=${BENCH_OUT:-bench/results/redis-cross.md}

record_sample 10
hub_flags=(--listen 127.0.0.1:0 --no-local --workers 1 --agent-token bench-token --max-per-address 0 --dist /nonexistent)
for agents in "${counts[@]}"; do
  for watched in B A; do
    start_redis
    start taskset -c 0 "$server" "${hub_flags[@]}" --redis "$redis_url"
    b=$pid; b_url=$url
    start taskset -c 0 "$server" "${hub_flags[@]}" --redis "$redis_url"
    a=$pid; a_url=$url
    [ "$watched" = B ] && watch_url=$b_url || watch_url=$a_url
    taskset -c 1 "$fleet" --url "$a_url" --watch-url "$watch_url" --sample "$work/poll.json" --agents "$agents" \
      --watchers 200 --sources 4 --warmup "$warmup" --duration "$measure" --hub-pid "$a" \
      --label "$agents agents on hub A, watchers on hub $watched" >"$work/cross.json" &
    cpu_beside $! "$agents" "$b" "$redis"
    echo "$agents $watched ${cpu_used[0]} ${cpu_used[1]} $(uptime | sed 's/.*load average: \([0-9.]*\).*/\1/') $(tail -1 "$work/cross.json")" >>"$work/rows"
    kill "$a" "$b" "$redis"; wait "$a" "$b" "$redis" 2>/dev/null || true
  done
done

python3 - "$work/rows" "$measure" >"$out" <<'PY'
import json, sys, time, platform
rows, window = sys.argv[1], float(sys.argv[2])
print(f"Machine: {platform.node()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} (load: the 1-minute load average as each row ended); "
      "two hubs `--workers 1` on core 0, pulse-fleet and redis-server on core 1; agents at 1 Hz on hub A, 200 watchers on hub B (the agents' own hub A side by side), "
      f"{window:.0f} s measured. Command: `./pulse bench redis-cross` (`bench/fleet/redis-cross.sh [AGENTS...]`).\n")
print("| agents (hub A) | watchers on | sample → watcher p50 / p99 / max ms | frames watched | lost | duplicated | gaps | hub A CPU (waiting for its core) | hub B CPU | redis-server CPU | load |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(rows):
    agents, watched, b_us, r_us, load, js = line.split(" ", 5)
    r = json.loads(js)
    pct = lambda us: f"{int(us) / (window * 1e6) * 100:.0f} %"
    print(f"| {int(agents):,} | hub {watched} | {r['latency_p50_ms']:.0f} / {r['latency_p99_ms']:.0f} / {r['latency_max_ms']:.0f} | "
          f"{r['frames_watched']:,} | {r['lost']} | {r['duplicated']} | {r['gaps']} | {r['hub_cpu_share'] * 100:.0f} % ({r['hub_waited_share'] * 100:.0f} %) | {pct(b_us)} | {pct(r_us)} | {load} |")
PY
cat "$out"
