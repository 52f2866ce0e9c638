#!/usr/bin/env bash
# What the access check costs (issue 16): sign-in time with argon2id, and the
# check's cost per plain request, per WebSocket opening and per stream message,
# against real release `pulse-server` processes on 127.0.0.1.
#
#   bench/access/run.sh            full: about 8 minutes (longer on a busy machine)
#   bench/access/run.sh --quick    smoke: about 2 minutes
#
# 0. the check alone: `Access::recognise` and `allows` called in a loop in-process
#    (pulse-access-bench links pulse-server), no HTTP around it.
# 1. sign-in: a hub with one admin (`--trusted-proxy 127.0.0.1`, each attempt from
#    its own X-Forwarded-For address, so the rate limits never answer instead of
#    the password check), its default workers on both cores; right passwords, one
#    at a time, then 4 at once.
# 2. requests and opens: two hubs side by side on core 0 (`--workers 1`), the
#    client on core 1: hub A open (loopback, no users; it also holds a viewer
#    token), hub B with a user and a viewer token. Anonymous on A is the anchor;
#    the same token on A, a token and a session cookie (requests) or the session
#    as a bearer subprotocol (opens) on B; targets alternated round by round.
# 3. fan-out: `pulse-loadgen --transport ws` as in bench/fanout/run.sh, one fresh
#    hub per point on core 0, anonymous on an open hub against a token (the
#    `pulse.bearer.` subprotocol) on a hub with users, alternated.
# Writes bench/results/access.runs.jsonl and access.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/fanout/lib.sh

quick=""
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) echo "usage: bench/access/run.sh [--quick]" >&2; exit 2 ;;
  esac
done
if [ -n "$quick" ]; then
  checks=20000; sign_ins=40; requests=5000; request_rounds=2; opens=300; open_rounds=1; fan_n=1000; fan_s=10; fan_rounds=1
else
  checks=200000; sign_ins=200; requests=20000; request_rounds=5; opens=2000; open_rounds=3; fan_n=5000; fan_s=20; fan_rounds=3
fi

cargo build --release -q -p pulse-server -p pulse-loadgen -p pulse-access-bench
bin=${CARGO_TARGET_DIR:-target}/release
server=$bin/pulse-server
bench=$bin/pulse-access-bench

work=$(mktemp -d -t pulse-access.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]+"${pids[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'cleanup; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The access files: A has no user (an open loopback hub) but a viewer token; B has
# an admin and a viewer token.
mkdir -p "$work/open" "$work/users"
head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$work/password"
"$server" user add bench --role admin --data "$work/users" < "$work/password" > /dev/null
token_open=$("$server" token create --role viewer --data "$work/open" | tail -1)
token_users=$("$server" token create --role viewer --data "$work/users" | tail -1)
phc=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select phc from users").fetchone()[0].rsplit("$",2)[0])' "$work/users/access.db")

results=bench/results/access.runs.jsonl
mkdir -p bench/results
: > "$results"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# start HOW DIR FLAGS...: starts a hub (HOW: "pinned" on core 0 with one worker,
# or "free"); sets hub_pid and hub_addr.
start() {
  local how=$1 dir=$2; shift 2
  local log="$work/hub.$RANDOM.log" pin=()
  [ "$how" = pinned ] && pin=(taskset -c 0)
  [ "$how" = pinned ] && set -- --workers 1 "$@"
  "${pin[@]+"${pin[@]}"}" "$server" --listen 127.0.0.1:0 --interval 1s --dist /nonexistent --data "$dir" \
    --max-per-address 0 "$@" > "$log" 2>&1 &
  hub_pid=$!
  pids+=("$hub_pid")
  local url
  url=$(wait_for_url "$log" "$hub_pid")
  hub_addr=${url#http://}; hub_addr=${hub_addr%/}
}

echo "access: the check alone, in-process" >&2
wait_quiet
taskset -c 1 "$bench" check --checks "$checks" --rounds 5 | tee -a "$results" >&2

echo "access: sign-in ($sign_ins, 1 then 4 at once; $phc)" >&2
start free "$work/users" --trusted-proxy 127.0.0.1
sleep 1
wait_quiet
for c in 1 4; do
  "$bench" sign-in --addr "$hub_addr" --user bench --password-file "$work/password" --count "$sign_ins" \
    --concurrency "$c" --server-pid "$hub_pid" --label "sign-in" | tee -a "$results" >&2
done
cleanup

echo "access: plain requests and WebSocket opens, hubs A (open) and B (users) on core 0" >&2
start pinned "$work/open"; a_pid=$hub_pid; a=$hub_addr
start pinned "$work/users"; b_pid=$hub_pid; b=$hub_addr
session=$(curl -s --max-time 10 -H 'Content-Type: application/json' \
  --data "{\"user\":\"bench\",\"password\":\"$(cat "$work/password")\"}" "http://$b/api/v1/session" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
sleep 2
for path in /api/v1/series /api/v1/hosts; do
  wait_quiet
  taskset -c 1 "$bench" requests --path "$path" --requests "$requests" --connections 4 --rounds "$request_rounds" \
    --target "anonymous (open hub)|$a|$a_pid|" \
    --target "token (open hub)|$a|$a_pid|Authorization: Bearer $token_open" \
    --target "token (hub with users)|$b|$b_pid|Authorization: Bearer $token_users" \
    --target "session cookie (hub with users)|$b|$b_pid|Cookie: pulse_session=$session" \
    | tee -a "$results" >&2
done
wait_quiet
taskset -c 1 "$bench" opens --count "$opens" --concurrency 8 --rounds "$open_rounds" \
  --target "anonymous (open hub)|$a|$a_pid|" \
  --target "token (open hub)|$a|$a_pid|$token_open" \
  --target "token (hub with users)|$b|$b_pid|$token_users" \
  --target "session (hub with users)|$b|$b_pid|$session" \
  | tee -a "$results" >&2
cleanup

echo "access: fan-out, N=$fan_n for $fan_s s, anonymous vs token, $fan_rounds round(s)" >&2
for round in $(seq 1 "$fan_rounds"); do
  order=(anonymous token)
  [ $((round % 2)) = 0 ] && order=(token anonymous)
  for who in "${order[@]}"; do
    # A run during which other work used more than a quarter of a core (the load
    # generator measures it) is kept, marked, and measured once more.
    for attempt in 1 2; do
      wait_quiet
      if [ "$who" = anonymous ]; then
        start pinned "$work/open"; credential=()
      else
        start pinned "$work/users"; credential=(--bearer "$token_users")
      fi
      sleep 2
      line=$(taskset -c 1 "$bin/pulse-loadgen" --url "http://$hub_addr/" --transport ws --clients "$fan_n" \
        --duration "$fan_s" --server-pid "$hub_pid" --label "$who" --rate 1000 --concurrency 256 \
        "${credential[@]+"${credential[@]}"}") || true
      cleanup
      [ -n "$line" ] || line="{\"label\":\"$who\",\"error\":\"no output\"}"
      python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(kind="fanout", round=int(sys.argv[2]), attempt=int(sys.argv[3])); print(json.dumps(r))' \
        "$line" "$round" "$attempt" | tee -a "$results" >&2
      sleep 1
      python3 -c 'import json,sys; sys.exit(0 if (json.loads(sys.argv[1]).get("other_cpu_pct") or 0) > 25 else 1)' "$line" || break
      echo "  (disturbed by other work on the machine; measuring again)" >&2
    done
  done
done

python3 bench/access/report.py "$results" "bench/access/run.sh${quick:+ --quick}" "$started" "$phc"
