#!/usr/bin/env bash
# What `--redis` adds per ingested sample: the same fleet played (`pulse-fleet`,
# real WebSocket agents at 1 Hz and 200 watchers) against one embedded hub, then
# against hub A of two hubs sharing a local redis-server, with hub B following
# every host and serving none of the agents. Reports each process's CPU per frame:
# hub A and the embedded hub from pulse-fleet's own window; hub B and Redis from
# /proc over a window of the same length, taken while pulse-fleet measures.
# Writes bench/results/fleet-redis.md. Usage: bench/fleet/redis.sh [AGENTS] (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
agents=${1:-1000}; warmup=20; measure=30
source bench/fleet/common.sh

record_sample 10

hub_flags=(--listen 127.0.0.1:0 --no-local --workers 1 --agent-token bench-token --max-per-address 0 --dist /nonexistent)
play() { # label, then the hub's pid
  taskset -c 1 "$fleet" --url "$url" --sample "$work/poll.json" --agents "$agents" --watchers 200 --sources 4 \
    --warmup "$warmup" --duration "$measure" --hub-pid "$2" --label "$1"
}

start taskset -c 0 "$server" "${hub_flags[@]}"
play embedded "$pid" >"$work/embedded.json"
kill "$pid"

start_redis
start taskset -c 0 "$server" "${hub_flags[@]}" --redis "$redis_url"
b=$pid
start taskset -c 0 "$server" "${hub_flags[@]}" --redis "$redis_url"
a=$pid
play "redis, hub A" "$a" >"$work/redis.json" &
cpu_beside $! "$agents" "$b" "$redis"
redis-cli -u "$redis_url" info commandstats >"$work/commandstats"

python3 - "$work/embedded.json" "$work/redis.json" "${cpu_used[0]}" "${cpu_used[1]}" "$agents" "$work/commandstats" >bench/results/fleet-redis.md <<'PY'
import json, sys, time, platform, re
embedded, redis = (json.loads(open(p).read().strip().splitlines()[-1]) for p in sys.argv[1:3])
b_us, r_us, agents = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
frames = redis["frames_per_s"] * redis["window_s"]
e, a = embedded["hub_cpu_us_per_frame"], redis["hub_cpu_us_per_frame"]
print(f"Machine: {platform.node()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {agents} agents at 1 Hz, 200 watchers, {redis['window_s']:.0f} s measured; hubs `--workers 1` on core 0, pulse-fleet and redis-server on core 1.\n")
print("| CPU per ingested frame | µs |\n|---|---|")
print(f"| embedded hub (no Redis) | {e:.1f} |")
print(f"| hub A with `--redis` (its agents' frames: ingest, append to Redis, read back) | {a:.1f} |")
print(f"| added on the agents' hub | {a - e:+.1f} |")
print(f"| hub B (follows every host, no agents) | {b_us / max(frames, 1):.1f} |")
print(f"| redis-server (append script, trimming, two readers) | {r_us / max(frames, 1):.1f} |")
stats = {m[1]: (int(m[2]), float(m[3])) for m in re.finditer(r"cmdstat_(\w+):calls=(\d+),usec=\d+,usec_per_call=([\d.]+)", open(sys.argv[6]).read())}
top = sorted(stats.items(), key=lambda kv: -kv[1][0] * kv[1][1])[:6]
print("\nWhere Redis spent it over the whole run (`INFO commandstats`; a script's inner commands counted apart):\n")
print("| command | calls | µs a call |\n|---|---|---|")
for name, (calls, per) in top:
    print(f"| {name} | {calls} | {per:.1f} |")
print(f"\nLatency sample → watcher on hub A: p99 {embedded['latency_p99_ms']:.0f} ms embedded, {redis['latency_p99_ms']:.0f} ms with Redis; lost {redis['lost']}, duplicated {redis['duplicated']}.")
PY
cat bench/results/fleet-redis.md
