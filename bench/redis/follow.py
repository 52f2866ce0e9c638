#!/usr/bin/env python3
"""The follower alone: Redis → a following hub → a watcher, at N hosts.

Starts a redis-server (core 1) and one hub `--redis` (core 0, `--workers 1`), then
plays N hosts' streams into Redis itself, as agents' hubs would (`pulse:hosts`, one
frame a second per host through `XADD` with the fields a hub of protocol version 1
writes, spread over the second, and the `pulse:news` entries of each round), so nothing but the follower runs on the hub's core. 50 SSE
clients on the hub watch hosts and time each frame from its `ts` (the moment it was
written to Redis) to its arrival. Prints one JSON line.
Usage: bench/redis/follow.py SERVER_BINARY SAMPLE_POLL_JSON HOSTS [SECONDS]
"""
import json, os, subprocess, sys, tempfile, threading, time, http.client

from wire import Conn, cpu_s, free_port, resp  # beside this script

server, sample, hosts = sys.argv[1], sys.argv[2], int(sys.argv[3])
seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 40
WARMUP, WATCHERS, ROUNDS = 15, 50, 20


def xread_us(conn):
    """Redis's own time in XREAD so far, µs, and the calls."""
    stats = conn.pipeline([resp("INFO", "commandstats")])[0].decode()
    line = next((l for l in stats.splitlines() if l.startswith("cmdstat_xread:")), "")
    fields = dict(kv.split("=") for kv in line.split(":", 1)[1].split(",")) if line else {}
    return int(fields.get("usec", 0)), int(fields.get("calls", 0))


work = tempfile.mkdtemp()
rport, hport = free_port(), free_port()
redis = subprocess.Popen(["taskset", "-c", "1", "redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", work], stdout=subprocess.DEVNULL)
time.sleep(0.5)
# A fleet known to have no users: the loopback hub is open at once, not after the
# 10 s an empty access refill must stand (ARCHITECTURE.md, access).
Conn(rport).pipeline([resp("SET", "pulse:access:rev", "1")])
env = dict(os.environ, PULSE_DATA=os.path.join(work, "data"))
hub = subprocess.Popen(["taskset", "-c", "0", server, "--listen", f"127.0.0.1:{hport}", "--no-local", "--workers", "1",
                        "--dist", "/nonexistent", "--redis", f"redis://127.0.0.1:{rport}"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
try:
    frame = next(m for m in json.load(open(sample))["messages"] if m["type"] == "frame")
    ids = [f"follow-{i:05d}" for i in range(hosts)]
    conn = Conn(rport)
    meta = lambda i: json.dumps({"name": i, "tags": {}, "epoch": "bench", "interval_ms": 1000, "catalog": "", "hub": "writer"})
    for at in range(0, hosts, 1000):
        conn.pipeline([resp("HSET", "pulse:hosts", i, meta(i)) for i in ids[at:at + 1000]])
    conn.pipeline([resp("INCR", "pulse:hosts:rev")])
    latencies, lock, measuring = [], threading.Lock(), threading.Event()

    def watch(host):
        # Bounded: the run's length, then the socket's timeout ends the thread.
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", hport, timeout=seconds + WARMUP + 30)
                c.request("GET", f"/api/v1/sse?host={host}")
                r = c.getresponse()
                if r.status != 200:
                    time.sleep(0.5); continue
                while True:
                    line = r.fp.readline()
                    if not line: break
                    if line.startswith(b"data: {\"type\":\"frame\""):
                        ts = json.loads(line[6:])["ts"]
                        if measuring.is_set():
                            with lock: latencies.append(time.time() * 1000 - ts)
            except OSError:
                return

    seq, start = 0, time.time()
    threads_started = False
    cpu0 = None
    while time.time() - start < WARMUP + seconds:
        seq += 1
        second = time.time()
        for r in range(ROUNDS):
            part = ids[r::ROUNDS]
            now = int(time.time() * 1000)
            body = dict(frame, seq=seq, ts=now, host="bench")
            text = json.dumps(body, separators=(",", ":"))
            cmds = [resp("XADD", f"pulse:host:{{{i}}}:frames", "MAXLEN", "~", 120, "*", "epoch", "bench", "seq", seq,
                          "ts", now, "frame", text, "v", 1) for i in part]
            news = ["XADD", "pulse:news", "MAXLEN", "~", 100000, "*"]
            for i in part: news += ["h", i]
            cmds.append(resp(*news))
            conn.pipeline(cmds)
            time.sleep(max(0.0, second + (r + 1) / ROUNDS - time.time()))
        if not threads_started and time.time() - start > 3:
            for i in ids[:: max(1, hosts // WATCHERS)][:WATCHERS]:
                threading.Thread(target=watch, args=(i,), daemon=True).start()
            threads_started = True
        if cpu0 is None and time.time() - start >= WARMUP:
            measuring.set(); cpu0 = (time.time(), cpu_s(hub.pid), cpu_s(redis.pid), xread_us(conn))
    window = time.time() - cpu0[0]
    xread = xread_us(conn)
    measuring.clear()
    lat = sorted(latencies)
    pick = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 1) if lat else None
    print(json.dumps({"hosts": hosts, "window_s": round(window, 1), "frames_written_per_s": round(seq * hosts / (time.time() - start)), "frames_watched": len(lat),
                      "expected": int(window) * min(WATCHERS, hosts),
                      "latency_p50_ms": pick(0.5), "latency_p99_ms": pick(0.99), "latency_max_ms": pick(1.0),
                      "hub_cpu": round((cpu_s(hub.pid) - cpu0[1]) / window, 3),
                      "redis_cpu": round((cpu_s(redis.pid) - cpu0[2]) / window, 3),
                      "xread_ms_per_s": round((xread[0] - cpu0[3][0]) / 1000 / window, 1),
                      "xread_calls_per_s": round((xread[1] - cpu0[3][1]) / window, 1),
                      "load": os.getloadavg()[0]}))
finally:
    hub.kill(); redis.kill(); hub.wait(); redis.wait()
