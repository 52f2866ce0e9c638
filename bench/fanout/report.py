"""Turns the fan-out runs (one JSON line each) into bench/results/fanout.json and
fanout.md: one table row per run, Pulse's CPU per message against Socket.IO's at
the same N, and idle memory per connection.

    python3 bench/fanout/report.py RESULTS.jsonl COMMAND STARTED REPEAT [NAME]

NAME (default `fanout`) names the outputs: bench/results/NAME.json and NAME.md.
"""
import json
import os
import subprocess
import sys
from collections import defaultdict

results_path, command, started, repeat = sys.argv[1:5]
name = sys.argv[5] if len(sys.argv) > 5 else "fanout"
rows = [json.loads(line) for line in open(results_path) if line.strip()]


def machine():
    mem_kib = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:"))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    kernel = subprocess.run(["uname", "-r"], capture_output=True, text=True).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1), "cpu": cpu,
            "kernel": kernel, "node": node, "nofile_hard_limit": 20000}


def fmt(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}"


DISTURBED_PCT = 25


def disturbed(r):
    return (r.get("other_cpu_pct") or 0) > DISTURBED_PCT


flowing = [r for r in rows if r.get("mode") == "flowing"]
idle = [r for r in rows if r.get("mode") == "idle"]

# Socket.IO's mean net CPU per message at each N, for the ratio column.
def mean_net(label):
    """A peer's mean CPU per message at each N, from its undisturbed runs."""
    by_n = defaultdict(list)
    for r in flowing:
        if r.get("label") == label and r.get("server_cpu_us_per_msg") is not None and not disturbed(r):
            by_n[r["clients"]].append(r["server_cpu_us_per_msg"])
    return {n: sum(v) / len(v) for n, v in by_n.items()}


# The peers relay a Pulse source that runs on the load generator's core, so their
# whole CPU counts; Pulse's own ratio uses its figure net of its sampler thread.
sio_mean = mean_net("socketio")
floor_mean = mean_net("floor")

lines = [
    f"Command: `{command}` (each point run {repeat} time(s); every run is a row). "
    f"Machine: {machine()['nproc']} cores, {machine()['memory_gib']} GiB, {machine()['cpu']}, "
    f"Linux {machine()['kernel']}, Node {machine()['node']}; started {started}.",
    "",
    "Server pinned to core 0 (`taskset -c 0`, `--workers 1`), load generator (`pulse-loadgen`, one thread) "
    "to core 1; one frame a second (`--interval 1s`) to every client over loopback; a fresh server per point. "
    "Socket.IO 4.8.4 relays the frames of a Pulse server (on core 1, one client) with `io.emit`, "
    "WebSocket transport only, no compression. "
    "The floor (`bench/fanout/floor`, ~100 lines) relays the same frames the way `shared/ANCHORS.md` calls best practice "
    "(serialised once as `Utf8Bytes`, `read_buffer_size(4096)`, current-thread runtime) and does nothing else: "
    "it is what axum and this machine's kernel cost, before any of Pulse's features.",
    "",
    "| server | transport | N | connected | p50 ms | p99 ms | max ms | msgs/s | server CPU µs/msg | net of idle µs/msg | Pulse ÷ Socket.IO | Pulse ÷ floor | RSS/conn KiB (flowing) | load generator µs/msg | other CPU % |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
]
for r in flowing:
    if "error" in r:
        lines.append(f"| {r['label']} | {r['transport']} | {r['clients']} | failed: {r['error']} ||||||||||||")
        continue
    net = r.get("server_cpu_us_per_msg_net")
    ratio = floor_ratio = "—"
    if r["label"] == "pulse" and r["transport"] == "ws" and net is not None and not disturbed(r):
        if sio_mean.get(r["clients"]):
            ratio = f"{net / sio_mean[r['clients']]:.2f}"
        if floor_mean.get(r["clients"]):
            floor_ratio = f"{net / floor_mean[r['clients']]:.2f}"
    lines.append(
        f"| {r['label']} | {r['transport']} | {r['clients']}{' ⚠' if disturbed(r) else ''} | {r['connected']} | {fmt(r['p50_ms'])} | "
        f"{fmt(r['p99_ms'])} | {fmt(r['max_ms'])} | {fmt(r['msgs_per_s'], 0)} | "
        f"{fmt(r.get('server_cpu_us_per_msg'))} | {fmt(net)} | {ratio} | {floor_ratio} | "
        f"{fmt(r.get('rss_per_conn_flowing_kib'))} | {fmt(r.get('loadgen_cpu_us_per_msg'))} | {fmt(r.get('other_cpu_pct'), 0)} |"
    )

