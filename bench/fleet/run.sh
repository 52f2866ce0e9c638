#!/usr/bin/env bash
# Fleet figures: one hub (`--no-local`, one worker, pinned to core 0) and
# `pulse-fleet` (core 1) playing 10,000 agents at 1 Hz over real WebSocket links
# from 127.0.1.1-4, with 200 browser-like clients on /api/v1/ws?host=ID.
# The frames are a real server's: a short-lived `pulse-server` samples this machine
# first and its /api/v1/poll answer (catalogue and frames) is what every agent sends.
# Two cases side by side: the default compact window (`--agent-window 3m`, measured
# once it is full) and every frame whole (`--agent-window 16s`: too short to be
# compacted, so each frame costs what the old hour-long layout paid per frame).
# Writes bench/results/fleet.md and appends to bench/results/fleet.runs.jsonl.
# Usage: bench/fleet/run.sh [--quick]   (1,000 agents, 1-minute window)
set -euo pipefail
cd "$(dirname "$0")/../.."
agents=10000; window=3m; window_s=180; measure=60; old_warmup=30
if [ "${1:-}" = --quick ]; then agents=1000; window=1m; window_s=60; measure=20; old_warmup=20; fi
source bench/fleet/common.sh

# A real host's stream: 15 s of this machine's own samples.
record_sample 15

fleet_case "compact $window" "$server" "$window" $((window_s + 20))
fleet_case "whole, 16 s" "$server" 16s "$old_warmup"
cat "$work/runs.jsonl" >>bench/results/fleet.runs.jsonl

python3 bench/fleet/report.py "$work/runs.jsonl" "$window" "$measure" "$agents" >bench/results/fleet.md
cat bench/results/fleet.md
