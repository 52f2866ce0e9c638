#!/usr/bin/env bash
# Server fan-out: Pulse (WebSocket, SSE, long-poll) against Socket.IO 4.8.4 on Node,
# and against the floor: the smallest axum server built the way the anchors
# recommend (bench/fanout/floor), which shows what this machine allows.
#
#   bench/fanout/run.sh            full: N = 1000 2500 5000 10000 15000 19000, 30 s windows
#   bench/fanout/run.sh --quick    smoke: N = 1000 5000, 10 s windows
#   bench/fanout/run.sh --repeat 2 every point twice (the table shows each run)
#   bench/fanout/run.sh --rps      inside a private network namespace whose loopback
#                                  hands receive processing to the load generator's
#                                  core (RPS), as a real network would; needs root;
#                                  writes fanout-rps.* instead of fanout.*
#   bench/fanout/run.sh --only ws,socketio,floor
#                                  only these series (ws, sse, longpoll, socketio,
#                                  floor); the idle points run with ws and socketio
#
# The server under test is pinned to core 0, the load generator to core 1; one
# ~1 KB frame a second goes to every client over loopback. A fresh server is
# started for every point. A series stops at the first N whose p99 passes 100 ms
# on an undisturbed machine, or whose clients do not all connect. Writes bench/results/fanout.json and .md.
# A process here may hold at most 20,000 open files (hard limit), so N stops at 19,000.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../.."
source bench/fanout/lib.sh

quick=""
repeat=1
rps=""
only="ws,sse,longpoll,socketio,floor"
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --repeat) repeat="$2"; shift ;;
    --rps) rps=1 ;;
    --only) only="$2"; shift ;;
    *) echo "usage: bench/fanout/run.sh [--quick] [--repeat N] [--rps] [--only SERIES,...]" >&2; exit 2 ;;
  esac
  shift
done
# Built and installed before entering the private network namespace, which has no
# network to fetch from.
if [ -z "${PULSE_FANOUT_NETNS:-}" ]; then
  cargo build --release -p pulse-server -p pulse-loadgen -p pulse-fanout-floor
  if [ ! -d bench/fanout/socketio/node_modules ]; then
    (cd bench/fanout/socketio && npm ci --no-audit --no-fund)
  fi
fi
name=fanout
if [ -n "$rps" ]; then
  name=fanout-rps
  # In a private namespace whose loopback steers receive processing to core 1.
  rps_reexec "$self" "${args[@]}"
fi
if [ -n "$quick" ]; then
  ns=(1000 5000); longpoll_ns=(1000 5000); socketio_ns=(1000 5000); floor_ns=(1000 5000); duration=10; idle_n=1000
else
  ns=(1000 2500 5000 10000 15000 19000); longpoll_ns=(1000 5000); socketio_ns=(1000 2500 5000 10000); floor_ns=(1000 2500 5000 10000); duration=30; idle_n=10000
fi
p99_limit=100
# A point during which other processes used more than this much CPU (% of one core)
# ran on a disturbed machine (other developers' builds share the two cores): it is
# kept, marked, and measured again after waiting for a quiet machine.
disturbed_pct=25
retries=2


work=$(mktemp -d)
mkdir -p bench/results
# Every run's raw JSON line, kept even if the script is interrupted.
results="bench/results/$name.runs.jsonl"
: > "$results"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'cleanup; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# start_pulse CORE INTERVAL: sets pulse_pid and pulse_url.
start_pulse() {
  local log="$work/pulse.$RANDOM.log"
  taskset -c "$1" target/release/pulse-server --listen 127.0.0.1:0 --interval "$2" \
    --workers 1 --dist /nonexistent --max-per-address 0 > "$log" 2>&1 &
  pulse_pid=$!
  pids+=("$pulse_pid")
  pulse_url=$(wait_for_url "$log" "$pulse_pid")
}

# start_socketio SOURCE_URL: sets sio_pid and sio_url.
start_socketio() {
  local log="$work/sio.$RANDOM.log"
  taskset -c 0 node bench/fanout/socketio/server.js --listen 127.0.0.1:0 --source "$1" \
    --max-seconds 600 > "$log" 2>&1 &
  sio_pid=$!
  pids+=("$sio_pid")
  sio_url=$(wait_for_url "$log" "$sio_pid")
}

# start_floor SOURCE_URL: sets floor_pid and floor_url.
start_floor() {
  local log="$work/floor.$RANDOM.log"
  taskset -c 0 target/release/pulse-fanout-floor --listen 127.0.0.1:0 --source "$1" > "$log" 2>&1 &
  floor_pid=$!
  pids+=("$floor_pid")
  floor_url=$(wait_for_url "$log" "$floor_pid")
}

