#!/usr/bin/env python3
"""What one shared sign-in round costs a hub when the revision moved: the hash read
whole, checked, compared with the access file (`server/src/redis/access.rs`).

Starts a redis-server (core 1) holding N records (one admin, N-1 sessions of theirs,
as hubs write them), then, for each binary in turn (alternated, ROUNDS times), a
fresh hub `--redis` (core 0, `--workers 1`, its own data directory) that takes them
into its file. Once it is idle, the revision is raised MOVES times, one every 0.6 s
(each makes the next round read and compare everything; nothing is written since
the file already holds it all), and the hub's CPU over those seconds, less its CPU
over as many idle seconds, is divided by MOVES. Prints one JSON line per binary.
Usage: bench/redis/access_read.py N BINARY [BINARY...]
"""
import json, shutil, subprocess, sys, tempfile, time, urllib.request

from wire import Conn, cpu_s, free_port, resp  # beside this script

N, binaries = int(sys.argv[1]), sys.argv[2:]
ROUNDS, MOVES, GAP = 3, 15, 0.6


def fill(conn):
    now = int(time.time() * 1000)
    far = now + 86_400_000
    user = {"at": now - 10, "body": {"kind": "user", "role": "admin", "created": now - 10,
            "phc": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"}}
    commands = [resp("FLUSHALL"), resp("HSET", "pulse:access:records", "user:ann", json.dumps(user))]
    for i in range(N - 1):
        created = now - 5
        record = {"at": created, "until": far, "body": {"kind": "session", "digest": f"{i:064x}", "user": "ann",
                  "created": created, "expires": far}}
        commands.append(resp("HSET", "pulse:access:records", f"session:s{i:06d}", json.dumps(record)))
    commands.append(resp("SET", "pulse:access:rev", 1))
    conn.pipeline(commands)


def one(binary, rport, conn):
    fill(conn)
    work = tempfile.mkdtemp()
    hport = free_port()
    hub = subprocess.Popen(["taskset", "-c", "0", binary, "--listen", f"127.0.0.1:{hport}", "--no-local",
                            "--workers", "1", "--dist", "/nonexistent", "--data", work, "--name", "bench",
                            "--redis", f"redis://127.0.0.1:{rport}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{hport}/healthz", timeout=1).read(); break
            except OSError:
                time.sleep(0.1)
        # Taken into the file (a first round applies all), then idle.
        time.sleep(8)
        idle0 = cpu_s(hub.pid); time.sleep(MOVES * GAP); idle = cpu_s(hub.pid) - idle0
        busy0 = cpu_s(hub.pid)
        for _ in range(MOVES):
            conn.pipeline([resp("INCR", "pulse:access:rev")]); time.sleep(GAP)
        busy = cpu_s(hub.pid) - busy0
        return (busy - idle) / MOVES * 1000
    finally:
        hub.terminate(); hub.wait(timeout=10); shutil.rmtree(work, ignore_errors=True)


def main():
    work = tempfile.mkdtemp(); rport = free_port()
    redis = subprocess.Popen(["taskset", "-c", "1", "redis-server", "--port", str(rport), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", work], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                conn = Conn(rport); conn.pipeline([resp("PING")]); break
            except OSError:
                time.sleep(0.1)
        results = {b: [] for b in binaries}
        for r in range(ROUNDS):
            order = binaries if r % 2 == 0 else list(reversed(binaries))
            for b in order:
                results[b].append(one(b, rport, conn))
        for b in binaries:
            ms = sorted(results[b])
            print(json.dumps({"binary": b, "records": N, "cpu_ms_per_read": [round(x, 1) for x in results[b]],
                              "median": round(ms[len(ms) // 2], 1)}))
    finally:
        redis.terminate(); redis.wait(timeout=10); shutil.rmtree(work, ignore_errors=True)


main()
