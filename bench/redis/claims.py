#!/usr/bin/env python3
"""Redis's own time per claim renewed (`INFO commandstats`): the per-claim refresh
script main ran (one `EVALSHA` per claim a second) against `RENEW_MANY` (one per 512
claims), 2,048 claims × 20 rounds each, alternated twice, on a bare redis-server it
starts. Prints one table row per case: calls, µs a call, µs a claim, of which the
inner `GET` and `PEXPIRE`.
Usage: bench/redis/claims.py (from the repository's root)
"""
import atexit, re, socket, subprocess, tempfile, time

sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = str(sock.getsockname()[1]); sock.close()
server = subprocess.Popen(["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                           "--dir", tempfile.mkdtemp()], stdout=subprocess.DEVNULL)
atexit.register(server.kill)
def cli(*args, data=None):
    return subprocess.run(["redis-cli", "-p", port, *args], input=data, capture_output=True, text=True).stdout
for _ in range(100):
    if cli("ping").strip() == "PONG":
        break
    time.sleep(0.1)
src = open("server/src/redis/scripts.rs").read()
renew_many = re.search(r'const RENEW_MANY: &str = r"\n(.*?)\n";', src, re.S)[1]
refresh = """local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
elseif not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0"""
one = cli("script", "load", refresh).strip(); many = cli("script", "load", renew_many).strip()
n, rounds = 2048, 20
keys = [f"pulse:host:{{fleet-{i:05}}}:claim" for i in range(n)]
tokens = [f"hub-a:0a1b2c3d:{i:016x}" for i in range(n)]
cli("--pipe", data="".join(f"SET {k} {t} PX 600000\n" for k, t in zip(keys, tokens)))
def stats():
    return {m[1]: (int(m[2]), int(m[3])) for m in re.finditer(r"cmdstat_(\w+):calls=(\d+),usec=(\d+)", cli("info", "commandstats"))}
def run(lines):
    cli("config", "resetstat")
    cli("--pipe", data=lines)
    s = stats(); calls, usec = s["evalsha"]
    inner = sum(u for name, (c, u) in s.items() if name in ("get", "pexpire"))
    return calls, usec, inner
old = "".join(f"EVALSHA {one} 1 {k} {t} 3000\n" for _ in range(rounds) for k, t in zip(keys, tokens))
new = "".join(f"EVALSHA {many} {len(c)} {' '.join(c)} 3000 {' '.join(tokens[j:j+512])}\n"
              for _ in range(rounds) for j in range(0, n, 512) for c in [keys[j:j+512]])
print("| renewal | calls | µs a call | µs a claim | of which GET + PEXPIRE |\n|---|---|---|---|---|")
for label, lines in (("per claim (before)", old), ("512 a call (this)", new), ("per claim (before)", old), ("512 a call (this)", new)):
    calls, usec, inner = run(lines)
    print(f"| {label} | {calls} | {usec / calls:.1f} | {usec / (n * rounds):.2f} | {inner / (n * rounds):.2f} |")
