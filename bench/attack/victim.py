"""The victim: a well-behaved monitor asking for /healthz, each request on a new
connection from 127.0.0.1, one at a time at a fixed rate, each given 10 s."""

import json
import socket
import time

TIMEOUT = 10.0


def probe(address):
    """One GET /healthz on a new connection: (seconds, outcome). The outcome is `ok`
    for a 200, else what went wrong (`503 unavailable`, `closed without an answer`...)."""
    host, port = address.rsplit(":", 1)
    started = time.perf_counter()
    deadline = started + TIMEOUT
    sock = None
    try:
        sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            head_end = data.find(b"\r\n\r\n")
            if head_end >= 0:
                head = data[:head_end].decode(errors="replace").lower()
                length = next((int(line.split(":", 1)[1]) for line in head.split("\r\n")
                               if line.startswith("content-length:")), None)
                if length is not None and len(data) >= head_end + 4 + length:
                    break
            sock.settimeout(max(0.001, deadline - time.perf_counter()))
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        elapsed = time.perf_counter() - started
        return elapsed, outcome_of(data)
    except socket.timeout:
        return time.perf_counter() - started, "timeout"
    except ConnectionResetError:
        return time.perf_counter() - started, "reset"
    except ConnectionRefusedError:
        return time.perf_counter() - started, "connection refused"
    except OSError as error:
        return time.perf_counter() - started, f"error {error.strerror}"
    finally:
        if sock:
            sock.close()


def outcome_of(data):
    if not data:
        return "closed without an answer"
    if not data.startswith(b"HTTP/1.1 ") or b"\r\n\r\n" not in data:
        return "a broken answer"
    status = data[9:12].decode(errors="replace")
    if status == "200":
        return "ok"
    body = data.split(b"\r\n\r\n", 1)[1]
    try:
        error = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        error = "no JSON body"
    return f"{status} {error}"


def run(address, count, hz=10.0, on_each=None, max_seconds=None):
    """`count` probes at `hz` (a slow answer delays the next; none overlap), fewer if
    `max_seconds` (default: twice the planned time, plus one timeout) run out first.
    Returns [(start offset s, seconds, outcome)]; `on_each(i)` runs before probe i."""
    results = []
    started = time.monotonic()
    limit = max_seconds if max_seconds is not None else 2 * count / hz + TIMEOUT
    for i in range(count):
        if time.monotonic() - started > limit:
            break
        if on_each:
            on_each(i)
        wait = started + i / hz - time.monotonic()
        if wait > 0:
            time.sleep(wait)  # pacing between probes, not synchronisation
        at = time.monotonic() - started
        seconds, outcome = probe(address)
        results.append((at, seconds, outcome))
    return results


def summarise(results):
    """p50/p99/max over every probe (whatever its outcome) and the outcomes counted."""
    times = sorted(seconds for _, seconds, _ in results)
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
    outcomes = {}
    for _, _, outcome in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    ok = sorted(seconds for _, seconds, outcome in results if outcome == "ok")
    return {
        "n": len(results), "p50_ms": round(pick(0.5), 2), "p99_ms": round(pick(0.99), 2),
        "max_ms": round(times[-1] * 1000, 2), "errors": len(results) - len(ok), "outcomes": outcomes,
        "ok_p99_ms": round(ok[min(len(ok) - 1, int(0.99 * len(ok)))] * 1000, 2) if ok else None,
    }
