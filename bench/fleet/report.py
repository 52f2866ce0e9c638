#!/usr/bin/env python3
"""Writes bench/results/fleet.md from pulse-fleet's JSON lines (compact case first,
then the whole-frame case). Usage: report.py RUNS.jsonl WINDOW MEASURE_S AGENTS"""
import json
import os
import platform
import sys
import time

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip().startswith("{")]
window, measure, agents = sys.argv[2], sys.argv[3], int(sys.argv[4])
compact, whole = runs[0], runs[1]
WHOLE_FRAMES = 16  # --agent-window 16s at 1 Hz


def seconds(text):
    return int(text[:-1]) * {"s": 1, "m": 60, "h": 3600}[text[-1]]


def link_kib(run):
    return run["hub_kib_per_host_connected"]


def window_kib(run):
    return run["hub_kib_per_host"] - run["hub_kib_per_host_connected"]


# A compact history holds its window and up to one block (16 frames) more.
held = seconds(window) + 8
per_frame_compact = window_kib(compact) * 1024 / held
per_frame_whole = window_kib(whole) * 1024 / WHOLE_FRAMES
hour_old = link_kib(whole) + 3600 * per_frame_whole / 1024


def row(name, key, fmt, aim=""):
    print(f"| {name} | {fmt.format(compact[key])} | {fmt.format(whole[key])} | {aim} |")


print("Command: `./pulse bench fleet` (`bench/fleet/run.sh`)")
print()
print(f"Machine: {os.cpu_count()} cores, {platform.release()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
      f"1-minute load {os.getloadavg()[0]:.2f} at the end. The hub (`pulse-server --no-local --workers 1 "
      f"--max-per-address 0`) on core 0, `pulse-fleet` (agents and watchers, one thread) on core 1. "
      f"{agents:,} agents at 1 Hz from 127.0.1.1-4, each sending a real {compact['frame_bytes']}-byte frame of this "
      f"machine (25 series, 10 processes); 200 browser-like WebSocket clients on `/api/v1/ws?host=ID`. "
      f"Figures over {measure} s, once the window was full.")
print()
print(f"| | compact window (`--agent-window {window}`, the default) | every frame whole (`--agent-window 16s`, the old layout's cost per frame) | aim |")
print("|---|---:|---:|---|")
print(f"| agents live (links failed, of which watchers) | {compact['live']:,} ({compact['failed']}, {compact['watchers_failed']}) "
      f"| {whole['live']:,} ({whole['failed']}, {whole['watchers_failed']}) | ≥ 10,000 |")
row("frames ingested / s", "frames_per_s", "{:,.0f}")
row("sample → watcher p50 (ms)", "latency_p50_ms", "{:.1f}")
row("sample → watcher p99 (ms)", "latency_p99_ms", "{:.1f}", "≤ 250")
row("sample → watcher max (ms)", "latency_max_ms", "{:.1f}")
print(f"| frames watched: lost / duplicated / gaps | {compact['frames_watched']:,}: {compact['lost']} / {compact['duplicated']} / {compact['gaps']} "
      f"| {whole['frames_watched']:,}: {whole['lost']} / {whole['duplicated']} / {whole['gaps']} | 0 lost |")
row("hub CPU per frame (µs, utime + stime ÷ frames)", "hub_cpu_us_per_frame", "{:.1f}", "≤ 20")
row("hub CPU (share of its core)", "hub_cpu_share", "{:.0%}")
row("hub ready but waiting for its core (share of the window: other work on core 0)", "hub_waited_share", "{:.1%}")
print(f"| hub RSS: idle → links up → end (MiB) | {compact['hub_rss_idle_mib']:.0f} → {compact['hub_rss_connected_mib']:.0f} → {compact['hub_rss_end_mib']:.0f} "
      f"| {whole['hub_rss_idle_mib']:.0f} → {whole['hub_rss_connected_mib']:.0f} → {whole['hub_rss_end_mib']:.0f} | |")
print(f"| hub memory per host (KiB, RSS growth ÷ hosts) | **{compact['hub_kib_per_host']:.1f}** | {whole['hub_kib_per_host']:.1f} | ≤ 100 |")
print(f"| … of which the link and the host's hub, before any frame | {link_kib(compact):.1f} | {link_kib(whole):.1f} | |")
print(f"| … of which the window's frames | {window_kib(compact):.1f} (about {held} frames) | {window_kib(whole):.1f} ({WHOLE_FRAMES} frames) | |")
print(f"| memory per frame held (bytes) | {per_frame_compact:,.0f} | {per_frame_whole:,.0f} | |")
print(f"| pulse-fleet's own CPU (share of core 1) | {compact['loadgen_cpu_share']:.0%} | {whole['loadgen_cpu_share']:.0%} | |")
print()
print(f"The old layout (an hour of whole frames per host) would take about {hour_old / 1024:,.1f} MiB a host at "
      f"{per_frame_whole:,.0f} bytes a frame, {hour_old * agents / 1024 / 1024:,.0f} GiB for {agents:,} hosts: it is not run, "
      f"it would not fit. An hour kept compact would take about "
      f"{(link_kib(compact) * 1024 + 3600 * per_frame_compact) / 1024 / 1024:,.1f} MiB a host.")
