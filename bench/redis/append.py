#!/usr/bin/env python3
"""redis-server's CPU per frame appended (from /proc, so reading, dispatching and
answering each command count, not only what `INFO commandstats` times): main's
append script, one `EVALSHA` per frame, against this tree's, one per 128 frames.
1,000 hosts × 20 frames of 1,000 bytes each, streamed through `redis-cli --pipe`
(RESP), each case on a fresh redis-server it starts, cases alternated twice.
Usage: bench/redis/append.py MAIN_APPEND.lua (main's `APPEND` script text; from the
repository's root)
"""
import os, re, socket, subprocess, sys, tempfile, time

hz = os.sysconf("SC_CLK_TCK")
old_script = open(sys.argv[1]).read()
src = open("server/src/redis/scripts.rs").read()
new_script = re.search(r'const APPEND: &str = r"\n(.*?)\n";', src, re.S)[1]
hosts, frames_each, per_call = 1000, 20, 128
frame = '{"seq":0,"ts":0,"values":' + "[" + ",".join(["12.5"] * 190) + "]}"
frame = frame[:1000].ljust(1000)

def resp(*args):
    out = [f"*{len(args)}\r\n"]
    for a in args:
        b = str(a)
        out.append(f"${len(b.encode())}\r\n{b}\r\n")
    return "".join(out)

def frames():
    for n in range(1, frames_each + 1):
        for h in range(hosts):
            yield (f"pulse:host:{{fleet-{h:05}}}:frames", "e1", n, 1_000 * n, frame)

def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / hz

def case(script, batched):
    sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = str(sock.getsockname()[1]); sock.close()
    server = subprocess.Popen(["taskset", "-c", "1", "redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", tempfile.mkdtemp()], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
                break
            time.sleep(0.1)
        sha = subprocess.run(["redis-cli", "-p", port, "script", "load", script], capture_output=True, text=True).stdout.strip()
        all_frames = list(frames())
        if batched:
            body = []
            for i in range(0, len(all_frames), per_call):
                chunk = all_frames[i:i + per_call]
                args = ["EVALSHA", sha, len(chunk)] + [f[0] for f in chunk] + [600000, 1]
                for f in chunk:
                    args += [f[1], f[2], f[3], f[4]]
                body.append(resp(*args))
        else:
            body = [resp("EVALSHA", sha, 1, f[0], f[1], f[2], f[3], f[4], 600000, 1) for f in all_frames]
        # The server's own pid (taskset execs it).
        before = cpu(server.pid)
        subprocess.run(["taskset", "-c", "0", "redis-cli", "-p", port, "--pipe"], input="".join(body), capture_output=True, text=True)
        used = cpu(server.pid) - before
        length = subprocess.run(["redis-cli", "-p", port, "xlen", all_frames[0][0]], capture_output=True, text=True).stdout.strip()
        return used, len(all_frames), length
    finally:
        server.kill(); server.wait()

print("| append | redis-server CPU µs a frame | frames | entries in one stream |\n|---|---|---|---|")
for label, script, batched in (("one call a frame (main)", old_script, False), (f"{per_call} a call (this)", new_script, True)) * 2:
    used, n, length = case(script, batched)
    print(f"| {label} | {used * 1e6 / n:.1f} | {n} | {length} |")
