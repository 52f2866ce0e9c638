#!/usr/bin/env bash
# A change's fleet figures side by side with a base build's, in the same run:
# the compact case of run.sh (10,000 agents, `--agent-window 3m`, 200 watchers),
# played against the base hub and this tree's hub in turn, ROUNDS times, so that
# whatever else the machine does falls on both alike.
# Writes bench/results/fleet-versus.md and appends to bench/results/fleet.runs.jsonl.
# Usage: bench/fleet/versus.sh BASE_PULSE_SERVER [ROUNDS] [--quick]   (env PULSE_AGENTS: how many)
#   BASE_PULSE_SERVER: a release pulse-server built from the base (e.g. main), kept
#   outside target/ (this script rebuilds target/release for this tree). With
#   PULSE_SERVER set, that binary plays this tree's hub instead (a copy made
#   before the sources moved on).
set -euo pipefail
cd "$(dirname "$0")/../.."
base=$(realpath "$1"); rounds=${2:-1}
agents=10000; window=3m; window_s=180; measure=60
if [ "${3:-}" = --quick ]; then agents=1000; window=1m; window_s=60; measure=20; fi
agents=${PULSE_AGENTS:-$agents}  # e.g. 3000 with --quick, when 10,000 cannot get the core
source bench/fleet/common.sh
this=$(realpath "${PULSE_SERVER:-$server}")
record_sample 15

for round in $(seq "$rounds"); do
  fleet_case "base, round $round" "$base" "$window" $((window_s + 20))
  fleet_case "this tree, round $round" "$this" "$window" $((window_s + 20))
done
cat "$work/runs.jsonl" >>bench/results/fleet.runs.jsonl
python3 bench/fleet/versus.py "$work/runs.jsonl" "$window" "$measure" "$agents" \
  "$(git rev-parse --short HEAD)" >bench/results/fleet-versus.md
cat bench/results/fleet-versus.md
