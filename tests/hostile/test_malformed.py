"""Client garbage: every case gets a 4xx or a closed connection, never a 5xx or a crash, and a normal
client is served right after (asserted after each case)."""

import random
import socket

import pytest

from conftest import assert_still_serving, read_all, send_raw

API = "/api/v1"
MIB = 1024 * 1024


def req(line, *headers, body=b""):
    """A raw request: the request line, headers and body, CRLF-framed."""
    head = line + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n"
    return head + body


def post_users(*headers, body=b""):
    return req(b"POST " + API.encode() + b"/users HTTP/1.1", b"Host: x",
               b"Content-Type: application/json", *headers, body=body)


def chunked(*sizes):
    """A chunked body made of chunks of the given sizes, with the final 0-chunk."""
    return b"".join(b"%x\r\n" % n + b"a" * n + b"\r\n" for n in sizes) + b"0\r\n\r\n"


RNG = random.Random(5)

# name -> (bytes to send, the exact status expected, or None for "any 4xx or a silent close")
CASES = {
    # sizes
    "one-header-over-16KiB": (req(b"GET /healthz HTTP/1.1", b"X-Big: " + b"a" * 17000), 431),
    "many-small-headers-over-16KiB": (
        req(b"GET /healthz HTTP/1.1", *[b"X-%05d: %s" % (i, b"v" * 14) for i in range(1000)]), 431),
    "header-count-flood": (req(b"GET /healthz HTTP/1.1", *[b"X%d:" % i for i in range(20000)]), 431),
    "request-line-over-16KiB": (req(b"GET /" + b"a" * 17000 + b" HTTP/1.1"), 431),
    "body-over-1MiB": (post_users(b"Content-Length: %d" % (MIB + 1), body=b"a" * (MIB + 1)), 413),
    "lying-content-length-over-limit": (post_users(b"Content-Length: %d" % (64 * MIB), body=b"{}"), 413),
    "chunked-body-over-1MiB": (post_users(b"Transfer-Encoding: chunked",
                                          body=chunked(*[64 * 1024] * 17)), 413),
    "one-chunk-declared-over-1MiB": (post_users(b"Transfer-Encoding: chunked",
                                                body=b"%x\r\n" % (2 * MIB) + b"a" * 100), 413),
    "chunk-size-overflowing-64-bits": (post_users(b"Transfer-Encoding: chunked",
                                                  body=b"FFFFFFFFFFFFFFFFFFFF\r\na\r\n"), None),
    "content-length-20-digits": (post_users(b"Content-Length: 99999999999999999999999"), None),
    "content-length-2^64-1": (post_users(b"Content-Length: 18446744073709551615"), None),
    "content-length-negative": (post_users(b"Content-Length: -1"), 400),
    "content-length-not-a-number": (post_users(b"Content-Length: 1e3"), 400),
    "content-length-twice-differing": (post_users(b"Content-Length: 1", b"Content-Length: 2",
                                                  body=b"{}"), 400),
    "content-length-and-chunked": (post_users(b"Content-Length: 5", b"Transfer-Encoding: chunked",
                                              body=b"0\r\n\r\n"), 400),
    "transfer-encoding-gzip": (post_users(b"Transfer-Encoding: gzip", body=b"{}"), 400),
    "transfer-encoding-chunked-then-gzip": (post_users(b"Transfer-Encoding: chunked",
                                                       b"Transfer-Encoding: gzip", body=b"{}"), 400),
    # methods and versions
    "method-with-bad-character": (req(b"G@T /healthz HTTP/1.1", b"Host: x"), 400),
    "method-empty": (req(b" /healthz HTTP/1.1", b"Host: x"), 400),
    "method-unknown-token": (req(b"BREW /healthz HTTP/1.1", b"Host: x", b"Connection: close"), None),
    "method-lowercase": (req(b"get /healthz HTTP/1.1", b"Host: x", b"Connection: close"), None),
    "method-connect": (req(b"CONNECT example.com:443 HTTP/1.1", b"Host: example.com:443",
                           b"Connection: close"), None),
    "options-asterisk": (req(b"OPTIONS * HTTP/1.1", b"Host: x", b"Connection: close"), None),
    "http2-preface": (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x12\x04\x00\x00\x00\x00\x00", None),
    "http2-version": (req(b"GET /healthz HTTP/2.0", b"Host: x"), None),
    "http-0.9": (b"GET /healthz\r\n", None),
    "http-0.9-version": (req(b"GET /healthz HTTP/0.9"), None),
    "http-1.7": (req(b"GET /healthz HTTP/1.7", b"Host: x"), None),
    "http-3.0": (req(b"GET /healthz HTTP/3.0", b"Host: x"), None),
    "http-1.10": (req(b"GET /healthz HTTP/1.10", b"Host: x"), None),
    "http-lowercase": (req(b"GET /healthz http/1.1", b"Host: x"), None),
    "version-missing": (req(b"GET /healthz", b"Host: x"), None),
    # garbage
    "random-bytes": (bytes(RNG.randrange(256) for _ in range(64 * 1024)), None),
    "all-byte-values": (bytes(range(256)) * 16, None),
    "tls-client-hello-on-plain-port": (bytes.fromhex("16030100a5010000a10303") + bytes(160), None),
    "nul-in-request-line": (req(b"GET /heal\x00thz HTTP/1.1", b"Host: x"), 400),
    "nul-in-header-value": (req(b"GET /healthz HTTP/1.1", b"Host: x\x00y"), 400),
    "nul-percent-encoded-in-path": (req(b"GET /api/v1/users/%00 HTTP/1.1", b"Host: x",
                                        b"Connection: close"), 400),
    "bad-percent-encoding": (req(b"GET /api/v1/%zz HTTP/1.1", b"Host: x", b"Connection: close"), 400),
    "bare-lf-line-endings": (b"GET /healthz HTTP/1.1\nHost: x\n\n", None),
    "space-before-colon": (req(b"GET /healthz HTTP/1.1", b"Host : x"), 400),
    "header-without-colon": (req(b"GET /healthz HTTP/1.1", b"Host x"), 400),
    "only-blank-lines": (b"\r\n" * 5000, None),
    "relative-target": (req(b"GET healthz HTTP/1.1", b"Host: x", b"Connection: close"), 400),
}


# Well-framed requests with a bad target: answered 400, the connection may stay open.
FRAMED = {"nul-percent-encoded-in-path", "bad-percent-encoding", "relative-target"}


def expects_close(raw, expected):
    """Judges one answer against the rules; returns the statuses seen."""
    statuses = raw.statuses()
    assert all(s < 500 for s in statuses), f"5xx for client garbage: {statuses} {raw!r}"
    if expected is not None:
        assert statuses[:1] == [expected], f"expected {expected}, got {statuses} {raw!r}"
    else:
        assert statuses or raw.ended in ("eof", "reset"), f"neither an answer nor a close: {raw!r}"
        assert all(400 <= s < 500 for s in statuses), f"not a 4xx: {statuses} {raw!r}"
    return statuses


@pytest.mark.parametrize("name", sorted(CASES))
def test_garbage_gets_4xx_or_close(hostile_server, granted, name):
    data, expected = CASES[name]
    raw = send_raw(hostile_server.port, data, timeout=5)
    statuses = expects_close(raw, expected)
    if expected in (400, 413, 431) and name not in FRAMED:
        # A request that could not be read closes the connection after the answer.
        assert raw.ended == "eof", f"connection not closed after {statuses}: {raw!r}"
        assert "Connection: close" in raw.heads()[0], raw
    assert_still_serving(hostile_server, *granted)


def test_smuggled_request_after_unsupported_transfer_encoding_is_not_run(hostile_server, granted):
    # With Transfer-Encoding: gzip the body's length is unknowable: reading the body as the next
    # request would let it bypass whatever fronts the server.
    smuggled = req(b"GET /healthz HTTP/1.1", b"Host: x")
    raw = send_raw(hostile_server.port, post_users(b"Transfer-Encoding: gzip", body=smuggled))
    assert raw.statuses() == [400], raw
    assert raw.ended == "eof"
    assert_still_serving(hostile_server, *granted)


def test_request_line_without_crlf_then_half_close(hostile_server, granted):
    raw = send_raw(hostile_server.port, b"GET /healthz HTTP/1.1", shut_wr=True)
    assert raw.statuses() == [] and raw.ended == "eof", raw
    assert_still_serving(hostile_server, *granted)


def test_request_line_without_crlf_closed_by_read_timeout(hostile_server, granted):
    # --read-timeout 2: an unfinished request is dropped silently after about 2 s.
    raw = send_raw(hostile_server.port, b"GET /healthz HTTP/1.1", timeout=10)
    assert raw.statuses() == [] and raw.ended == "eof", raw
    assert_still_serving(hostile_server, *granted)


def test_truncated_body_then_half_close(hostile_server, granted):
    raw = send_raw(hostile_server.port, post_users(b"Content-Length: 100", body=b"{\"a\":"), shut_wr=True)
    assert raw.statuses() == [] and raw.ended == "eof", raw
    assert_still_serving(hostile_server, *granted)


def test_lying_content_length_shorter_than_body(hostile_server, granted):
    # Content-Length: 2 covers "{}"; the rest is read as a second request, which is garbage.
    admin, _ = granted
    data = req(b"POST /api/v1/agent-pool HTTP/1.1", b"Host: x", b"Content-Type: application/json",
               b"Authorization: Bearer " + admin.key.encode(), b"Content-Length: 2",
               body=b"{}XYZ garbage that is no request\r\n\r\n")
    raw = send_raw(hostile_server.port, data)
    assert raw.statuses() == [400, 400], raw  # {} misses the name; then a malformed request
    assert raw.ended == "eof"
    assert_still_serving(hostile_server, *granted)


def test_request_answered_after_half_close(hostile_server, granted):
    raw = send_raw(hostile_server.port, req(b"GET /healthz HTTP/1.1", b"Host: x"), shut_wr=True)
    assert raw.statuses() == [200] and raw.ended == "eof", raw
    # Also for a request whose handler takes the blocking pool (a store write).
    admin, _ = granted
    data = req(b"POST /api/v1/agent-pool HTTP/1.1", b"Host: x", b"Content-Type: application/json",
               b"Authorization: Bearer " + admin.key.encode(), b"Content-Length: 24",
               body=b'{"name":"half-closed-1"}')
    raw = send_raw(hostile_server.port, data, shut_wr=True)
    assert raw.statuses() == [201] and raw.ended == "eof", raw
    assert_still_serving(hostile_server, *granted)


def test_headers_just_under_the_limit_are_served(hostile_server):
    # The total limit (16 KiB) must not reject what the contract allows.
    raw = send_raw(hostile_server.port, req(b"GET /healthz HTTP/1.1", b"Connection: close",
                                           *[b"X-%05d: %s" % (i, b"v" * 14) for i in range(600)]))
    assert raw.statuses() == [200], raw


def test_http10_without_keep_alive_closes(hostile_server, granted):
    raw = send_raw(hostile_server.port, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert raw.statuses() == [200] and raw.ended == "eof", raw
    assert "Connection: close" in raw.heads()[0]
    assert_still_serving(hostile_server, *granted)


def test_http10_with_keep_alive_stays_open(hostile_server, granted):
    s = socket.create_connection(("127.0.0.1", hostile_server.port), timeout=5)
    try:
        for _ in range(3):
            s.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                b = s.recv(4096)
                assert b, f"closed after {head!r}"
                head += b
            assert head.startswith(b"HTTP/1.1 200"), head
            assert b"Connection: keep-alive" in head, head
    finally:
        s.close()
    assert_still_serving(hostile_server, *granted)


def test_expect_100_continue(hostile_server, granted):
    admin, _ = granted
    body = b'{"name":"expect-continue-1"}'
    s = socket.create_connection(("127.0.0.1", hostile_server.port), timeout=5)
    try:
        s.sendall(req(b"POST /api/v1/agent-pool HTTP/1.1", b"Host: x", b"Content-Type: application/json",
                      b"Authorization: Bearer " + admin.key.encode(), b"Expect: 100-continue",
                      b"Connection: close", b"Content-Length: %d" % len(body)))
        interim = s.recv(4096)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim
        s.sendall(body)
        raw = read_all(s, 5)
    finally:
        s.close()
    assert raw.statuses() == [201], raw
    assert_still_serving(hostile_server, *granted)


def test_expect_100_continue_with_body_over_limit_gets_413_without_continue(hostile_server, granted):
    raw = send_raw(hostile_server.port, post_users(b"Expect: 100-continue", b"Content-Length: %d" % (2 * MIB)))
    assert raw.statuses() == [413], raw
    assert b"100 Continue" not in raw.data
    assert_still_serving(hostile_server, *granted)


def test_unknown_expectation(hostile_server, granted):
    raw = send_raw(hostile_server.port, req(b"GET /healthz HTTP/1.1", b"Host: x", b"Expect: 200-ok",
                                           b"Connection: close"))
    assert raw.statuses() and all(s < 500 for s in raw.statuses()), raw
    assert_still_serving(hostile_server, *granted)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


@pytest.mark.parametrize("name,prefix,filler", [
    ("endless-chunk-extension", b"2;", b"a"),
    ("endless-chunk-size", b"", b"0"),
    ("endless-trailer", b"2\r\n{}\r\n0\r\nX-Trailer: ", b"a"),
])
def test_endless_chunk_framing_is_refused_without_buffering_it(hostile_server, granted, name, prefix, filler):
    # Body bytes count against the 1 MiB limit, but a chunk-size line, an extension or a trailer
    # that never ends used to be buffered whole: 200 MB in 2 s grew the server by 200 MB.
    before = rss_kb(hostile_server.proc.pid)
    head = post_users(b"Transfer-Encoding: chunked") + prefix
    raw = send_raw(hostile_server.port, None, chunks=[head] + [filler * MIB] * 32, timeout=5)
    assert raw.statuses() == [400], raw
    assert raw.ended in ("eof", "reset"), raw
    grown = rss_kb(hostile_server.proc.pid) - before
    assert grown < 16 * 1024, f"the server grew by {grown} kB buffering {name}"
    assert_still_serving(hostile_server, *granted)


def test_slow_bodies_are_dropped_by_the_read_timeout(hostile_server, granted):
    # R.U.D.Y.: complete headers, then a body trickled a byte at a time. --read-timeout 2 bounds
    # the whole request, so each is dropped after about 2 s however steadily it trickles.
    import time
    socks = []
    try:
        for _ in range(50):
            s = socket.create_connection(("127.0.0.1", hostile_server.port), timeout=10)
            s.sendall(post_users(b"Content-Length: 100000", body=b"{"))
            socks.append(s)
        started, closed_at = time.monotonic(), {}
        while len(closed_at) < len(socks) and time.monotonic() - started < 12:
            for s in socks:
                if s in closed_at:
                    continue
                try:
                    s.send(b" ")
                except OSError:
                    closed_at[s] = time.monotonic() - started
            assert_still_serving(hostile_server)
            time.sleep(0.2)
        assert len(closed_at) == len(socks), f"{len(socks) - len(closed_at)} slow bodies still open"
        assert min(closed_at.values()) >= 1.5, min(closed_at.values())
    finally:
        for s in socks:
            s.close()
    assert_still_serving(hostile_server, *granted)