if idle:
    lines += ["", "Idle connections (server interval 10 min, so nothing flows while memory is read):", "",
              "| server | transport | N | connected | RSS before (MiB) | RSS connected (MiB) | RSS per idle connection (KiB) |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for r in idle:
        srv = r.get("server") or {}
        lines.append(
            f"| {r['label']} | {r['transport']} | {r['clients']} | {r.get('connected', 0)} | "
            f"{fmt(srv.get('rss_before_kib', 0) / 1024)} | {fmt(srv.get('rss_window_max_kib', 0) / 1024)} | "
            f"{fmt(r.get('rss_per_conn_flowing_kib'))} |")

problems = sorted({e for r in rows for e in r.get("errors", [])})
lines += [
    "",
    "- Latency = the client's receipt wall-clock − the frame's `ts` (same machine clock, 1 ms resolution, so up to 1 ms high). "
    "Pulse stamps `ts` right after its sampler's procfs reads, so the reading of the host is not included, "
    "but building the frame, serialising it and the whole fan-out are. For Socket.IO it also includes the relay hop.",
    "- \"Server CPU µs/msg\" is the server process's utime+stime over the window ÷ frames delivered; \"net of idle\" subtracts "
    "the server's own CPU rate with no client (Pulse's sampler thread reads /proc every second; the peers' source runs in another process and is not counted). "
    "The ratios divide Pulse's net figure by the peer's whole figure at the same N, WebSocket against WebSocket.",
    "- RSS per connection = (RSS − RSS before any client) ÷ connected clients; \"flowing\" is the highest RSS seen during the window.",
    "- \"Other CPU %\" is what everything but the server and the load generator used during the window (% of one core, from /proc/stat): "
    "the machine is shared with other developers' builds; a point above 25 % ran on a disturbed machine, is marked ⚠, "
    "is left out of the ratio, and was measured again after waiting for a quiet machine (the next row).",
    "- The load generator's own CPU per message is shown: where it nears the server's, the load generator, not the server, bounds the latency.",
    "- A process here may hold at most 20,000 open files (hard limit, cannot be raised), so no single server process passes ~19,990 sockets; N stops at 19,000 (the server's default `--max-connections`).",
]
if problems:
    lines += ["- Errors seen: " + "; ".join(f"`{p}`" for p in problems[:8])]

if name != "fanout":
    lines[0:0] = ["Loopback's receive processing is steered to the load generator's core (RPS, in a private network "
                  "namespace), so the server no longer pays for its clients' TCP input, as on a real network. "
                  "That core's packet backlog is raised to 100,000 for the run (`net.core.netdev_max_backlog`; "
                  "at the default 1,000 a burst overflows it and each dropped packet waits for TCP's 200 ms "
                  "retransmission).", ""]
findings = os.path.join(os.path.dirname(os.path.abspath(__file__)), "findings.md")
if name == "fanout" and os.path.exists(findings):
    lines += ["", open(findings).read().rstrip()]

os.makedirs("bench/results", exist_ok=True)
with open(f"bench/results/{name}.json", "w") as f:
    json.dump({"command": command, "started": started, "repeat": int(repeat), "machine": machine(), "runs": rows}, f, indent=1)
with open(f"bench/results/{name}.md", "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
