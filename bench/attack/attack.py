#!/usr/bin/env python3
"""Pulse under attack: what idle connections, slowloris and streams that stop reading
cost a well-behaved client (/healthz latency and errors) and the server (memory),
and how long the server lets each attacker connection live.

    bench/attack/attack.py [--quick] [--only idle,slowloris,streams,small-fd]

Each case starts a fresh release pulse-server pinned to core 0 (`--workers 1
--interval 1s`), once with its defaults and once with `--max-per-address 0`. The
attacker (flood.py, core 1) comes from 127.0.0.2 and tries to hold N connections,
reopening at most RATE a second those the server ends; the victim (this process,
core 1) asks 127.0.0.1's /healthz on a new connection ten times a second. The
anchor is the same victim with no attack, in the same run. Writes
bench/results/attack.json and attack.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procs  # noqa: E402
import report  # noqa: E402
import victim  # noqa: E402

RESULTS = os.path.join(procs.ROOT, "bench/results")


def settle(server, seconds):
    """Waits for /healthz to answer (the server accepts once it has a sample), then
    lets it run `seconds` more so RSS is read after start-up."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if victim.probe(server.address)[1] == "ok":
            break
        time.sleep(0.1)
    else:
        raise RuntimeError(f"/healthz never answered 200:\n{''.join(server.log)}")
    victim.run(server.address, 20, hz=20)
    time.sleep(seconds)


def ramp_up(server, at_least, at_most):
    """Lets the attacker ramp up: at least `at_least` seconds, then until the server's
    sockets grew less than 2 % over 2 s, at most `at_most` seconds. Returns the time taken."""
    started = time.monotonic()
    counts = []
    while time.monotonic() - started < at_most:
        counts.append(server.sockets())
        if time.monotonic() - started >= at_least and len(counts) >= 5 and counts[-1] <= counts[-5] * 1.02:
            break
        time.sleep(0.5)  # a sampling period, not synchronisation
    return round(time.monotonic() - started, 1)


def rss_once_released(server, at_most=15.0):
    """The server's RSS once it holds no more than a few sockets (the attacker gone),
    waiting at most `at_most` seconds."""
    deadline = time.monotonic() + at_most
    while server.sockets() > 8 and time.monotonic() < deadline:
        time.sleep(0.5)  # a sampling period, not synchronisation
    return server.rss_mib()