# point SERVER TRANSPORT N MODE RUN [INTERVAL]: one measurement, appended to results.
# Sets last_p99 (999999 when clients failed) for the stop rule; no subshell, so
# the exit trap always knows every process it started.
point() {
  local server=$1 transport=$2 n=$3 mode=$4 run=$5 interval=${6:-1s} url pid window=$duration
  [ "$mode" = idle ] && window=5
  if [ "$server" = pulse ]; then
    start_pulse 0 "$interval"; url=$pulse_url; pid=$pulse_pid
  elif [ "$server" = floor ]; then
    start_pulse 1 "$interval"; start_floor "$pulse_url"; url=$floor_url; pid=$floor_pid
  else
    start_pulse 1 "$interval"; start_socketio "$pulse_url"; url=$sio_url; pid=$sio_pid
  fi
  sleep 2
  local line
  line=$(taskset -c 1 target/release/pulse-loadgen --url "$url" --transport "$transport" \
    --clients "$n" --duration "$window" --server-pid "$pid" --label "$server" \
    --rate 1000 --concurrency 256) || true
  cleanup
  sleep 1
  [ -n "$line" ] || line="{\"label\":\"$server\",\"transport\":\"$transport\",\"clients\":$n,\"error\":\"no output\"}"
  # The load average shows whether other work shared the two cores during the point.
  python3 - "$line" "$mode" "$run" "$interval" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$results" <<'PY'
import json, sys
row = json.loads(sys.argv[1])
row.update(mode=sys.argv[2], run=int(sys.argv[3]), interval=sys.argv[4], loadavg=sys.argv[5])
print(json.dumps(row))
PY
  last_p99=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); ok=r.get("connected",0)>=r["clients"] and r.get("connect_failures",1)==0; print(r.get("p99_ms",999999) if ok else 999999)' "$line")
  last_disturbed=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(1 if (r.get("other_cpu_pct") or 0) > float(sys.argv[2]) else 0)' "$line" "$disturbed_pct")
  echo "  $server $transport N=$n ($mode, run $run): $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print({k: r.get(k) for k in ("connected","p50_ms","p99_ms","max_ms","msgs_per_s","server_cpu_us_per_msg","server_cpu_us_per_msg_net","loadgen_cpu_us_per_msg","rss_per_conn_flowing_kib","errors")})' "$line")" >&2
}

# series SERVER TRANSPORT N...: points in order until p99 passes the limit.
series() {
  local server=$1 transport=$2; shift 2
  for n in "$@"; do
    local worst=0
    for run in $(seq 1 "$repeat"); do
      for attempt in $(seq 0 "$retries"); do
        wait_quiet
        point "$server" "$transport" "$n" flowing "$run"
        [ "$last_disturbed" = 1 ] || break
        echo "  (disturbed by other work on the machine; measuring again)" >&2
      done
      # A point that stayed disturbed after every retry does not end the series.
      [ "$last_disturbed" = 1 ] && [ "$last_p99" != 999999 ] && continue
      worst=$(python3 -c "print(max($worst, $last_p99))")
    done
    if python3 -c "import sys; sys.exit(0 if $worst > $p99_limit else 1)"; then
      echo "  $server $transport: p99 passed ${p99_limit} ms (or clients failed) at N=$n; stopping this series" >&2
      break
    fi
  done
}

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "fan-out benchmark ($([ -n "$quick" ] && echo quick || echo full), each point $repeat time(s))" >&2
wanted() { [[ ",$only," == *",$1,"* ]]; }
wanted ws && series pulse ws "${ns[@]}"
wanted sse && series pulse sse "${ns[@]}"
wanted longpoll && series pulse longpoll "${longpoll_ns[@]}"
wanted socketio && series socketio socketio "${socketio_ns[@]}"
wanted floor && series floor ws "${floor_ns[@]}"
# Idle connections: a 10-minute interval, so no frame flows while memory is read.
if wanted ws; then wait_quiet; point pulse ws "$idle_n" idle 1 600s; fi
if wanted socketio; then wait_quiet; point socketio socketio "$idle_n" idle 1 600s; fi

command="bench/fanout/run.sh${quick:+ --quick}${rps:+ --rps}"
if [ "$repeat" != 1 ]; then command="$command --repeat $repeat"; fi
if [ "$only" != "ws,sse,longpoll,socketio,floor" ]; then command="$command --only $only"; fi
python3 bench/fanout/report.py "$results" "$command" "$started" "$repeat" "$name"
