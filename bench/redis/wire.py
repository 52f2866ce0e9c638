"""What the Redis benches share: a free port, RESP commands over a plain socket
(pipelined), and a process's CPU seconds."""
import os, socket


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port)); self.f = self.s.makefile("rb")

    def reply(self):
        line = self.f.readline(); kind = line[:1]
        if kind == b"-": raise RuntimeError(line)
        if kind == b"$":
            n = int(line[1:]); return None if n < 0 else self.f.read(n + 2)[:-2]
        if kind == b"*":
            return [self.reply() for _ in range(max(int(line[1:]), 0))]
        return line[1:].strip()

    def pipeline(self, commands):
        self.s.sendall(b"".join(commands)); return [self.reply() for _ in commands]


def cpu_s(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
