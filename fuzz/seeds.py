#!/usr/bin/python3
"""Writes the seed corpus of every fuzz target (fuzz/corpus/<target>/seed-*) from API.md examples and
edge cases. Seeds found by fuzzing (regress-*, kept for their regression tests) are left alone.
Run from anywhere: /usr/bin/python3 fuzz/seeds.py"""
import json, os, struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# ---- json_body_fuzzer: byte 0 = route (table order of the routes with a body), byte 1 = caller
ROUTES = ["post-users", "patch-user", "post-pool", "patch-pool", "post-group", "patch-group",
          "post-grant", "post-check", "post-key", "login"]
ADMIN, USER = 0, 3
bodies = {
    "post-users": [{"email": "alice@example.com", "name": "Alice", "password": "correct horse battery", "roleManager": False},
                   {"email": "not-an-email", "name": "", "password": "short"},
                   {"email": "b@example.com", "name": "B", "id": "x", "createdAt": "2026-11-24T10:00:00.000Z"}],
    "patch-user": [{"name": "Alice B", "roleManager": True, "disabled": False, "password": "another long password"},
                   {"disabled": True}, {"roleManager": "yes"}],
    "post-pool": [{"name": "linux-pool", "description": "build agents"}, {"name": "x" * 101}, {"name": ""}],
    "patch-pool": [{"name": "renamed", "description": ""}, {"description": None}],
    "post-group": [{"name": "oncall", "memberIds": ["@user@"], "poolAccess": [{"agentPoolId": "@pool@", "role": "PRIVILEGED"}]},
                   {"name": "g2", "memberIds": ["nope", "nope"], "poolAccess": [{"agentPoolId": "x", "role": "ROOT"}]}],
    "patch-group": [{"memberIds": []}, {"poolAccess": [{"agentPoolId": "@pool@", "role": "STANDARD"}]}],
    "post-grant": [{"name": "oncall-alice-fri", "role": "STANDARD", "agentPoolIds": ["@pool@"], "userIds": ["@user@"],
                    "expiration": {"hours": 8}, "reason": "INC-1234"},
                   {"name": "d", "role": "PRIVILEGED", "agentPoolIds": ["@pool@"], "userIds": ["@user@", "@admin@"],
                    "expiration": {"days": 31}},
                   {"name": "at", "role": "STANDARD", "agentPoolIds": ["@pool@"], "userIds": ["@user@"],
                    "expiration": {"at": "@at@"}},
                   {"name": "", "role": "ADMIN", "agentPoolIds": [], "userIds": ["u", "u"],
                    "expiration": {"days": 0, "hours": 1}, "reason": "r" * 1001},
                   {"name": "big", "role": "STANDARD", "agentPoolIds": ["@pool@"], "userIds": ["@user@"],
                    "expiration": {"days": 9223372036854775807}},
                   {"name": "neg", "role": "STANDARD", "agentPoolIds": ["@pool@"], "userIds": ["@user@"],
                    "expiration": {"hours": -1}},
                   {"name": "tz", "role": "STANDARD", "agentPoolIds": ["@pool@"], "userIds": ["@user@"],
                    "expiration": {"at": "2026-11-24T12:00:00.5+02:00"}},
                   {"name": "ro", "status": "ACTIVE", "expiresAt": "2026-11-24T10:00:00.000Z"}],
    "post-check": [{"checks": [{"userId": "@user@", "agentPoolId": "@pool@", "permission": "USE"},
                               {"userId": "@admin@", "agentPoolId": "@pool@", "permission": "IGNORE_QUOTA"}]},
                   {"checks": []}, {"checks": [{"userId": 1}]}],
    "post-key": [{"label": "ci", "scopes": ["jit:read", "access:check"], "expiresAt": "2027-01-01T00:00:00Z"},
                 {"label": "", "scopes": ["root"]}, {"label": "x", "expiresAt": "yesterday"}],
    "login": [{"email": "admin0@fuzz.local", "password": "wrong password!"}, {"email": 5}],
}
for route, items in bodies.items():
    idx = ROUTES.index(route)
    for i, b in enumerate(items):
        caller = USER if (route == "post-key" and i == 0) else ADMIN
        write("json_body_fuzzer", f"{route}-{i}", bytes([idx, caller]) + json.dumps(b).encode())
for i, raw in enumerate([b"[]", b"{", b'{"name": "\\ud800"}', b'"str"', b"{" * 40 + b"}" * 40,
                         b'{"name":"a","name":"b"}', b'{"email":"\xff\xfe"}', b"{}", b" {} "]):
    write("json_body_fuzzer", f"raw-{i}", bytes([i % len(ROUTES), ADMIN]) + raw)

