#!/usr/bin/env bash
# The benchmark suite: runs each benchmark and rewrites BENCHMARKS.md from their
# results (bench/results/*.md), with the machine and the date.
#   ./pulse bench            everything (about 30 minutes)
#   ./pulse bench --quick    shorter runs of each (a smoke test of the suite)
#   ./pulse bench report     only rebuild BENCHMARKS.md from bench/results/
#   ./pulse bench NAME...    only these: size page-weight render latency live-cost connection stampede fanout
#                            fanout-rps soak fuzz attack agent-cost fleet fleet-summary fleet-page fleet-redis
#                            redis-cross redis-failover redis-alerts store store-engines access alerts (fanout-rps needs root: a private network namespace)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

quick=""
names=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) names+=("$arg") ;;
  esac
done
[ ${#names[@]} -gt 0 ] || names=(size page-weight render latency live-cost connection stampede fanout fanout-rps soak fuzz attack agent-cost fleet fleet-summary fleet-page fleet-redis redis-cross redis-failover redis-alerts store store-engines access alerts)
if [ -n "$quick" ]; then
  render_rounds=4; connection_rounds=1; latency_seconds=10; live_seconds=20; soak_minutes=2
else
  render_rounds=12; connection_rounds=3; latency_seconds=60; live_seconds=120; soak_minutes=60
fi

mkdir -p bench/results
if [ "${names[*]}" = report ]; then
  names=()  # only rebuild BENCHMARKS.md from the results already there
elif [ "${names[*]}" != fuzz ] && [ "${names[*]}" != store-engines ] && [ "${names[*]}" != access ] \
  && [ "${names[*]}" != alerts ]; then  # these need nothing but cargo
  setup_toolchain
  setup_test_tools
  build_all
fi

for name in "${names[@]+"${names[@]}"}"; do
  say "benchmark: $name"
  # Every server a benchmark starts keeps its history in a fresh directory, never
  # in the user's own store (~/.local/share/pulse).
  PULSE_DATA=$(mktemp -d -t pulse-bench-data.XXXXXX)
  export PULSE_DATA
  case "$name" in
    size) { echo 'Command: `./pulse bench size`'; echo; bench/size.sh; } > bench/results/size.md || true ;;
    page-weight) node bench/browser/page-weight.mjs ;;
    render) bench/render/build.sh && node bench/render/run.mjs --rounds "$render_rounds" ;;
    latency) node bench/browser/latency.mjs --seconds "$latency_seconds" ;;
    live-cost) node bench/browser/live-cost.mjs --seconds "$live_seconds" ;;
    connection) node bench/browser/connection.mjs --rounds "$connection_rounds" ;;
    stampede) cargo run --release -q -p pulse-stampede -- --clients 1000 ;;
    fanout) bench/fanout/run.sh ${quick:+--quick} ;;
    fanout-rps) bench/fanout/run.sh --rps ${quick:+--quick} ;;
    soak) node bench/browser/soak.mjs --minutes "$soak_minutes" ;;
    fuzz) bench/fuzz.sh ${quick:+--quick} ;;
    attack) bench/attack/run.sh ${quick:+--quick} ;;
    agent-cost) bench/agent/cost.sh ${quick:+--quick} ;;
    fleet) bench/fleet/run.sh ${quick:+--quick} ;;
    fleet-summary) cargo build --release -q -p pulse-fleet && node --experimental-websocket bench/fleet/summary-cost.mjs ;;
    fleet-redis) bench/fleet/redis.sh ${quick:+200} ;;
    redis-cross) bench/fleet/redis-cross.sh ${quick:+500} ;;
    redis-failover) node --experimental-websocket bench/redis/failover.mjs ${quick:+--kills 4 --moves 2} ;;
    redis-alerts) bench/redis/alerts.sh ${quick:+2} > bench/results/redis-alerts.md ;;
    fleet-page) cargo build --release -q -p pulse-fleet && node bench/browser/fleet-cost.mjs --seconds "$live_seconds" ;;
    store) bench/store/run.sh ${quick:+--quick} ;;
    store-engines) cargo run --release -q -p pulse-bench-store-engines -- ${quick:+--flushes 120} ;;
    access) bench/access/run.sh ${quick:+--quick} ;;
    alerts) bench/alerts/run.sh ${quick:+--quick} ;;
    *) echo "unknown benchmark $name" >&2; exit 2 ;;
  esac
  rm -rf "$PULSE_DATA"
done

section() {
  local file="bench/results/$1.md"
  echo "## $2"
  echo
  if [ -f "$file" ]; then cat "$file"; else echo "_Not run yet: \`./pulse bench $1\`._"; fi
  echo
  # Hand-written analysis of a result (what limits it, what would fix it) lives beside
  # it, so rerunning the benchmark does not erase it.
  if [ -f "bench/results/$1.notes.md" ]; then cat "bench/results/$1.notes.md"; echo; fi
}

{
  echo "# Benchmarks"
  echo
  echo "Every figure below comes from \`./pulse bench\` (or the command in its section) on a machine"
  echo "with $(nproc) cores and $(free -g | awk '/^Mem:/ {print $2}') GiB of memory, $(date -u +%Y-%m-%d)."
  echo "These machines are noisy: compare the ratios measured side by side, not absolute times."
  echo
  section summary "At a glance"
  section size "Download size (release build)"
  section page-weight "What each page downloads (the views load on demand)"
  section render "Chart rendering: Pulse vs uPlot"
  section latency "Sample to pixel latency in the browser"
  section live-cost "The live page's cost: CPU, long tasks, layouts, memory"
  section connection "Connection engine: fallback, restart, dead links, loss"
  section fanout "Server fan-out: Pulse vs Socket.IO"
  section fanout-rps "Server fan-out with the clients' receive work on their own core"
  section soak "Soak: memory over time"
  section stampede "Reconnect stampede after a restart"
  section fuzz "Fuzz pass: request parsing, WebSocket handshake, JSON reader"
  section attack "Under attack: idle connections, slowloris, streams that stop reading"
  section agent-cost "Fleet: the agent's own cost at 1 Hz"
  section fleet "Fleet: 10,000 agents on one hub"
  section fleet-versus "Fleet: a change's hub beside the base's, in one run"
  section fleet-summary "Fleet: the summary's cost to 100 watching browsers"
  section fleet-page "Fleet: the overview's cost in the browser with 1,000 hosts"
  section fleet-redis "Several hubs: the CPU Redis adds per ingested sample"
  section redis-cross "Several hubs: sample → browser when agent and browser are on different hubs"
  section redis-failover "Several hubs: samples lost across hub kills, a browser's move to another hub"
  section redis-alerts "Several hubs: alerts across a takeover (lease, backlog, shared rules)"
  section store "History store: bytes per sample, ingest, queries, restart"
  section store-engines "History store: the embedded engine (SQLite, fjall, redb)"
  section access "Access control: sign-in time and the check's cost per request, stream and message"
  section access-read "Several hubs: a shared sign-in round that reads 10,000 records"
  section access-backstop "Several hubs: shared sign-in's revision tag and 30 s full read"
  section alerts "Alerts: crossing to webhook, the engine's cost per sample, nothing lost through kills"
} > BENCHMARKS.md
say "wrote BENCHMARKS.md"
