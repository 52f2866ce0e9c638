# Shared by run.sh and ab.sh: the private network namespace for --rps, finding a
# server's URL, and waiting for a quiet machine. Sourced, not run.

# rps_reexec SCRIPT ARGS...: re-runs SCRIPT inside a private network namespace whose
# loopback hands receive processing to core 1 (the load generator's), where a real
# network would put it: on the receiving host. Returns only inside the namespace.
rps_reexec() {
  [ -n "${PULSE_FANOUT_NETNS:-}" ] && return 0
  local netns="pulse-fanout-$$" backlog status=0
  ip netns add "$netns"
  # Packets steered to another core wait in its backlog, which holds 1,000 by
  # default: a burst to thousands of clients overflows it, and every dropped packet
  # is resent only after TCP's 200 ms timeout. A real receiver has its own NIC
  # queues, so the backlog is made large for the run (the setting is the machine's,
  # not the namespace's) and put back afterwards.
  backlog=$(sysctl -n net.core.netdev_max_backlog)
  sysctl -qw net.core.netdev_max_backlog=100000
  # Expanded now: the trap runs after this function's locals are gone.
  trap "ip netns del $netns 2>/dev/null || true; sysctl -qw net.core.netdev_max_backlog=$backlog" EXIT
  ip netns exec "$netns" sh -c 'ip link set lo up && echo 2 > /sys/class/net/lo/queues/rx-0/rps_cpus'
  PULSE_FANOUT_NETNS="$netns" ip netns exec "$netns" "$@" || status=$?
  exit "$status"
}

# wait_for_url FILE PID: prints the URL from "listening on http://ADDR/" in FILE.
wait_for_url() {
  for _ in $(seq 1 200); do
    if url=$(grep -o 'listening on http://[^ ]*' "$1" 2>/dev/null | head -1); then
      [ -n "$url" ] && { echo "${url#listening on }"; return 0; }
    fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start; its output:" >&2; cat "$1" >&2; return 1
}

# wait_quiet: waits (at most a minute) until the machine is nearly idle for 2 s.
wait_quiet() {
  for _ in $(seq 1 30); do
    local a b
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat); sleep 2
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    # Jiffies are 1/100 s: under 40 in 2 s is under 20 % of one core.
    [ $((b - a)) -lt 40 ] && return 0
  done
  echo "  the machine stayed busy; measuring anyway" >&2
}
