# Shared by bench/fleet/run.sh and redis.sh: the binaries, a work directory and the
# processes to stop on exit, starting a server, and a real host's stream to play.
# Sourced, not run; from the repository's root.
cargo build --release -q -p pulse-server -p pulse-fleet
server=target/release/pulse-server
fleet=target/release/pulse-fleet
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
# Ten thousand links on each side, and the hub's own files (20,000 here: enough).
ulimit -n "$(ulimit -Hn)"

# Starts a server with "$@", waits (at most 10 s) for its address; sets $url and $pid.
start() {
  local out="$work/server.$#.$RANDOM"
  # Each hub keeps its history in a store of its own (a second case must not
  # inherit the first's hosts).
  PULSE_DATA="$out.data" "$@" >"$out" 2>"$out.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$out" | head -1)
  [ -n "$url" ] || { echo "the server did not start: $(cat "$out.err")" >&2; exit 1; }
}

# One fleet case (run.sh, versus.sh): label, the hub's binary, --agent-window,
# warm-up seconds after every link is up; $agents agents and 200 watchers, measured
# over $measure s. Its JSON line goes to $work/runs.jsonl.
fleet_case() {
  start taskset -c 0 "$2" --listen 127.0.0.1:0 --no-local --workers 1 --agent-token bench-token \
    --max-per-address 0 --agent-window "$3" --dist /nonexistent
  sleep 1  # the hub's idle RSS, before any agent
  taskset -c 1 "$fleet" --url "$url" --sample "$work/poll.json" --agents "$agents" --watchers 200 --sources 4 \
    --warmup "$4" --duration "$measure" --hub-pid "$pid" --label "$1" | tee -a "$work/runs.jsonl"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

# A real host's stream, $1 seconds of this machine's own samples, in $work/poll.json.
record_sample() {
  start "$server" --listen 127.0.0.1:0 --interval 1s --dist /nonexistent
  sleep "$1"
  curl -sf "${url}api/v1/poll" >"$work/poll.json"
  local epoch
  epoch=$(sed -n 's/^{"epoch":"\([0-9a-z]*\)".*/\1/p' "$work/poll.json")
  echo >>"$work/poll.json"
  curl -sf "${url}api/v1/poll?epoch=$epoch&since=0" >>"$work/poll.json"
  kill "$pid"
}

# CPU time of process $1 in microseconds (utime + stime).
cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000000 / hz) }' "/proc/$1/stat"; }

# A redis-server on 127.0.0.1 pinned to core 1, nothing saved, in a directory of
# its own under $work; waits (at most 10 s) until it accepts. Sets $redis (its pid)
# and $redis_url.
start_redis() {
  local port dir
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir=$(mktemp -d "$work/redis.XXXX")
  taskset -c 1 redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >"$dir.log" &
  redis=$!
  pids+=("$redis")
  for _ in $(seq 100); do grep -q 'Ready to accept' "$dir.log" 2>/dev/null && break; sleep 0.1; done
  # A fleet known to have no users: loopback hubs are open at once, not after the
  # 10 s an empty access refill must stand (ARCHITECTURE.md, access).
  redis-cli -p "$port" SET pulse:access:rev 1 >/dev/null
  redis_url="redis://127.0.0.1:$port"
}

# While pulse-fleet (pid $1, playing $2 agents) measures, the CPU microseconds the
# other processes ($3…) spend over a window of the same length ($measure s, after
# $warmup): pulse-fleet connects at 500 links a second, settles, warms up, then
# measures. Waits for pulse-fleet; sets $cpu_used (one figure per process).
cpu_beside() {
  local player=$1 agents=$2 before=() p i=0
  shift 2
  sleep $(( agents / 500 + 3 + warmup ))
  for p in "$@"; do before+=("$(cpu_us "$p")"); done
  sleep "$measure"
  cpu_used=()
  for p in "$@"; do cpu_used+=("$(( $(cpu_us "$p") - before[i] ))"); i=$((i + 1)); done
  wait "$player"
}
