"""Which TCP ports accept a connection, from where this runs (a notebook's container, a laptop).

Usage: python probe_ports.py SECONDS HOST:PORTS... (PORTS: 80,443 or all, 1-65535).
Prints one JSON line: {"HOST:PORTS": [ports that accepted], ...}. A port that refuses, is
unreachable or does not answer within SECONDS counts as closed.

A dropped port costs the whole SECONDS, so many connections are pending at once (every target's
together), on plain non-blocking sockets and epoll: asyncio's streams cost about ten times the CPU
per port, and a loop that falls behind would time out ports that had answered. Here every answer
already in is read before any pending connection is given up, so a busy machine only makes the
probe slower, never wrong.
"""

import errno
import json
import resource
import select
import socket
import sys
import time

AT_ONCE = 16384  # 65535 dropped ports take four timeouts


def pending_allowed() -> int:
    """How many connections may be pending: the open-file limit raised first, up to AT_ONCE and spare."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = AT_ONCE + 64 if hard == resource.RLIM_INFINITY else min(hard, AT_ONCE + 64)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return max(16, min(AT_ONCE, soft - 64))


def probe(seconds: float, probes: list[tuple[int, str, int]], targets: int) -> list[list[int]]:
    """probes: (target's index, address, port). The ports of each target that accepted."""
    found = [[] for _ in range(targets)]
    poller = select.epoll()
    pending = {}  # fd -> (socket, target's index, port, deadline), in the order started (deadline order)
    waiting = iter(probes)
    at_once = pending_allowed()
    while True:
        for index, address, port in waiting:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            result = sock.connect_ex((address, port))
            if result == errno.EINPROGRESS:
                poller.register(sock.fileno(), select.EPOLLOUT)
                pending[sock.fileno()] = (sock, index, port, time.monotonic() + seconds)
            else:  # answered at once: accepted (0), or refused or unreachable
                if result == 0:
                    found[index].append(port)
                sock.close()
            if len(pending) >= at_once:
                break
        if not pending:
            break
        for fd, _ in poller.poll(0.05):
            sock, index, port, _ = pending.pop(fd)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                found[index].append(port)
            poller.unregister(fd)
            sock.close()
        # Only now, every answer in so far read, give up on the ones past their deadline (the
        # first ones started: pending keeps that order).
        now = time.monotonic()
        expired = []
        for fd, (*_, deadline) in pending.items():
            if deadline > now:
                break
            expired.append(fd)
        for fd in expired:
            poller.unregister(fd)
            pending.pop(fd)[0].close()
    return [sorted(ports) for ports in found]


def main(seconds: float, targets: list[str]) -> None:
    probes = []
    for index, target in enumerate(targets):
        host, _, ports = target.rpartition(":")
        try:
            address = socket.getaddrinfo(host, None, socket.AF_INET)[0][4][0]
        except socket.gaierror:  # no DNS: nothing reached
            continue
        numbers = range(1, 65536) if ports == "all" else [int(port) for port in ports.split(",")]
        probes += [(index, address, port) for port in numbers]
    print(json.dumps(dict(zip(targets, probe(seconds, probes, len(targets)), strict=True))))


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2:])
