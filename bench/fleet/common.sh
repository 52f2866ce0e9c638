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
