#!/usr/bin/env python3
"""Writes bench/results/fleet-versus.md from versus.sh's JSON lines: each run of
the base hub and of this tree's, in the order they ran.
Usage: versus.py RUNS.jsonl WINDOW MEASURE_S AGENTS COMMIT"""
import json
import os
import platform
import sys
import time

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip().startswith("{")]
window, measure, agents, commit = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

print("Command: `bench/fleet/versus.sh BASE_PULSE_SERVER [ROUNDS]` (the compact case of `./pulse bench fleet`, "
      "the base hub and this tree's in turn)")
print()
print(f"Machine: {os.cpu_count()} cores, {platform.release()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
      f"1-minute load {os.getloadavg()[0]:.2f} at the end (other work shares both cores). This tree: {commit}. "
      f"{agents:,} agents at 1 Hz, `--agent-window {window}`, 200 watchers, figures over {measure} s once the "
      f"window was full.")
print()
print("| run | hub CPU per frame (µs) | waiting for its core | memory per host (KiB) | … before any frame | p99 (ms) | lost / dup / gaps |")
print("|---|---:|---:|---:|---:|---:|---|")
for r in runs:
    print(f"| {r['label']} | {r['hub_cpu_us_per_frame']:.1f} | {r['hub_waited_share']:.1%} | {r['hub_kib_per_host']:.1f} "
          f"| {r['hub_kib_per_host_connected']:.1f} | {r['latency_p99_ms']:.1f} | {r['lost']} / {r['duplicated']} / {r['gaps']} |")
print("| aim | ≤ 20 | | ≤ 100 | | ≤ 250 | 0 lost |")
