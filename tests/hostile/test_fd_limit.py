"""A server whose hard open-files limit is low: --max-connections is lowered below it, so a flood of
connections gets 503 at once instead of waiting unanswered, and the server recovers."""

import os
import socket

from conftest import api, wait_until

HARD_LIMIT = 300
RESERVED = 128  # kReservedFds in src/cli/server_commands.cc
HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


def status_of_one(s):
    data = b""
    while b"\r\n\r\n" not in data:
        b = s.recv(4096)
        if not b:
            break
        data += b
    return int(data.split()[1]) if data.startswith(b"HTTP/") else None


def test_connection_flood_under_a_low_fd_limit(server_factory, tmp_path, monkeypatch):
    wrapper = tmp_path / "jitgate-lowfd"
    wrapper.write_text(f"#!/bin/sh\nulimit -n {HARD_LIMIT}\nexec {api.BIN} \"$@\"\n")
    wrapper.chmod(0o755)
    monkeypatch.setattr(api, "BIN", str(wrapper))
    server = server_factory(args=["--idle-timeout", "60"])
    limit = HARD_LIMIT - RESERVED
    assert f"lowered to {limit}: the open files limit is {HARD_LIMIT}" in server.log_tail(), server.log_tail()

    admin = server.admin(keepalive=True)
    pool = admin.create_pool()
    socks, statuses = [], []
    try:
        for _ in range(limit + 40):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            s.sendall(HEALTHZ)
            statuses.append(status_of_one(s))
            socks.append(s)
        served, busy = statuses.count(200), statuses.count(503)
        assert served + busy == len(statuses), statuses
        # limit - 1 besides the admin's connection (a closed probe may still be counted for a moment)
        assert limit - 3 <= served <= limit - 1, f"{served} served besides the admin's connection, limit {limit}"
        # The kept-alive client is still served, store reads included.
        assert admin.check(admin.user["id"], pool["id"])["allowed"] is False
        assert admin.create_pool()["id"]
    finally:
        for s in socks:
            s.close()
    assert wait_until(lambda: server.client(timeout=5).get("/healthz").status == 200, timeout=10)
    assert len(os.listdir(f"/proc/{server.proc.pid}/fd")) < HARD_LIMIT
    admin.close()
