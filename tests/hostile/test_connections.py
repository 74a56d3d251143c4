"""Connection-level abuse: pipelining, the per-connection request cap, --max-connections, idle clients."""

import socket
import threading
import time

from conftest import Raw, assert_error, assert_still_serving, raise_fd_limit, read_all, send_raw, \
    wait_until

HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
MISSING = b"GET /api/v1/no-such-thing HTTP/1.1\r\nHost: x\r\n\r\n"


def pipeline(port, data, timeout=10):
    """Writes `data` from a thread while reading, so neither side's buffers can deadlock."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    writer = threading.Thread(target=lambda: _send_quietly(s, data))
    writer.start()
    try:
        return read_all(s, timeout)
    finally:
        writer.join()
        s.close()


def _send_quietly(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass  # the server closed after its cap; what it answered is what counts


def check_request(admin, user_id, pool_id):
    return (b"GET /api/v1/access/check?userId=%s&agentPoolId=%s&permission=USE HTTP/1.1\r\n"
            b"Host: x\r\nAuthorization: Bearer %s\r\n\r\n" % (user_id.encode(), pool_id.encode(),
                                                             admin.key.encode()))


def test_pipelined_requests_answered_in_order(hostile_server, granted):
    admin, (user_id, pool_id) = granted
    kinds = [HEALTHZ, MISSING, check_request(admin, user_id, pool_id), b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n"]
    order = [i % 4 for i in range(40)]
    raw = pipeline(hostile_server.port, b"".join(kinds[k] for k in order) +
                   b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    expected = [{0: 200, 1: 404, 2: 200, 3: 405}[k] for k in order] + [200]
    assert raw.statuses() == expected, raw
    assert raw.ended == "eof"
    assert raw.data.count(b'"allowed":true') == 10, "the checks' bodies are not the checks' answers"
    assert_still_serving(hostile_server, admin, (user_id, pool_id))


def test_default_cap_of_1000_requests_per_connection(hostile_server, granted):
    # 1500 pipelined in one go: exactly 1000 answers, the last with Connection: close, then a clean
    # close (FIN, not a reset that would destroy answers the client has not read yet).
    raw = pipeline(hostile_server.port, HEALTHZ * 1500)
    assert raw.ended == "eof", raw.ended
    assert raw.statuses() == [200] * 1000
    heads = raw.heads()
    assert "Connection: close" in heads[-1]
    assert not any("Connection: close" in h for h in heads[:-1])
    assert_still_serving(hostile_server, *granted)


def test_cap_flag_and_keep_alive_client_reconnects(server_factory):
    server = server_factory(args=["--max-requests-per-connection", "5"])
    raw = pipeline(server.port, HEALTHZ * 8)
    assert raw.statuses() == [200] * 5 and raw.ended == "eof", raw
    admin = server.admin(keepalive=True)
    pool = admin.create_pool()
    for _ in range(12):  # the client sees Connection: close every 5th answer and reconnects
        assert admin.check(admin.user["id"], pool["id"])["allowed"] is False
    admin.close()
    # 0 lifts the cap.
    unlimited = server_factory(args=["--max-requests-per-connection", "0"])
    raw = pipeline(unlimited.port, HEALTHZ * 1200 + b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert raw.statuses() == [200] * 1201, len(raw.statuses())


def test_cap_flag_from_environment(server_factory):
    server = server_factory(env={"JITGATE_MAX_REQUESTS_PER_CONNECTION": "3"})
    raw = pipeline(server.port, HEALTHZ * 4)
    assert raw.statuses() == [200] * 3, raw


def open_keepalive(port, n):
    """n connections that each completed one request and stay open."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(HEALTHZ)
        assert _one_response(s).startswith(b"HTTP/1.1 200"), "an accepted connection was not served"
        socks.append(s)
    return socks


def _one_response(s):
    data = b""
    while b"\r\n\r\n" not in data:
        b = s.recv(4096)
        if not b:
            return data
        data += b
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += s.recv(4096)
    return head + b"\r\n\r\n" + body


