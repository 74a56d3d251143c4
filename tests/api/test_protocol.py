"""Protocol hygiene: bad bodies, wrong types, size limits, media types, unknown routes."""

import json
import socket
import threading

import pytest

from conftest import Response, assert_error, uniq

MIB = 1024 * 1024


def raw_exchange(port, head, body=b"", timeout=15):
    """Sends raw bytes (the body from a thread, so an early answer is still read)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * MIB)

    def send():
        try:
            s.sendall(head)
            for i in range(0, len(body), 65536):
                s.sendall(body[i:i + 65536])
        except OSError:
            pass  # the server may answer and close before reading everything

    t = threading.Thread(target=send, daemon=True)
    t.start()
    data = b""
    try:
        while True:
            if b"\r\n\r\n" in data:
                hdr, rest = data.split(b"\r\n\r\n", 1)
                length = None
                for line in hdr.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v.strip())
                if length is not None and len(rest) >= length:
                    break
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        if b"\r\n\r\n" not in data:
            raise
    finally:
        s.close()
        t.join(5)
    assert b"\r\n\r\n" in data, f"no HTTP response: {data[:200]!r}"
    hdr, rest = data.split(b"\r\n\r\n", 1)
    lines = hdr.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:] if ":" in line]
    return Response(status, headers, rest)


def post_raw(server, path, body, ctype="application/json", extra=""):
    head = (f"POST /api/v1{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {server.admin_info['apiKey']}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n{extra}"
            f"Connection: close\r\n\r\n").encode()
    return raw_exchange(server.port, head, body)


@pytest.mark.parametrize("raw", [b'{"name": ', b"not json", b"[]", b'["a"]', b'"string"', b"42",
                                 b"null", b"", b'{"name": "a"} trailing'],
                         ids=["truncated", "text", "empty-array", "array", "string", "number",
                              "null", "empty", "trailing"])
def test_malformed_json(admin, raw):
    assert_error(admin.post("/agent-pool", raw=raw), 400, "MALFORMED_JSON")


def test_invalid_utf8(admin):
    assert_error(admin.post("/agent-pool", raw=b'{"name": "bad \xff\xfe"}'), 400,
                 "MALFORMED_JSON")
    assert_error(admin.post("/users", raw=b'{"email": "\xc3(@example.com", "name": "x"}'), 400,
                 "MALFORMED_JSON")


def test_malformed_json_creates_nothing(admin):
    name = uniq("mal")
    admin.post("/agent-pool", raw=('{"name": "%s"' % name).encode())
    assert admin.ok("GET", "/agent-pool", params={"search": name})["total"] == 0


@pytest.mark.parametrize("path,body,field", [
    ("/agent-pool", {"name": 5}, "name"),
    ("/agent-pool", {"name": "ok", "description": ["x"]}, "description"),
    ("/users", {"email": 5, "name": "x"}, "email"),
    ("/users", {"email": "a@example.com", "name": "x", "roleManager": "yes"}, "roleManager"),
    ("/groups", {"name": "g", "memberIds": "abc"}, "memberIds"),
    ("/api-keys", {"label": {"a": 1}}, "label"),
])
def test_wrong_types(admin, path, body, field):
    assert_error(admin.post(path, body=body), 400, "VALIDATION_FAILED", field=field)


def test_unknown_field_on_other_creates(admin):
    assert_error(admin.post("/agent-pool", body={"name": uniq(), "foo": 1}), 400,
                 "VALIDATION_FAILED", field="foo")


def test_body_over_1mib_413(server):
    filler = MIB + 1 - len(b'{"name": ""}')
    body = b'{"name": "' + b"a" * filler + b'"}'
    assert len(body) == MIB + 1
    assert_error(post_raw(server, "/agent-pool", body), 413, "PAYLOAD_TOO_LARGE")


def test_body_of_exactly_1mib_is_read(server):
    filler = MIB - len(b'{"name": ""}')
    body = b'{"name": "' + b"a" * filler + b'"}'
    assert len(body) == MIB
    # Read and validated (name too long), not refused for size.
    assert_error(post_raw(server, "/agent-pool", body), 400, "VALIDATION_FAILED", field="name")


def test_huge_declared_length_413(server):
    head = (f"POST /api/v1/agent-pool HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {server.admin_info['apiKey']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {50 * MIB}\r\n\r\n").encode()
    assert_error(raw_exchange(server.port, head, b"{"), 413, "PAYLOAD_TOO_LARGE")


def test_headers_over_16kib_431(server, admin):
    r = admin.get("/me", headers={"X-Padding": "a" * (17 * 1024)})
    assert_error(r, 431, "HEADERS_TOO_LARGE")


def test_headers_of_8kib_ok(admin):
    assert admin.get("/me", headers={"X-Padding": "a" * (8 * 1024)}).status == 200


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded",
                                   "application/xml"])
def test_wrong_media_type_415(admin, ctype):
    r = admin.post("/agent-pool", raw=json.dumps({"name": uniq()}).encode(),
                   headers={"Content-Type": ctype})
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_json_with_charset_accepted(admin):
    r = admin.post("/agent-pool", raw=json.dumps({"name": uniq()}).encode(),
                   headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status == 201, r
    assert r.header("Content-Type").lower().replace(" ", "") == "application/json;charset=utf-8"


@pytest.mark.parametrize("path", ["/nope", "/users/x/y/z", "/jit-access/extra/segments",
                                  "/agent-pools"])
def test_unknown_api_route_404_json(admin, path):
    assert_error(admin.get(path), 404, "NOT_FOUND")


def test_unknown_api_version_404_json(admin):
    assert_error(admin.get("/api/v2/users"), 404, "NOT_FOUND")


def test_method_not_allowed_on_collection(admin):
    r = admin.delete("/agent-pool")
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    methods = {m.strip().upper() for m in (r.header("Allow") or "").split(",")}
    assert {"GET", "POST"} <= methods, r.header("Allow")


def test_keep_alive_many_requests(server):
    c = server.admin(keepalive=True)
    try:
        for _ in range(20):
            assert c.get("/me").status == 200
    finally:
        c.close()


def test_unicode_round_trip(admin):
    name = uniq("pool-ünïcødé-日本")
    p = admin.create_pool(name=name, description="emoji 🚀")
    got = admin.ok("GET", f"/agent-pool/{p['id']}")
    assert got["name"] == name and got["description"] == "emoji 🚀"
