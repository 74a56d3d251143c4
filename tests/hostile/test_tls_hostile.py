"""Hostile clients on an HTTPS server: silent or half-finished TLS handshakes are dropped by the
read timeout, garbage instead of a ClientHello is closed, and real clients are served meanwhile."""

import socket
import time

from conftest import read_all, wait_until

PARTIAL_HELLO = bytes.fromhex("16030100a5010000a10303") + bytes(40)  # a ClientHello cut short


def test_stalled_handshakes_are_dropped(server_factory):
    server = server_factory(args=["--read-timeout", "2", "--idle-timeout", "60"], tls=True)
    admin = server.admin(keepalive=True)
    pool = admin.create_pool()
    socks = []
    try:
        started = time.monotonic()
        for i in range(100):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=15)
            if i % 2:
                s.sendall(PARTIAL_HELLO)
            socks.append(s)
        for _ in range(20):  # served while the stalled handshakes are open
            assert admin.check(admin.user["id"], pool["id"])["allowed"] is False
        for s in socks:
            raw = read_all(s, 15)
            assert raw.ended in ("eof", "reset"), raw
        took = time.monotonic() - started
        assert 1.5 <= took <= 12, f"stalled handshakes closed after {took:.1f}s, --read-timeout is 2"
    finally:
        for s in socks:
            s.close()
    for garbage in (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", bytes(range(256)) * 8, b"\x16\x03\x01\xff\xff" + bytes(100)):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        try:
            s.sendall(garbage)
            raw = read_all(s, 10)
        finally:
            s.close()
        assert raw.ended in ("eof", "reset"), raw
        assert not raw.data.startswith(b"HTTP/1.1 5"), raw
    assert wait_until(lambda: server.client(timeout=5).get("/healthz").status == 200, timeout=5)
    assert admin.check(admin.user["id"], pool["id"])["allowed"] is False
    admin.close()
    assert server.proc.poll() is None