# ---- expiration_fuzzer: text, then 6 bytes of "now", then the mode byte (read from the end)
NOW = b"\x00\x10\x20\x30\x40\x50"
for i, t in enumerate(["2026-11-24T10:00:00.000Z", "2026-11-24t10:00:00z", "2024-02-29T23:59:59.999999999+14:00",
                       "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999-23:59", "2023-02-29T00:00:00Z",
                       "2026-13-01T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24 10:00:00Z", "2026-11-24T10:00:60Z"]):
    write("expiration_fuzzer", f"at-{i}", t.encode() + NOW + b"\x00")
for i, n in enumerate([1, 31, 32, 744, 745, -1, 0, 2**63 - 1, -2**63]):
    write("expiration_fuzzer", f"days-{i}", struct.pack(">q", n)[::-1] + NOW + b"\x01")
    write("expiration_fuzzer", f"hours-{i}", struct.pack(">q", n)[::-1] + NOW + b"\x02")
write("expiration_fuzzer", "format-0", struct.pack(">q", 1795514400000)[::-1] + NOW + b"\x03")
for i, t in enumerate(['"2026-11-24T10:00:00.000Z"', "12", "null", '{"at":1}', '"2026-11-24T10:00:00.000+25:00"']):
    write("expiration_fuzzer", f"json-{i}", t.encode() + NOW + b"\x04")

# ---- query_fuzzer: request-targets
for i, q in enumerate(["/api/v1/users?search=a%20b&offset=0&limit=10", "/api/v1/jit-access?status=all&userId=u&agentPoolId=p",
                       "?a=1&&b=2&c", "/x?a+b=c+d&%41=%42", "/x?bad=%4", "/x?nul=%00", "/p%2Fq?x=%zz",
                       "http://host:8080/a/b?c=d#frag", "http://host?x=1", "*", "/a#b?c",
                       "/api/v1/audit-events?since=2026-11-24T10:00:00Z&until=2026-11-25T00:00:00%2B01:00",
                       "theme=dark; jitgate_session=\"abc\"; x=y"]):
    write("query_fuzzer", f"{i}", q)

# ---- router_fuzzer: API table mode = path, method byte, then an odd last byte
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get"]
for i, (m, p) in enumerate([("GET", "/api/v1/users"), ("PATCH", "/api/v1/users/123"), ("GET", "/api/v1/users/1/access"),
                            ("PUT", "/api/v1/jit-access/abc"), ("HEAD", "/api/v1/agent-pool"), ("DELETE", "/api/v1/groups/"),
                            ("GET", "/api/v1//users"), ("OPTIONS", "/healthz"), ("get", "/metrics"),
                            ("GET", "/api/v1/audit-events/verify"), ("POST", "/api/v1/access/check"), ("GET", "/")]):
    write("router_fuzzer", f"api-{i}", p.encode() + bytes([METHODS.index(m), 1]))

# ---- http_request_fuzzer: byte 0 = credential (0 none, 1 admin key, 2 scoped, 3 user, 4 session,
# 5 session without CSRF, 6 bogus, 7 revoked); the rest is what the client sends
def req(method, target, body=None, headers=(), version="1.1"):
    head = f"{method} {target} HTTP/{version}\r\nHost: jitgate.test\r\n"
    for h in headers:
        head += h + "\r\n"
    data = b""
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        head += "Content-Type: application/json\r\n" + f"Content-Length: {len(data)}\r\n"
    return head.encode() + b"\r\n" + data

grant = {"name": "oncall", "role": "STANDARD", "agentPoolIds": ["@pool@"], "userIds": ["@user@"], "expiration": {"hours": 8},
         "reason": "INC-1234"}