def during(samples, key, how):
    values = [s[key] for s in samples]
    if not values:
        return None
    if how == "max":
        return max(values)
    values.sort()
    return values[len(values) // 2]


def per_socket(samples, rss_before):
    """(RSS − RSS before) ÷ the sockets held, at the sample with the most sockets, in KiB."""
    top = max(samples, key=lambda s: s["sockets"], default=None)
    if not top or top["sockets"] < 100:
        return None
    return round((top["rss"] - rss_before) * 1024 / top["sockets"], 1)


def cpu_share(samples):
    """The server's CPU over the window, % of one core."""
    if len(samples) < 2:
        return None
    return round(100 * (samples[-1]["cpu"] - samples[0]["cpu"]) / (samples[-1]["t"] - samples[0]["t"]), 1)


def run_case(name, kind, flags, config):
    """One attack (or none, for the anchor) against a fresh server."""
    print(f"== {name}: {kind or 'no attack'} {' '.join(flags) or '(defaults)'}", file=sys.stderr, flush=True)
    nofile = config.get("nofile")
    load_before = os.getloadavg()[0]
    server = procs.Server(flags, nofile=nofile)
    attacker = None
    try:
        settle(server, 1.0)
        before = {"rss": server.rss_mib(), "sockets": server.sockets()}
        extra = {}
        drops_before = procs.listen_drops()
        if kind:
            n = config["n"]
            attacker = procs.Attacker(server.address, kind, n, config["rate"], "127.0.0.2",
                                      max_seconds=config["ramp"] + 14 + 2 * config["probes"] / 10 + 60)
            extra["ramp_s"] = ramp_up(server, config["ramp"], config["ramp"] + 14)
        sampler = procs.Sampler(server, attacker)
        held_at_start = attacker.latest().get("held") if attacker else 0
        if config.get("hold_after"):
            hold = {}

            def maybe_hold(i):
                if i == config["hold_after"]:
                    attacker.tell("hold")
                    hold["at"] = time.monotonic()

            started = time.monotonic()
            results = victim.run(server.address, config["probes"], on_each=maybe_hold)
            hold_offset = hold["at"] - started
            after = [r for r in results if r[0] >= hold_offset]
            first_ok = next((r for r in after if r[2] == "ok"), None)
            extra["recovery_s"] = round(first_ok[0] + first_ok[1] - hold_offset, 2) if first_ok else None
            extra["errors_after_recovery"] = sum(1 for r in after if first_ok and r[0] > first_ok[0] and r[2] != "ok")
            extra["before_hold"] = victim.summarise([r for r in results if r[0] < hold_offset])
            extra["after_hold"] = victim.summarise(after)
        else:
            results = victim.run(server.address, config["probes"])
        samples = sampler.stop()
        drops_after = procs.listen_drops()
        extra["listen_overflows"] = drops_after["overflows"] - drops_before["overflows"]
        extra["listen_drops"] = drops_after["drops"] - drops_before["drops"]
        attack = attacker.quit() if attacker else None
        statuses = attacker.statuses if attacker else []
        attacker = None
        after_attack = victim.probe(server.address)[1]
        extra["rss_after"] = round(rss_once_released(server), 2)
        return {
            "name": name, "kind": kind, "flags": flags, "nofile": nofile, "config": config,
            "victim": victim.summarise(results), "rss_before": round(before["rss"], 2),
            "rss_during_max": round(during(samples, "rss", "max") or 0, 2),
            "rss_per_socket_kib": per_socket(samples, before["rss"]),
            "sockets_before": before["sockets"],
            "sockets_median": during(samples, "sockets", "median"), "sockets_max": during(samples, "sockets", "max"),
            "attacker_held_median": during(samples, "held", "median") if kind else None,
            "attacker_held_at_start": held_at_start,
            "server_cpu_pct": cpu_share(samples), "attack": attack, "after_attack": after_attack,
            "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "samples": samples,
            "attacker_statuses": [{k: st[k] for k in ("t", "held", "open")} for st in statuses],
            # Each probe: seconds into the window, milliseconds it took, outcome.
            "probes": [(round(at, 2), round(seconds * 1000, 2), outcome) for at, seconds, outcome in results],
            **extra, "server_log_tail": server.log[-20:],
        }
    finally:
        if attacker:
            attacker.quit()
        server.stop()


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=procs.ROOT, capture_output=True,
                            text=True).stdout.strip()
    built = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(procs.SERVER)))
    return {"server_built": built, "nproc": os.cpu_count(), "mem_gib": round(mem / 2**20, 1), "cpu": model,
            "kernel": platform.release(), "python": platform.python_version(), "commit": commit,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load": os.getloadavg()[0], "nofile": subprocess.run(["sh", "-c", "ulimit -Hn"], capture_output=True,
                                                                 text=True).stdout.strip()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 connections, 100 probes: a smoke test")
    parser.add_argument("--only", default="idle,slowloris,streams,small-fd")
    args = parser.parse_args()
    only = args.only.split(",")
    n, probes, stream_probes = (2000, 100, 300) if args.quick else (20000, 300, 450)
    # At least one header deadline (5 s) passes before the victim starts.
    base = {"n": n, "rate": 5000, "ramp": 6, "probes": probes}
    cases = [("anchor", None, [], base)]
    for kind in ("idle", "slowloris", "streams"):
        if kind not in only:
            continue
        config = dict(base, probes=stream_probes if kind == "streams" else probes)
        cases.append((f"{kind}, defaults", kind, [], config))
        cases.append((f"{kind}, no cap per address", kind, ["--max-per-address", "0"], config))
    if "small-fd" in only:
        cases.append(("idle, 512 open files, no cap per address", "idle", ["--max-per-address", "0"],
                      dict(base, n=1000, nofile=512, ramp=3, probes=250, hold_after=150)))
    started = time.time()
    niceness = procs.favour_this_process()
    info = machine()
    info["victim_nice"] = niceness
    runs = [run_case(*case) for case in cases]
    info["minutes"] = round((time.time() - started) / 60, 1)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "attack.json"), "w") as out:
        json.dump({"machine": info, "quick": args.quick, "runs": runs}, out, indent=1)
    with open(os.path.join(RESULTS, "attack.md"), "w") as out:
        out.write(report.markdown(info, runs, args.quick))
    print(f"wrote bench/results/attack.md ({info['minutes']} min)", file=sys.stderr)


if __name__ == "__main__":
    main()
