"""Slow clients (slowloris) for the app-server test and bench.http: partial headers, slow
bodies and slow readers, held open on loopback while another reader is served."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

KINDS = ("headers", "body", "read")


def _open(host: str, port: int, kind: str, path: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if kind == "read":  # a reader with a tiny window that never reads
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    sock.settimeout(5)
    sock.connect((host, port))
    if kind == "headers":
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode())
    elif kind == "body":
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/"
            "x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\na=".encode()
        )
    else:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode() * 20)
    return sock


@contextmanager
def slow_clients(host: str, port: int, n: int = 100, path: str = "/ru/", big_path: str = "/"):
    """Hold ``n`` slow connections (a third of each kind) open while the block runs; a thread
    trickles one more byte into each header/body every second. Yields the sockets opened."""
    socks: list[tuple[str, socket.socket]] = []
    for i in range(n):
        kind = KINDS[i % 3]
        try:
            socks.append((kind, _open(host, port, kind, big_path if kind == "read" else path)))
        except OSError:
            break  # the server refused more; the caller's own request still has to work
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(1.0):
            for kind, sock in socks:
                try:
                    if kind != "read":
                        sock.send(b"a")  # one byte more of the header line or the body
                except OSError:
                    pass

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield [s for _k, s in socks]
    finally:
        stop.set()
        thread.join(timeout=5)
        for _kind, sock in socks:
            sock.close()


def timed_get(host: str, port: int, path: str, timeout: float = 20) -> tuple[int, float]:
    """(status, seconds) of one plain GET on a new connection."""
    started = time.perf_counter()
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data else 0
    return status, time.perf_counter() - started