def try_open_keepalive(port, timeout):
    """A served keep-alive connection, retried while the server answers 503; None at the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(HEALTHZ)
        if _one_response(s).startswith(b"HTTP/1.1 200"):
            return s
        s.close()
        time.sleep(0.05)
    return None


def test_max_connections(server_factory):
    server = server_factory(args=["--max-connections", "50"])
    socks = open_keepalive(server.port, 50)
    try:
        # Connection 51 (and 52): answered 503 UNAVAILABLE and closed.
        for _ in range(2):
            raw = send_raw(server.port, HEALTHZ)
            assert raw.statuses() == [503] and raw.ended == "eof", raw
            body = raw.data.split(b"\r\n\r\n", 1)[1]
            assert b'"code":"UNAVAILABLE"' in body, body
        # The 50 are still served.
        for s in socks:
            s.sendall(HEALTHZ)
            assert _one_response(s).startswith(b"HTTP/1.1 200")
        # Closing 10 frees 10 places (once the server saw them go), and no more than 10.
        for s in socks[:10]:
            s.close()
        socks = socks[10:]
        while len(socks) < 50:
            s = try_open_keepalive(server.port, timeout=5)
            assert s is not None, f"only {len(socks)} connections served after closing 10 of 50"
            socks.append(s)
        raw = send_raw(server.port, HEALTHZ)
        assert raw.statuses() == [503], "one more than 50 open connections was served"
    finally:
        for s in socks:
            s.close()
    assert wait_until(lambda: send_raw(server.port, b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
                      .statuses() == [200], timeout=5)
    assert "--max-connections" in server.proc.args


def test_silent_connections_closed_by_idle_timeout(hostile_server, granted):
    # --idle-timeout 5: connections that never send a byte are closed after about 5 s.
    raise_fd_limit(300)
    socks = [socket.create_connection(("127.0.0.1", hostile_server.port), timeout=15) for _ in range(100)]
    started = time.monotonic()
    try:
        assert_still_serving(hostile_server, *granted)
        for s in socks:
            raw = read_all(s, 15)
            assert raw.data == b"" and raw.ended == "eof", raw
        took = time.monotonic() - started
        assert 4.0 <= took <= 14.0, f"idle connections closed after {took:.1f}s, --idle-timeout is 5"
    finally:
        for s in socks:
            s.close()
    assert_still_serving(hostile_server, *granted)


def test_serve_help_documents_the_connection_flags(hostile_server):
    import subprocess
    from conftest import api
    out = subprocess.run([api.BIN, "serve", "--help"], capture_output=True, text=True, timeout=30).stdout
    for flag in ("--max-connections", "--max-requests-per-connection", "--read-timeout", "--idle-timeout"):
        assert flag in out, f"{flag} missing from serve --help"


def test_clients_that_never_read_are_dropped(hostile_server, granted):
    # Pipelined requests for a large answer, never read: the server's write blocks, and the write
    # deadline (--read-timeout 2) ends the connection instead of holding it forever.
    import os
    pid = hostile_server.proc.pid
    fds = lambda: len(os.listdir(f"/proc/{pid}/fd"))  # noqa: E731
    assert wait_until(lambda: fds() <= 40, timeout=10)
    base = fds()
    socks = []
    try:
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", hostile_server.port), timeout=5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.setblocking(False)
            data = b"GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n" * 2000
            try:
                while data:
                    data = data[s.send(data):]
            except BlockingIOError:
                pass  # the server stopped reading: its answers fill the buffers
            socks.append(s)
        assert wait_until(lambda: fds() >= base + 20, timeout=5), "the slow readers were not accepted"
        assert_still_serving(hostile_server, *granted)
        started = time.monotonic()
        assert wait_until(lambda: fds() <= base, timeout=15), f"{fds() - base} slow readers still open"
        assert time.monotonic() - started <= 10
    finally:
        for s in socks:
            s.close()
    assert_still_serving(hostile_server, *granted)
