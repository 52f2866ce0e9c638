#!/usr/bin/env bash
# Several hubs: what alerts cost across a takeover. Runs the real-process tests of
# alerts once per fleet (server/tests/redis_alerts.rs, redis_alert_rules.rs: a real
# redis-server, hub processes, agents and a webhook receiver on 127.0.0.1) ROUNDS
# times, one test at a time, and tabulates the times they print: lease takeover
# after kill -9 and after a graceful shutdown, the dead owner's retry backlog
# delivered by the new owner, and a rule made on one hub listed by another.
# Usage: bench/redis/alerts.sh [ROUNDS] > bench/results/redis-alerts.md
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
log=$(mktemp -t pulse-redis-alerts.XXXXXX)
trap 'rm -f "$log"' EXIT
cargo test -q -p pulse-server --test redis_alerts --test redis_alert_rules --no-run 2>/dev/null
for _ in $(seq "$rounds"); do
  cargo test -q -p pulse-server --test redis_alerts --test redis_alert_rules -- --test-threads=1 --nocapture \
    2>&1 | grep -oE "(takeover after|backlog of|a rule made on).*" >> "$log"
done

# The seconds in each line (ms for "…ms"), per kind, as "min / median / max | runs".
stats() {
  grep -E "$1" "$log" | grep -oE "[0-9.]+(ms|s)\b" \
    | awk '/ms$/ { sub(/ms$/, ""); print $0 / 1000; next } { sub(/s$/, ""); print $0 }' \
    | sort -g | awk '
      { v[++n] = $0 }
      END {
        if (n == 0) { print "— | 0"; exit }
        m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        printf "%.2f / %.2f / %.2f | %d\n", v[1], m, v[n], n
      }'
}

echo "Machine: $(hostname), $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds, one test at a time. Command: \`./pulse bench redis-alerts\` (\`bench/redis/alerts.sh [ROUNDS]\`)."
echo
echo "| what (two hubs, one redis-server, real processes) | seconds: min / median / max | runs |"
echo "|---|---|---|"
echo "| lease takeover after the owner's kill -9 (TTL 5 s + a renewal) | $(stats '^takeover after kill') |"
echo "| lease takeover after the owner's graceful shutdown (released at once) | $(stats '^takeover after a graceful') |"
echo "| owner killed with a retry backlog older than the replay (2 notifications) → all delivered by the new owner | $(stats '^backlog of') |"
echo "| a rule made through one hub's API → listed by the other | $(stats '^a rule made on') |"
echo
echo "Deliveries of the first alert across the kill (at least once; 1 means the fleet's outbox stopped the replay): $(grep -oE 'deliveries of the first alert: [0-9]+' "$log" | awk '{print $NF}' | sort | uniq -c | awk '{printf "%s× %s, ", $1, $2}' | sed 's/, $//')."
