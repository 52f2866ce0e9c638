#!/usr/bin/env python3
"""Writes bench/results/alerts.md from pulse-alerts-bench's JSON lines.
Usage: report.py RUNS.jsonl COMMAND STARTED"""
import json
import statistics
import sys

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip().startswith("{")]
command, started = sys.argv[2], sys.argv[3]
by_kind = {}
for run in runs:
    by_kind.setdefault(run["kind"], []).append(run)


def ms(spread):
    if not spread or not spread.get("count"):
        return "—"
    return f"{spread['p50']:.0f} / {spread['p95']:.0f} / {spread['max']:.0f}"


print(f"Command: `./pulse bench alerts` (`{command}`), started {started}. A real release hub, agents")
print("played over real `/api/v1/agent` WebSocket links by `pulse-alerts-bench` (`bench/alerts/`), and a real")
print("HTTP receiver in the bench, all on 127.0.0.1.")
print()

for run in by_kind.get("latency", []):
    print(f"**Threshold crossed → webhook received, beyond the rule's `for`** ({run['agents']} agents, a")
    print(f"`cpu.total above 50` rule with `for = \"{run['for_ms'] / 1000:g}s\"`, each crossing at a known sample time;")
    print("the latency is the firing webhook's arrival − (the crossing sample's time + `for`); the resolve is")
    print("timed from the sample that recovered; anchor: the same firing samples' arrival at a browser-like")
    print("client of `/api/v1/ws` in the same run):")
    print()
    print("| path | samples | p50 / p95 / max (ms) |")
    print("|---|---|---|")
    print(f"| crossing + `for` → firing webhook received | {run['firing_ms']['count']} | {ms(run['firing_ms'])} |")
    print(f"| recovering sample → resolved webhook received | {run['resolved_ms']['count']} | {ms(run['resolved_ms'])} |")
    print(f"| anchor: the firing sample → a `/api/v1/ws` client | {run['live_ms']['count']} | {ms(run['live_ms'])} |")
    print()
    print(f"{run['crossings']} crossings, {run['received']} webhooks received, {run['missing']} missing, "
          f"{run['unexpected']} unexpected. Aim: p95 ≤ 1,000 ms.")
    print()

cost = by_kind.get("cost", [])
if cost:
    labels = []
    for run in cost:
        if run["label"] not in labels:
            labels.append(run["label"])
    per = {label: [run["us_per_frame"] for run in cost if run["label"] == label] for label in labels}
    core = {label: [run["hub_core_pct"] for run in cost if run["label"] == label] for label in labels}
    base = statistics.median(per[labels[0]]) if per[labels[0]] else 0
    agents, seconds = cost[0]["agents"], cost[0]["seconds"]
    print(f"**The alert engine's cost per sample, in the hub** ({agents:,} agents at 1 Hz, each case a fresh hub on")
    print(f"core 0 with one worker, the agents on core 1, {seconds} s measured after a warm-up, cases alternated")
    print("round by round; every rule judged on every sample, none firing: a fleet's steady state):")
    print()
    print("| case | hub CPU per sample (µs), each round | median | over alerts off | hub core |")
    print("|---|---|---|---|---|")
    for label in labels:
        median = statistics.median(per[label])
        rounds = ", ".join(f"{value:.1f}" for value in per[label])
        print(f"| {label} | {rounds} | {median:.1f} | {median - base:+.1f} | {statistics.median(core[label]):.1f} % |")
    print()

for run in by_kind.get("step", []):
    print(f"**In-process** (`pulse-alerts-bench step`, core 1, best of {run['rounds']} rounds; ns per rule and sample,")
    print(f"{run['rules']} rules over {run['hosts']:,} hosts):")
    print()
    print("| what | ns per rule and sample | per sample with 100 rules |")
    print("|---|---|---|")
    for key, name in (("step_ns", "`pulse_alerts::state::step` alone"),
                      ("as_written_ns", "the engine's loop as first written (key and state cloned, two map lookups)"),
                      ("in_place_ns", "the engine's loop judging each state in place (one lookup, no clone)"),
                      ("by_host_ns", "the engine's loop by host (one host lookup a frame, each rule's state in its slot)")):
        if key in run:
            print(f"| {name} | {run[key]:.0f} | {run[key] * run['rules'] / 1000:.1f} µs |")
    print()

for run in by_kind.get("storm", []):
    verdict = "passed" if run["passed"] else "**FAILED**"
    print(f"**Notifications through hub kills and receiver outages** ({verdict}): {run['hosts']} agents flipping")
    print("`cpu.total` between 20 and 80 at random, two rules with no `for` (above 50, below 30), so every flip")
    print(f"is two notifications; during {run['storm_s']:.0f} s the hub was killed with SIGKILL {run['kills']} times at random")
    print("moments and started again on the same `--data`, and the receiver refused connections or answered 503")
    print(f"{run['receiver_outages']} times for 1–6 s; it took up to {run.get('answer_ms', 0)} ms to answer each POST, so some kills")
    print("landed while a delivery was in flight. Then the run waited until every notification the rules must give for")
    print("the samples sent (worked out in the bench from the rules' definitions) had arrived:")
    print()
    print("| | |")
    print("|---|---|")
    print(f"| notifications expected | {run['expected']:,} |")
    print(f"| lost | **{run['lost']}** |")
    print(f"| duplicates a receiver that de-duplicates by `webhook-id` sees | **{run['duplicates_by_id']}** |")
    print(f"| unexpected | {run['unexpected']} |")
    print(f"| (rule, host) lines whose notifications arrived out of order | {run['out_of_order']} |")
    print(f"| raw duplicates: the same `webhook-id` posted again (at-least-once after a kill) | {run['raw_duplicates']} |")
    print(f"| POSTs received / answered 503 | {run['posts']:,} / {run['answered_503']:,} |")
    print(f"| agent links opened / samples replayed from agents' buffers | {run['links_opened']:,} / {run['samples_replayed']:,} |")
    print(f"| from the storm's end to the last expected notification | {run['drained_s']:.1f} s |")
    print()
    if run.get("lost_examples"):
        print("Lost, first few: " + "; ".join(run["lost_examples"]))
        print()
