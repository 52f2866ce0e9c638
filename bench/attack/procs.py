"""The processes a case runs: the server under attack, the attacker, and what /proc
says about the server (RSS, CPU, sockets)."""

import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SERVER = os.path.join(ROOT, "target/release/pulse-server")
FLOOD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flood.py")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def favour_this_process():
    """Runs the driver (the victim) at nice -5 when allowed, so on the core it shares
    with the attacker it is scheduled first when it wakes; returns the niceness."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -5)
    except PermissionError:
        pass
    return os.getpriority(os.PRIO_PROCESS, 0)


def normal_priority():
    """In a child before exec: the server and the attacker run at nice 0."""
    os.setpriority(os.PRIO_PROCESS, 0, max(0, os.getpriority(os.PRIO_PROCESS, 0)))


class Server:
    """A release pulse-server pinned to core 0, optionally under a smaller open-file limit."""

    def __init__(self, args, nofile=None, start_timeout=20.0):
        command = ["taskset", "-c", "0"]
        if nofile:
            command += ["prlimit", f"--nofile={nofile}:{nofile}"]
        command += [SERVER, "--listen", "127.0.0.1:0", "--interval", "1s", "--workers", "1",
                    "--dist", os.path.join(ROOT, "dist"), *args]
        self.command = command
        self.child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
                                      preexec_fn=normal_priority,
                                      env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")})
        self.pid = self.child.pid  # taskset and prlimit exec the server in place
        self.log = []
        self.address = self._wait_listening(start_timeout)
        threading.Thread(target=self._drain, args=(self.child.stdout,), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.child.stderr,), daemon=True).start()

    def _wait_listening(self, timeout):
        selector = selectors.DefaultSelector()
        selector.register(self.child.stdout, selectors.EVENT_READ)
        selector.register(self.child.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                for key, _ in selector.select(max(0.0, deadline - time.monotonic())):
                    line = key.fileobj.readline().decode(errors="replace")
                    if not line:
                        raise RuntimeError(f"pulse-server exited before listening:\n{''.join(self.log)}")
                    self.log.append(line)
                    if line.startswith("listening on http://"):
                        return line.split("://", 1)[1].strip().rstrip("/")
        finally:
            selector.close()
        raise RuntimeError(f"pulse-server did not listen within {timeout} s:\n{''.join(self.log)}")

    def _drain(self, stream):
        for line in iter(stream.readline, b""):
            if len(self.log) < 2000:
                self.log.append(line.decode(errors="replace"))

    def rss_mib(self):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def sockets(self):
        """Sockets the server holds, less its listener."""
        count = 0
        for name in os.listdir(f"/proc/{self.pid}/fd"):
            try:
                if os.readlink(f"/proc/{self.pid}/fd/{name}").startswith("socket:"):
                    count += 1
            except OSError:
                pass
        return max(0, count - 1)

    def stop(self):
        if self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
            try:
                self.child.wait(5)
            except subprocess.TimeoutExpired:
                self.child.kill()
                self.child.wait()


class Attacker:
    """flood.py in its own process on core 1; its status lines are kept as they come."""

    def __init__(self, target, kind, n, rate, source, max_seconds):
        self.child = subprocess.Popen(
            ["taskset", "-c", "1", sys.executable, FLOOD, "--target", target, "--kind", kind, "-n", str(n),
             "--rate", str(rate), "--source", source, "--max-seconds", str(max_seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, preexec_fn=normal_priority)
        self.statuses = []
        self.summary = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.child.stdout:
            message = json.loads(line)
            if "summary" in message:
                self.summary = message
            else:
                self.statuses.append(message)

    def latest(self):
        return self.statuses[-1] if self.statuses else {"held": 0, "counts": {}}

    def tell(self, command):
        try:
            self.child.stdin.write(command + "\n")
            self.child.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def quit(self):
        self.tell("quit")
        try:
            self.child.wait(30)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()
        self.reader.join(5)
        return self.summary or {"summary": {}, "counts": self.latest().get("counts", {})}


def listen_drops():
    """The kernel's count of connections dropped because a listen queue was full
    (TcpExt ListenOverflows, ListenDrops), machine-wide."""
    with open("/proc/net/netstat") as netstat:
        lines = netstat.read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], map(int, values.split()[1:])))
            return {"overflows": table.get("ListenOverflows", 0), "drops": table.get("ListenDrops", 0)}
    return {"overflows": 0, "drops": 0}


class Sampler:
    """Once a second: the server's RSS, CPU and sockets, and the attacker's status."""

    def __init__(self, server, attacker=None):
        self.server = server
        self.attacker = attacker
        self.samples = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            try:
                sample = {"t": time.monotonic(), "rss": self.server.rss_mib(), "cpu": self.server.cpu_seconds(),
                          "sockets": self.server.sockets(), "listen": listen_drops()}
            except OSError:
                break
            if self.attacker:
                sample["held"] = self.attacker.latest().get("held", 0)
            self.samples.append(sample)
            self.stopping.wait(1.0)

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        return self.samples
