"""bench/results/attack.md from the runs of attack.py."""

P99_AIM_MS = 50
SLOT_AIM_S = 30


def server_flags(run):
    flags = " ".join(run["flags"]) or "defaults"
    return f"`prlimit --nofile={run['nofile']}`, {flags}" if run["nofile"] else flags


def kind_name(run):
    return {None: "none (anchor)", "idle": "idle", "slowloris": "slowloris", "streams": "non-reading SSE + WS"}[run["kind"]]


def errors(summary):
    if not summary["errors"]:
        return f"0 of {summary['n']}"
    parts = sorted(((count, outcome) for outcome, count in summary["outcomes"].items() if outcome != "ok"), reverse=True)
    return f"**{summary['errors']} of {summary['n']}**: " + ", ".join(f"{count} {outcome}" for count, outcome in parts)


def latency(summary):
    return f"{summary['p50_ms']:.1f} / {summary['p99_ms']:.1f} / {summary['max_ms']:.0f} ms"


def attempts_per_second(run):
    statuses = run.get("attacker_statuses") or []
    attempts = (run["attack"] or {}).get("counts", {}).get("attempts", 0)
    return round(attempts / statuses[-1]["t"]) if statuses and statuses[-1]["t"] else 0


def let_go(run):
    summary = (run["attack"] or {}).get("summary", {})
    parts = []
    for kind, label in (("idle", "idle"), ("slowloris", "slow"), ("sse", "SSE"), ("ws", "WS")):
        if kind in summary:
            s = summary[kind]
            parts.append(f"{label} {s['p50']:.1f} / {s['max']:.1f} s")
    return ", ".join(parts) or "—"


def refusals(run):
    counts = (run["attack"] or {}).get("counts", {})
    shown = []
    for key, label in (("answered 429", "429 JSON"), ("answered 503", "503 JSON")):
        if counts.get(key):
            shown.append(f"{counts[key]:,} {label}")
    bare = sum(v for k, v in counts.items() if k in ("refused without an answer", "closed before the head",
                                                     "reset before the head"))
    if bare:
        shown.append(f"{bare:,} closed or reset with no answer")
    other = {k: v for k, v in counts.items() if k.startswith("answered") and k not in ("answered 429", "answered 503")}
    shown += [f"{v:,} {k}" for k, v in other.items()]
    timeouts = sum(v for k, v in counts.items() if k.startswith("connect"))
    if timeouts:
        shown.append(f"{timeouts:,} connect failures")
    return ", ".join(shown) or "none"


