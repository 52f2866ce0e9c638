#!/usr/bin/env bash
# Two hub builds side by side on `--redis`, alternated in one run: for each round
# and each build, a fresh redis-server and two hubs; pulse-fleet's agents (real
# WebSocket links at 1 Hz) on hub A, its 200 watchers on hub B. Reports each
# process's CPU per frame over the measured window (hub A from pulse-fleet, hub B
# and redis-server from /proc), Redis's calls a second by command over the same
# window (`INFO commandstats` before and after), and the watchers' latency, lost and
# duplicated frames. Writes bench/results/redis-versus.md (or BENCH_OUT).
# Builds alternate: base first in odd rounds, this tree's first in even ones.
# Usage: BENCH_BASE=PATH bench/fleet/redis-versus.sh [AGENTS] [ROUNDS] (2000, 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
agents=${1:-2000}; rounds=${2:-2}; warmup=20; measure=30
source bench/fleet/common.sh
base=${BENCH_BASE:?BENCH_BASE=PATH names the base build of pulse-server}
out=${BENCH_OUT:-bench/results/redis-versus.md}

record_sample 10
hub_flags=(--listen 127.0.0.1:0 --no-local --workers 1 --agent-token bench-token --max-per-address 0 --dist /nonexistent)
stats() { redis-cli -u "$redis_url" info commandstats | tr -d '\r' | grep '^cmdstat_'; }
for round in $(seq "$rounds"); do
  order=(base this); [ $((round % 2)) -eq 0 ] && order=(this base)
  for build in "${order[@]}"; do
    [ "$build" = base ] && bin=$base || bin=$server
    start_redis
    start taskset -c 0 "$bin" "${hub_flags[@]}" --redis "$redis_url"
    b=$pid; b_url=$url
    start taskset -c 0 "$bin" "${hub_flags[@]}" --redis "$redis_url"
    a=$pid; a_url=$url
    taskset -c 1 "$fleet" --url "$a_url" --watch-url "$b_url" --sample "$work/poll.json" --agents "$agents" \
      --watchers 200 --sources 4 --warmup "$warmup" --duration "$measure" --hub-pid "$a" --label "$build" >"$work/fleet.json" &
    player=$!
    sleep $(( agents / 500 + 3 + warmup ))
    stats >"$work/before"; b0=$(cpu_us "$b"); r0=$(cpu_us "$redis")
    sleep "$measure"
    stats >"$work/after"; b1=$(cpu_us "$b"); r1=$(cpu_us "$redis")
    wait "$player"
    load=$(uptime | sed 's/.*load average: \([0-9.]*\).*/\1/')
    python3 - "$work/before" "$work/after" "$build" "$round" $((b1 - b0)) $((r1 - r0)) "$load" "$work/fleet.json" >>"$work/rows" <<'PY'
import json, re, sys
def calls(path):
    return {m[1]: int(m[2]) for m in re.finditer(r"cmdstat_(\w+):calls=(\d+)", open(path).read())}
before, after = calls(sys.argv[1]), calls(sys.argv[2])
delta = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0) > 0}
fleet = json.loads(open(sys.argv[8]).read().strip().splitlines()[-1])
print(json.dumps({"build": sys.argv[3], "round": int(sys.argv[4]), "b_us": int(sys.argv[5]), "r_us": int(sys.argv[6]),
                  "load": sys.argv[7], "calls": delta, "fleet": fleet}))
PY
    kill "$a" "$b" "$redis"; wait "$a" "$b" "$redis" 2>/dev/null || true
  done
done

python3 - "$work/rows" "$measure" "$agents" "$base" >"$out" <<'PY'
import json, sys, time, platform
rows = [json.loads(l) for l in open(sys.argv[1])]
window, agents, base = float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print(f"Machine: {platform.node()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {agents} agents at 1 Hz on hub A, 200 watchers on hub B; "
      f"two hubs `--workers 1` on core 0, pulse-fleet and redis-server on core 1; {window:.0f} s measured; builds alternated (base: `{base}`). "
      "Command: `BENCH_BASE=PATH bench/fleet/redis-versus.sh AGENTS ROUNDS`.\n")
print("| round | build | hub A µs/frame | hub A CPU (waiting for its core) | hub B µs/frame | redis-server µs/frame | redis calls/s (all) | evalsha/s | p50 / p99 ms | lost | dup | load |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    f = r["fleet"]; frames = max(f["frames_per_s"] * window, 1)
    c = r["calls"]; total = sum(c.values()) / window
    print(f"| {r['round']} | {r['build']} | {f['hub_cpu_us_per_frame']:.1f} | {f['hub_cpu_share'] * 100:.0f} % ({f['hub_waited_share'] * 100:.0f} %) | {r['b_us'] / frames:.1f} | {r['r_us'] / frames:.1f} | {total:,.0f} | "
          f"{c.get('evalsha', 0) / window:,.0f} | {f['latency_p50_ms']:.0f} / {f['latency_p99_ms']:.0f} | {f['lost']} | {f['duplicated']} | {r['load']} |")
print("\nRedis calls a second by command (a script's inner commands counted apart), last round:\n")
last = {r["build"]: r["calls"] for r in rows if r["round"] == max(x["round"] for x in rows)}
names = sorted(set().union(*last.values()), key=lambda n: -max(last[b].get(n, 0) for b in last))
print("| command | " + " | ".join(last) + " |\n|---|" + "---|" * len(last))
for n in names:
    print(f"| {n} | " + " | ".join(f"{last[b].get(n, 0) / window:,.0f}" for b in last) + " |")
PY
cat "$out"
