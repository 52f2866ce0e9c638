#!/usr/bin/env bash
# The store thread's CPU a frame beside the whole hub's: a base hub and this tree's
# in turn, ROUNDS times, each under pulse-fleet's agents ($PULSE_AGENTS, default
# 2,500) with 200 watchers and `--agent-window 1m`; over the fleet's 20 s window,
# CPU µs per frame of the hub (utime + stime of /proc/PID/stat) and of its
# `pulse-store` thread alone (/proc/PID/task/TID/stat). The whole hub's figure moves
# more with the machine's load than the store's share does; the thread's does not.
# Prints one line a hub; writes nothing under bench/results (copy the lines into
# the notes you write).
# Usage: bench/fleet/store-thread.sh BASE_PULSE_SERVER [ROUNDS]   (env PULSE_SERVER: this tree's copy)
set -euo pipefail
cd "$(dirname "$0")/../.."
base=$(realpath "$1"); rounds=${2:-2}
agents=${PULSE_AGENTS:-2500}
source bench/fleet/common.sh
this=$(realpath "${PULSE_SERVER:-$server}")
record_sample 10
# CPU time of one thread's stat file in microseconds.
thread_us() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000000 / hz) }' "$1"; }
for round in $(seq "$rounds"); do
  for bin in "$base" "$this"; do
    start taskset -c 0 "$bin" --listen 127.0.0.1:0 --no-local --workers 1 --agent-token bench-token \
      --max-per-address 0 --agent-window 1m --dist /nonexistent
    hub=$pid
    taskset -c 1 "$fleet" --url "$url" --sample "$work/poll.json" --agents "$agents" --watchers 200 \
      --sources 4 --warmup 40 --duration 20 --hub-pid "$hub" --label "round $round" >"$work/fleet.json" &
    player=$!
    sleep $((agents / 500 + 3 + 40))
    thread=$(grep -l '^pulse-store$' /proc/"$hub"/task/*/comm | sed 's/comm$/stat/')
    hub0=$(cpu_us "$hub"); store0=$(thread_us "$thread"); t0=$(date +%s.%N)
    sleep 20
    hub1=$(cpu_us "$hub"); store1=$(thread_us "$thread"); t1=$(date +%s.%N)
    wait "$player"
    kill "$hub"; wait "$hub" 2>/dev/null || true
    python3 - "$bin" "$((hub1 - hub0))" "$((store1 - store0))" "$t0" "$t1" "$agents" "$work/fleet.json" \
      "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
name, hub, store, t0, t1, agents, path, load = sys.argv[1:]
frames = int(agents) * (float(t1) - float(t0))
run = json.load(open(path))
print(f"{name}: hub {int(hub) / frames:.1f} µs a frame, store thread {int(store) / frames:.2f}; "
      f"waited {100 * run['hub_waited_share']:.0f} %, lost {run['lost']}, load {load}")
PY
  done
done