http = {
    "users-list": (1, req("GET", "/api/v1/users?search=fuzz&offset=0&limit=5")),
    "users-create": (1, req("POST", "/api/v1/users", {"email": "new@example.com", "name": "New", "password": "long enough pass"},
                            ["Idempotency-Key: abc-1"])),
    "users-get": (3, req("GET", "/api/v1/users/@user@")),
    "users-patch": (1, req("PATCH", "/api/v1/users/@user@", {"name": "Renamed"})),
    "users-delete": (1, req("DELETE", "/api/v1/users/@user@")),
    "users-access": (2, req("GET", "/api/v1/users/@user@/access")),
    "me": (3, req("GET", "/api/v1/me")),
    "me-access": (4, req("GET", "/api/v1/me/access")),
    "pools": (3, req("GET", "/api/v1/agent-pool?search=POOL&limit=1000")),
    "pools-create": (1, req("POST", "/api/v1/agent-pool", {"name": "p1", "description": "d"})),
    "pools-patch": (4, req("PATCH", "/api/v1/agent-pool/@pool@", {"description": "x"}, ["X-CSRF-Token: wrong"])),
    "pools-delete": (5, req("DELETE", "/api/v1/agent-pool/@pool@")),
    "groups": (1, req("GET", "/api/v1/groups")),
    "groups-create": (1, req("POST", "/api/v1/groups", {"name": "g", "memberIds": ["@user@"],
                                                         "poolAccess": [{"agentPoolId": "@pool@", "role": "STANDARD"}]})),
    "groups-get": (1, req("GET", "/api/v1/groups/@group@")),
    "grant-create": (1, req("POST", "/api/v1/jit-access", grant, ["Idempotency-Key: k1"])),
    "grant-list": (2, req("GET", "/api/v1/jit-access?status=all&userId=@user@&agentPoolId=@pool@&offset=0&limit=10")),
    "grant-get": (1, req("GET", "/api/v1/jit-access/@grant@")),
    "grant-revoke": (1, req("DELETE", "/api/v1/jit-access/@grant@")),
    "grant-put": (1, req("PUT", "/api/v1/jit-access/@grant@", grant)),
    "check": (2, req("GET", "/api/v1/access/check?userId=@user@&agentPoolId=@pool@&permission=USE")),
    "check-batch": (1, req("POST", "/api/v1/access/check", {"checks": [{"userId": "@user@", "agentPoolId": "@pool@",
                                                                        "permission": "IGNORE_QUOTA"}]})),
    "keys": (3, req("GET", "/api/v1/api-keys")),
    "keys-create": (3, req("POST", "/api/v1/api-keys", {"label": "ci", "scopes": ["jit:read"]})),
    "keys-revoke": (3, req("DELETE", "/api/v1/api-keys/@key@")),
    "login": (0, req("POST", "/api/v1/auth/login", {"email": "user1@fuzz.local", "password": "wrong password"})),
    "logout": (4, req("POST", "/api/v1/auth/logout")),
    "audit": (1, req("GET", "/api/v1/audit-events?type=jit.granted&since=2026-01-01T00:00:00Z&limit=3")),
    "audit-verify": (1, req("GET", "/api/v1/audit-events/verify")),
    "healthz": (0, req("GET", "/healthz")),
    "readyz": (0, req("HEAD", "/readyz")),
    "metrics": (0, req("GET", "/metrics")),
    "openapi": (0, req("GET", "/api/openapi.json")),
    "portal": (0, req("GET", "/")),
    "portal-asset": (0, req("GET", "/assets/app.js")),
    "portal-missing-asset": (0, req("GET", "/assets/nope.js")),
    "portal-route": (0, req("GET", "/grants/new?x=1")),
    "portal-escape": (0, req("GET", "/escape.txt")),
    "portal-dotdot": (0, req("GET", "/%2e%2e/secret.txt")),
    "portal-post": (0, req("POST", "/", b"x")),
    "unauth": (6, req("GET", "/api/v1/users")),
    "revoked": (7, req("GET", "/api/v1/me")),
    "wrong-type": (1, req("POST", "/api/v1/agent-pool", b"name=x").replace(b"application/json", b"text/plain")),
    "malformed-json": (1, req("POST", "/api/v1/agent-pool", b"{\"name\":")),
    "pipelined": (1, req("GET", "/healthz") + req("GET", "/api/v1/me") + req("DELETE", "/api/v1/jit-access/@grant@")),
    "http10": (1, req("GET", "/api/v1/me", version="1.0")),
    "chunked": (1, b"POST /api/v1/agent-pool HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n7\r\n{\"name\"\r\n7\r\n:\"ch1\"}\r\n0\r\n\r\n"),
    "expect": (1, req("POST", "/api/v1/agent-pool", {"name": "e"}, ["Expect: 100-continue"])),
    "too-large": (1, b"POST /api/v1/agent-pool HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n{}"),
    "bad-percent": (1, req("GET", "/api/v1/users?search=%zz")),
    "absolute-form": (1, req("GET", "http://jitgate.test/api/v1/me")),
    "bad-request": (0, b"GET\r\n\r\n"),
    "bearer-lower": (0, req("GET", "/api/v1/me", headers=["authorization: bearer jg_x"])),
    "cookie-quoted": (0, req("GET", "/api/v1/me", headers=['Cookie: jitgate_session="abc"'])),
}
for name, (cred, data) in http.items():
    write("http_request_fuzzer", name, bytes([cred]) + data)
