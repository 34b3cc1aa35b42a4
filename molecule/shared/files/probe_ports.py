"""Which TCP ports accept a connection, from where this runs (a notebook's container).

Usage: python probe_ports.py SECONDS HOST:PORTS... (PORTS: 80,443 or all, 1-65535).
Prints one JSON line: {"HOST:PORTS": [ports that accepted], ...}. A port that refuses, is
unreachable or does not answer within SECONDS counts as closed.
"""

import asyncio
import json
import resource
import socket
import sys


async def accepts(address: str, port: int, seconds: float, slots: asyncio.Semaphore) -> int | None:
    async with slots:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(address, port), seconds)
        except OSError:  # refused, unreachable, or no answer in time (TimeoutError is one)
            return None
        writer.close()
        return port


async def main(seconds: float, targets: list[str]) -> None:
    # Many at once (a dropped port costs the whole timeout), but not so many that the loop is
    # late to see an answer: 2000 as the laptop's scan, fewer if the open-file limit is lower.
    slots = asyncio.Semaphore(max(64, min(2000, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 64)))
    found = {}
    for target in targets:
        host, _, ports = target.rpartition(":")
        try:
            address = socket.getaddrinfo(host, None, socket.AF_INET)[0][4][0]
        except socket.gaierror:  # no DNS: nothing reached
            found[target] = []
            continue
        numbers = range(1, 65536) if ports == "all" else [int(port) for port in ports.split(",")]
        answers = await asyncio.gather(*(accepts(address, port, seconds, slots) for port in numbers))
        found[target] = [port for port in answers if port]
    print(json.dumps(found))


asyncio.run(main(float(sys.argv[1]), sys.argv[2:]))