def markdown(info, runs, quick):
    out = []
    w = out.append
    w("Command: `./pulse bench attack` (`bench/attack/run.sh`" + (" --quick" if quick else "") + ")")
    w("")
    w(f"Machine: {info['nproc']} cores, {info['mem_gib']} GiB, {info['cpu']}, Linux {info['kernel']}, "
      f"Python {info['python']}; open files at most {info['nofile']} per process (hard limit). "
      f"{info['date']}, commit `{info['commit']}` (server binary built {info.get('server_built', '?')}, with the working tree of then), 1-minute load {info['load']:.2f} at the start; "
      f"the whole run took {info['minutes']} min." + (" **Quick run (smoke test): fewer connections and probes.**" if quick else ""))
    w("")
    w("Server: release `pulse-server --interval 1s --workers 1` pinned to core 0, a fresh one per row. "
      "Attacker (`bench/attack/flood.py`, core 1) from 127.0.0.2, trying to hold "
      f"{runs[1]['config']['n'] if len(runs) > 1 else 0:,} connections and reopening every one the server ends, at most "
      f"{runs[1]['config']['rate'] if len(runs) > 1 else 0:,} new connections a second; the victim starts once the server's "
      "sockets stop growing (at least 6 s, one header deadline, at most 20 s). Victim (core 1, nice "
      f"{info.get('victim_nice', 0)}) from 127.0.0.1: "
      "`GET /healthz`, **a new connection for each request**, 10 a second, one at a time, each given 10 s; "
      "latency from `connect()` to the last byte of the answer, over every request whatever its outcome.")
    w("")
    w(f"| attack | server | held by the attacker (server's sockets, median) | attacker connects/s | victim /healthz p50 / p99 / max | victim errors | server RSS before → during (max) → after | server CPU (core 0) | server let attacker connections go after, p50 / max | listen-queue overflows | p99 ≤ {P99_AIM_MS} ms | machine load (1 min) |")
    w("|---|---|---:|---:|---:|---|---:|---:|---|---:|---|---:|")
    for run in runs:
        held = "—" if not run["kind"] else f"{run['sockets_median']:,}"
        rate = "—" if not run["kind"] else f"{attempts_per_second(run):,}"
        met = "yes" if run["victim"]["p99_ms"] <= P99_AIM_MS else "**no**"
        per = f" ({run['rss_per_socket_kib']:.0f} KiB per socket)" if run.get("rss_per_socket_kib") else ""
        w(f"| {kind_name(run)} | {server_flags(run)} | {held} | {rate} | {latency(run['victim'])} | {errors(run['victim'])} | "
          f"{run['rss_before']:.1f} → {run['rss_during_max']:.1f} → {run.get('rss_after', 0):.1f} MiB{per} | {run['server_cpu_pct']} % | {let_go(run)} | "
          f"{run.get('listen_overflows', 0):,} | {met} | {run['load'][0]:.1f} → {run['load'][1]:.1f} |")
    w("")
    streams = [run for run in runs if run["kind"] == "streams"]
    if streams:
        w(f"How long a stream that stopped reading kept its place (from reading the response head, then nothing, "
          f"to the server closing it; frames at 1 Hz), aim ≤ {SLOT_AIM_S} s:")
        w("")
        w("| server | transport | streams let go | min | p50 | p99 | max | still held at the end (longest so far) | met |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---|")
        for run in streams:
            summary = run["attack"]["summary"]
            for kind, label in (("sse", "SSE"), ("ws", "WebSocket")):
                s = summary.get(kind)
                still = summary.get(f"{kind} still held", {"n": 0, "longest": 0})
                if not s:
                    w(f"| {server_flags(run)} | {label} | 0 | | | | | {still['n']} ({still['longest']:.1f} s) | **no** |")
                    continue
                met = "yes" if s["max"] <= SLOT_AIM_S and still["longest"] <= SLOT_AIM_S else "**no**"
                w(f"| {server_flags(run)} | {label} | {s['n']:,} | {s['min']:.1f} s | {s['p50']:.1f} s | {s['p99']:.1f} s | "
                  f"{s['max']:.1f} s | {still['n']:,} ({still['longest']:.1f} s) | {met} |")
        w("")
    small = [run for run in runs if run.get("hold_after") is not None or "recovery_s" in run]
    for run in small:
        w(f"Total cap filled ({server_flags(run)}: {run['sockets_max']:,} sockets at most, i.e. the cap the "
          f"server fitted under 512 files): the attacker holds {run['config']['n']:,} idle connections and reopens "
          f"them for {run['config']['hold_after'] / 10:.0f} s, then stops reopening (its open ones are left to the header deadline):")
        w("")
        w("| phase | victim requests | p50 / p99 / max | answers |")
        w("|---|---:|---:|---|")
        for label, key in (("attacker reopening", "before_hold"), ("attacker stopped reopening", "after_hold")):
            s = run[key]
            answers = ", ".join(f"{count} {outcome}" for outcome, count in sorted(s["outcomes"].items(), key=lambda x: -x[1]))
            w(f"| {label} | {s['n']} | {latency(s)} | {answers} |")
        w("")
        recovery = run["recovery_s"]
        w(f"Recovery: the first 200 came {recovery} s after the attacker stopped reopening (header deadline 5 s); "
          f"{run['errors_after_recovery']} errors after it." if recovery is not None else
          "Recovery: **no 200 after the attacker stopped reopening.**")
        w("")
    attacked = [run for run in runs if run["kind"]]
    if attacked:
        w("What the attacker's connections got (whole attack, ramp included):")
        w("")
        w("| attack | server | attempts | refused | let go at a deadline |")
        w("|---|---|---:|---|---:|")
        for run in attacked:
            counts = run["attack"]["counts"]
            deadline = sum(v for k, v in counts.items() if k.endswith("let go") or k in ("let go by the server", "reset by the server"))
            w(f"| {kind_name(run)} | {server_flags(run)} | {counts.get('attempts', 0):,} | {refusals(run)} | {deadline:,} |")
        w("")
    w("Method.")
    w("")
    w("- *idle*: connects and never sends a byte. *slowloris*: sends `GET /healthz HTTP/1.1`, `Host` and an endless "
      "header one byte a second from the first byte, never the blank line. *non-reading streams*: even slots open "
      "`/api/v1/sse`, odd slots `/api/v1/ws` (a real upgrade), read the response head (exactly, with `MSG_PEEK`) and then "
      "never read again. Every socket is closed with a reset, so no case leaves TIME_WAIT entries for the next.")
    w("- Held by the attacker: the server's own count of open sockets (`/proc/PID/fd`, less the listener), median "
      "over the victim's window. It includes a refused connection while the server explains (at most 32 at once). "
      "`/proc/PID/status` VmRSS before the attacker starts and the highest once a second during the window; "
      "server CPU is its utime + stime over the window.")
    w("- Let go after: for idle and slowloris, from the attacker's `connect()` completing to the server's FIN "
      "(closes sooner than 0.5 s are refusals, counted apart); for streams, from the response head to the FIN. A "
      "non-reader's kernel still has room for every frame, so the FIN arrives as soon as the server closes.")
    w("- Listen-queue overflows: the kernel's `TcpExt ListenOverflows` over the attack (machine-wide; nothing else "
      "listens here). Each one is a handshake the kernel dropped because `pulse-server`'s accept queue (128: tokio's "
      "`TcpListener::bind`, through mio 1.2, listens with std's backlog of 128) was full; the client retries after "
      "1 s, which is where victim requests of about 1 s come from.")
    w("- Attacker and victim share core 1 (the machine has two); the victim runs at nice -5 (the server and attacker "
      "at 0) so it is scheduled first when it wakes and its latency is the server's, not its neighbour's. The "
      "attacker's reach is bounded by its own open-file limit (20,000), by how fast one core renews connections, "
      "and by the server's total cap (`--max-connections` 19,000 + 64, fitted to the server's 20,000 files less "
      "128 reserved; 384 under 512 files). RSS per socket: (RSS − RSS before) ÷ sockets, at the second with the most sockets.")
    w("")
    return "\n".join(out) + "\n"
