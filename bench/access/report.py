"""Writes bench/results/access.md from the JSON lines of bench/access/run.sh.

usage: report.py RUNS.jsonl COMMAND STARTED PHC_PREFIX
"""
import json
import os
import statistics
import subprocess
import sys

runs_path, command, started, phc = sys.argv[1:5]
runs = [json.loads(line) for line in open(runs_path) if line.strip()]


def machine():
    mem_kib = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:"))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    kernel = subprocess.run(["uname", "-r"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, {round(mem_kib / 2**20, 1)} GiB, {cpu}, Linux {kernel}; commit `{commit}`"


def med(rows, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else float("nan")


def spread(rows, key, digits):
    values = sorted(r[key] for r in rows if r.get(key) is not None)
    if not values:
        return "—"
    m = statistics.median(values)
    if len(values) == 1:
        return f"{m:.{digits}f}"
    return f"{m:.{digits}f} ({values[0]:.{digits}f}–{values[-1]:.{digits}f})"


def labels(rows):
    seen = []
    for r in rows:
        if r["label"] not in seen:
            seen.append(r["label"])
    return seen


def ratio(value, anchor):
    return f"{value / anchor:.2f}" if anchor and anchor == anchor else "—"


out = [
    f"Command: `{command}` (`./pulse bench access`). Machine: {machine()}; started {started}.",
    "",
    "### Sign-in time",
    "",
    f"`POST /api/v1/session` with the right password; argon2id **m=19456 KiB (19 MiB), t=2, p=1** "
    f"(the stored hash says `{phc}`; `server/src/access/password.rs`), at most two checks at once "
    "(the hub's `HASHING_AT_ONCE`). Hub with its default workers on both cores, `--trusted-proxy 127.0.0.1`, "
    "every attempt on a new connection from its own `X-Forwarded-For` address; times from connect to the "
    "whole answer.",
    "",
    "| at once | sign-ins | answered 200 | p50 ms | p95 ms | max ms | sign-ins/s | hub CPU ms per sign-in |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for r in (r for r in runs if r["kind"] == "sign-in"):
    out.append(
        f"| {r['concurrency']} | {r['attempts']} | {r['ok']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
        f"{r['max_ms']:.1f} | {r['per_s']:.1f} | {r['server_cpu_ms_per_sign_in']:.1f} |"
    )

checks = [r for r in runs if r["kind"] == "check"]
if checks:
    anchor = checks[0]["ns_median"]
    out += [
        "",
        "### The check alone, in-process",
        "",
        f"What the gate asks of the hub's `Access` for one request (`recognise` the headers: find the credential, "
        f"SHA-256 it, look it up; then `allows` the route's need), called {checks[0]['checks']} times in a loop per case "
        f"and round, {checks[0]['rounds']} rounds alternated, on core 1; no HTTP around it. Median (lowest–highest) "
        "of the rounds.",
        "",
        "| who asks | ns per check | ÷ anchor | allowed |",
        "|---|---:|---:|---|",
    ]
    for r in checks:
        out.append(
            f"| {r['label']}{' (anchor)' if r is checks[0] else ''} | {r['ns_median']:.0f} "
            f"({r['ns_min']:.0f}–{r['ns_max']:.0f}) | {r['ns_median'] / anchor:.1f} | {'yes' if r['allowed'] else 'no (401)'} |"
        )

requests = [r for r in runs if r["kind"] == "requests"]
for path in dict.fromkeys(r["path"] for r in requests):
    rows = [r for r in requests if r["path"] == path]
    names = labels(rows)
    anchor = [r for r in rows if r["label"] == names[0]]
    a_cpu, a_rps = med(anchor, "server_cpu_us_per_request"), med(anchor, "per_s")
    rounds = max(r["round"] for r in rows)
    out += [
        "",
        f"### The check per plain request: `GET {path}`",
        "",
        f"{rows[0]['requests']} requests per target and round on {rows[0]['connections']} keep-alive connections, "
        f"{rounds} rounds, targets alternated (the order turned each round). Both hubs `taskset -c 0 --workers 1`, "
        "the client one thread on core 1. Median over rounds (lowest–highest).",
        "",
        "| who asks | req/s | ÷ anchor | p50 µs | p99 µs | hub CPU µs/request | ÷ anchor | answered 200 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        mine = [r for r in rows if r["label"] == name]
        ok = sum(r["ok"] for r in mine)
        total = sum(r["requests"] for r in mine)
        out.append(
            f"| {name}{' (anchor)' if name == names[0] else ''} | {spread(mine, 'per_s', 0)} | "
            f"{ratio(med(mine, 'per_s'), a_rps)} | {med(mine, 'p50_us'):.0f} | {med(mine, 'p99_us'):.0f} | "
            f"{spread(mine, 'server_cpu_us_per_request', 1)} | {ratio(med(mine, 'server_cpu_us_per_request'), a_cpu)} | "
            f"{ok}/{total} |"
        )

opens = [r for r in runs if r["kind"] == "opens"]
if opens:
    names = labels(opens)
    anchor = [r for r in opens if r["label"] == names[0]]
    a_cpu, a_rate = med(anchor, "server_cpu_us_per_open"), med(anchor, "per_s")
    out += [
        "",
        "### The check per stream opening: WebSocket `/api/v1/ws`",
        "",
        f"{opens[0]['opens'] + opens[0]['failures']} opens per target and round, {opens[0]['concurrency']} at once, "
        f"{max(r['round'] for r in opens)} round(s), alternated; an open is a new TCP connection, the upgrade "
        "(offering `pulse, pulse.bearer.SECRET` with a credential, as the web app does) and the first message "
        "(`hello`), then a close. Same hubs and cores as above.",
        "",
        "| who opens | opens/s | ÷ anchor | p50 µs | p99 µs | hub CPU µs/open | ÷ anchor | failed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        mine = [r for r in opens if r["label"] == name]
        out.append(
            f"| {name}{' (anchor)' if name == names[0] else ''} | {spread(mine, 'per_s', 0)} | "
            f"{ratio(med(mine, 'per_s'), a_rate)} | {med(mine, 'p50_us'):.0f} | {med(mine, 'p99_us'):.0f} | "
            f"{spread(mine, 'server_cpu_us_per_open', 1)} | {ratio(med(mine, 'server_cpu_us_per_open'), a_cpu)} | "
            f"{sum(r['failures'] for r in mine)} |"
        )

fan = [r for r in runs if r["kind"] == "fanout"]
if fan:
    n = fan[0].get("clients", "?")
    out += [
        "",
        "### The check per stream message: WebSocket fan-out",
        "",
        f"`pulse-loadgen --transport ws --clients {n}` as in `bench/fanout/run.sh` (a fresh hub per run on core 0, "
        "`--workers 1 --interval 1s`, one ~1 KB frame a second to every client, the load generator on core 1), "
        "alternated: *anonymous* on an open hub, *token* on a hub with a user, every client offering "
        "`pulse.bearer.TOKEN` (`--bearer`).",
        "",
        "Every run is a row; a run that other work on the machine disturbed (*other CPU* over 25 % of a core) "
        "was measured once more, and the medians below leave the disturbed runs out when an undisturbed one exists.",
        "",
        "| who | round | connected | p50 ms | p99 ms | max ms | msgs/s | hub CPU µs/msg | net of idle µs/msg | RSS/conn KiB | other CPU % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    g = lambda r, k, d=1: "—" if r.get(k) is None else f"{r[k]:.{d}f}"
    for r in fan:
        if r.get("error"):
            out.append(f"| {r['label']} | {r['round']} | failed: {r['error']} | | | | | | | | |")
            continue
        out.append(
            f"| {r['label']} | {r['round']} | {r.get('connected')} | {g(r, 'p50_ms')} | {g(r, 'p99_ms')} | "
            f"{g(r, 'max_ms')} | {g(r, 'msgs_per_s', 0)} | {g(r, 'server_cpu_us_per_msg')} | "
            f"{g(r, 'server_cpu_us_per_msg_net')} | {g(r, 'rss_per_conn_flowing_kib')} | {g(r, 'other_cpu_pct', 0)} |"
        )
    good = [r for r in fan if not r.get("error")]
    quiet = [r for r in good if (r.get("other_cpu_pct") or 0) <= 25]
    good = [r for r in good if r in quiet or not any(q["label"] == r["label"] and q["round"] == r["round"] for q in quiet)]
    anon = [r for r in good if r["label"] == "anonymous"]
    token = [r for r in good if r["label"] == "token"]
    if anon and token:
        out += [
            "",
            "Medians, token ÷ anonymous: hub CPU per message "
            f"{med(token, 'server_cpu_us_per_msg'):.1f} ÷ {med(anon, 'server_cpu_us_per_msg'):.1f} µs = "
            f"**{med(token, 'server_cpu_us_per_msg') / med(anon, 'server_cpu_us_per_msg'):.2f}**; p99 "
            f"{med(token, 'p99_ms'):.1f} ÷ {med(anon, 'p99_ms'):.1f} ms = "
            f"**{med(token, 'p99_ms') / med(anon, 'p99_ms'):.2f}**; memory per connection "
            f"{med(token, 'rss_per_conn_flowing_kib'):.1f} ÷ {med(anon, 'rss_per_conn_flowing_kib'):.1f} KiB.",
        ]

path = os.path.join(os.path.dirname(runs_path), "access.md")
with open(path, "w") as f:
    f.write("\n".join(out) + "\n")
print("\n".join(out))
print(f"wrote {path}", file=sys.stderr)
