#!/usr/bin/env bash
# The fuzz pass, long: the same properties `cargo test` runs in seconds (the web
# app's JSON reader against serde, request parsing and the WebSocket handshake over
# real sockets), in release, with 100 times the cases, each property stopped after
# at most 120 s. Writes bench/results/fuzz.md: cases, panics and time per
# property, and what the server answered. Exits non-zero when a property fails.
#
#   bench/fuzz.sh            100 × the cases, at most 120 s a property (about 5 minutes)
#   bench/fuzz.sh --quick    10 × the cases, at most 20 s a property
#   PULSE_FUZZ_SEED=N bench/fuzz.sh    replay a seed a failure printed
set -euo pipefail
cd "$(dirname "$0")/.."

scale=100
seconds=120
case "${1:-}" in
  --quick) scale=10; seconds=20 ;;
  "") ;;
  *) echo "usage: bench/fuzz.sh [--quick]" >&2; exit 2 ;;
esac

log="$(mktemp -t pulse-fuzz.XXXXXX)"
trap 'rm -f "$log"' EXIT
cargo test --release -q --no-run -p pulse-protocol -p pulse-server --test fuzz
status=0
started=$(date +%s)
# --no-fail-fast: a failing reader property must not keep the server's from running.
PULSE_FUZZ_SCALE="$scale" PULSE_FUZZ_SECONDS="$seconds" \
  cargo test --release --no-fail-fast -p pulse-protocol -p pulse-server --test fuzz -- --nocapture >"$log" 2>&1 \
  || status=$?
# A test's own output may share a line with the harness's progress: start lines at `fuzz:`.
sed -i "s/^[.]*fuzz: /fuzz: /" "$log"
elapsed=$(($(date +%s) - started))

out=bench/results/fuzz.md
{
  echo "Command: \`./pulse bench fuzz\` (\`bench/fuzz.sh\`: release build, PULSE_FUZZ_SCALE=$scale, at most $seconds s a property)"
  echo
  echo "Machine: nproc $(nproc), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; 1-minute load average $(cut -d' ' -f1 /proc/loadavg) at the end." \
    "Date: $(date -u '+%Y-%m-%d %H:%M') UTC, commit \`$(git rev-parse --short HEAD)\`. Wall time ${elapsed} s."
  echo
  echo "| property | what | cases | panics | seconds |"
  echo "|---|---|---:|---:|---:|"
  awk '
    BEGIN {
      what["reader-mutations"] = "from_json on valid bodies and their mutations, against serde"
      what["reader-soup"] = "from_json on JSON token soup, wrong shapes, any string"
      what["reader-extremes"] = "from_json on deep nesting, huge numbers, long escapes"
      what["server-requests"] = "raw HTTP/1.1 requests to every route"
      what["server-handshakes"] = "WebSocket openings, right and wrong"
      what["server-garbage"] = "bytes that are hardly HTTP"
    }
    /^fuzz: [a-z-]+ cases=/ {
      name = $2; sub(/cases=/, "", $3); sub(/panics=/, "", $4); sub(/seconds=/, "", $5)
      printf "| `%s` | %s | %d | %d | %s |\n", name, what[name], $3, $4, $5
      cases += $3; panics += $4
    }
    END { printf "| **all** | | **%d** | **%d** | |\n", cases, panics }
  ' "$log"
  echo
  if [ "$status" -ne 0 ]; then
    echo "**FAILED** (exit $status): the failing property's report:"
    echo
    echo '```'
    grep -E "^fuzz: .*(failed|aborted)|smallest failing input|panicked at" "$log" | head -40 || true
    echo '```'
    echo
  fi
  echo "How the JSON reader and serde read the same texts (each text read as each of the five body types):"
  echo
  grep -E '^fuzz: reader-[a-z]+ readings:' "$log" | sed 's/^fuzz: /- `/; s/ readings:/`:/' || true
  echo
  echo "What the server answered, by kind (\`fuzz/verdict.rs\` checks each):"
  echo
  echo "| property | answer | count |"
  echo "|---|---|---:|"
  grep -E '^fuzz: server-[a-z]+ answered ' "$log" | sed -E 's/^fuzz: ([a-z-]+) answered (.*) ×([0-9]+), e\.g\. .*/| `\1` | \2 | \3 |/' || true
} >"$out"
cat "$out"
exit "$status"
