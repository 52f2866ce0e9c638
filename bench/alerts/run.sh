#!/usr/bin/env bash
# Alert figures (issue 17), against real release `pulse-server` hubs that
# `pulse-alerts-bench` starts itself on 127.0.0.1 (agents only, each with a data
# directory of its own), agents played over real /api/v1/agent links and a real
# webhook receiver in the bench:
#
#   step     `state::step` alone and the engine's per-sample loop, in-process,
#            100 rules over 1,000 hosts (pinned to core 1)
#   cost     the hub's CPU per ingested sample under 1,000 agents at 1 Hz: alerts
#            off, a rules file of no rules, 100 rules (hub pinned to core 0 with one
#            worker, the agents on core 1), cases alternated round by round
#   latency  threshold crossed → webhook received, beyond the rule's `for`, over
#            ≥ 50 crossings; anchor: the same samples at a /api/v1/ws client
#   storm    20 SIGKILLs of the hub and receiver outages during a storm of alerts:
#            lost, duplicated, out of order
#
#   bench/alerts/run.sh            full: about 15 minutes
#   bench/alerts/run.sh --quick    smoke: about 4 minutes (fewer crossings, kills, rounds)
#   bench/alerts/run.sh --before PATH   also measures the cost with another hub build
#                                  (e.g. main's, before an engine change), side by side
#
# Writes bench/results/alerts.runs.jsonl and alerts.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

quick=""
before=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --before) before=(--before-server "$2"); shift ;;
    *) echo "usage: bench/alerts/run.sh [--quick] [--before PATH]" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$quick" ]; then
  crossings=20; cost_rounds=1; cost_seconds=20; cost_warmup=10; kills=5; step_rounds=3
else
  crossings=60; cost_rounds=2; cost_seconds=40; cost_warmup=15; kills=20; step_rounds=5
fi

cargo build --release -q -p pulse-server -p pulse-alerts-bench
bin=${CARGO_TARGET_DIR:-target}/release
bench=$bin/pulse-alerts-bench
server=$bin/pulse-server
results=bench/results/alerts.runs.jsonl
mkdir -p bench/results
: > "$results"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "alerts: step and the engine's loop, in-process" >&2
taskset -c 1 "$bench" step --rounds "$step_rounds" | tee -a "$results" >&2
echo "alerts: hub CPU per sample, 1,000 agents, off / no rules / 100 rules, $cost_rounds round(s)" >&2
taskset -c 1 "$bench" cost --server "$server" --hub-cpu 0 --rounds "$cost_rounds" --seconds "$cost_seconds" \
  --warmup "$cost_warmup" "${before[@]+"${before[@]}"}" | tee -a "$results" >&2
echo "alerts: threshold crossed → webhook received, $crossings crossings" >&2
"$bench" latency --server "$server" --crossings "$crossings" | tee -a "$results" >&2
echo "alerts: a storm through $kills hub kills and receiver outages" >&2
"$bench" storm --server "$server" --kills "$kills" | tee -a "$results" >&2

python3 bench/alerts/report.py "$results" "bench/alerts/run.sh${quick:+ --quick}${before[1]:+ --before ${before[1]}}" "$started" > bench/results/alerts.md
cat bench/results/alerts.md
