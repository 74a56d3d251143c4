"""The authorization matrix: every route x every kind of caller -> exactly the contract's answer.

The list of operations comes from GET /api/openapi.json, which is generated from the route table
(src/api/routes.cc; checked below against that file). EXPECTED is written by hand from API.md and
keyed by (method, path template): an operation without a row, or a row without an operation, fails.
"""

import os
import re
import time
import uuid

import pytest

from api_helpers import API, Client, Server, assert_error, fmt_ts, now_ms, uniq

ROUTES_CC = os.path.join(os.path.dirname(__file__), "..", "..", "src", "api", "routes.cc")
ALL_SCOPES = ["jit:read", "jit:write", "directory:read", "directory:write", "access:check", "audit:read",
              "keys:write"]
PUBLIC, AUTH, MANAGER = "public", "authenticated", "role manager"


class Row:
    """What API.md says of one operation: who may call it, the key scope it needs, its success."""

    def __init__(self, access, scope, ok):
        self.access, self.scope, self.ok = access, scope, ok


# Written from API.md "Roles and permissions" and "API keys" (scopes), not read from the code.
EXPECTED = {
    ("GET", "/api/v1/users"): Row(MANAGER, "directory:read", 200),
    ("POST", "/api/v1/users"): Row(MANAGER, "directory:write", 201),
    ("GET", "/api/v1/users/{id}"): Row(AUTH, "directory:read", 200),          # non-manager: only self
    ("PATCH", "/api/v1/users/{id}"): Row(MANAGER, "directory:write", 200),
    ("DELETE", "/api/v1/users/{id}"): Row(MANAGER, "directory:write", 204),
    ("GET", "/api/v1/users/{id}/access"): Row(AUTH, "access:check", 200),    # non-manager: only self
    ("GET", "/api/v1/me"): Row(AUTH, "", 200),
    ("GET", "/api/v1/me/access"): Row(AUTH, "", 200),
    ("GET", "/api/v1/agent-pool"): Row(AUTH, "directory:read", 200),
    ("POST", "/api/v1/agent-pool"): Row(MANAGER, "directory:write", 201),
    ("GET", "/api/v1/agent-pool/{id}"): Row(AUTH, "directory:read", 200),
    ("PATCH", "/api/v1/agent-pool/{id}"): Row(MANAGER, "directory:write", 200),
    ("DELETE", "/api/v1/agent-pool/{id}"): Row(MANAGER, "directory:write", 204),
    ("GET", "/api/v1/groups"): Row(MANAGER, "directory:read", 200),
    ("POST", "/api/v1/groups"): Row(MANAGER, "directory:write", 201),
    ("GET", "/api/v1/groups/{id}"): Row(MANAGER, "directory:read", 200),
    ("PATCH", "/api/v1/groups/{id}"): Row(MANAGER, "directory:write", 200),
    ("DELETE", "/api/v1/groups/{id}"): Row(MANAGER, "directory:write", 204),
    ("POST", "/api/v1/jit-access"): Row(MANAGER, "jit:write", 201),
    ("GET", "/api/v1/jit-access"): Row(MANAGER, "jit:read", 200),
    ("GET", "/api/v1/jit-access/{id}"): Row(MANAGER, "jit:read", 200),
    ("DELETE", "/api/v1/jit-access/{id}"): Row(MANAGER, "jit:write", 204),
    ("GET", "/api/v1/access/check"): Row(AUTH, "access:check", 200),         # non-manager: only self
    ("POST", "/api/v1/access/check"): Row(AUTH, "access:check", 200),        # non-manager: only self
    ("GET", "/api/v1/api-keys"): Row(AUTH, "keys:write", 200),               # own; manager: userId=
    ("POST", "/api/v1/api-keys"): Row(AUTH, "keys:write", 201),
    ("DELETE", "/api/v1/api-keys/{id}"): Row(AUTH, "keys:write", 204),       # own; manager: any
    ("POST", "/api/v1/auth/login"): Row(PUBLIC, "", 200),
    ("POST", "/api/v1/auth/logout"): Row(AUTH, "", 204),
    ("GET", "/api/v1/audit-events"): Row(MANAGER, "audit:read", 200),
    ("GET", "/api/v1/audit-events/verify"): Row(MANAGER, "audit:read", 200),
    ("GET", "/healthz"): Row(PUBLIC, "", 200),
    ("GET", "/readyz"): Row(PUBLIC, "", 200),
    ("GET", "/metrics"): Row(PUBLIC, "", 200),
    ("GET", "/api/openapi.json"): Row(PUBLIC, "", 200),
}

# The callers of the matrix. Each gets a fresh request built for it (see World.request_for).
CALLERS = ["admin", "none", "unknown_key", "revoked_key", "expired_key", "disabled_user", "no_scope",
           "non_manager", "cookie_no_csrf", "cookie_wrong_csrf", "cookie_with_csrf"]


def expected_for(row, method, caller):
    """(status, code or None) the contract prescribes for `caller` on an operation described by `row`."""
    if row.access == PUBLIC or caller in ("admin", "cookie_with_csrf"):
        return row.ok, None
    if caller in ("none", "unknown_key", "revoked_key", "expired_key", "disabled_user"):
        return 401, "UNAUTHORIZED"
    if caller in ("cookie_no_csrf", "cookie_wrong_csrf"):
        return (row.ok, None) if method in ("GET", "HEAD") else (403, "CSRF_FAILED")
    if caller == "no_scope":
        return (403, "FORBIDDEN") if row.scope else (row.ok, None)
    if caller == "non_manager":
        return (403, "FORBIDDEN") if row.access == MANAGER else (row.ok, None)
    raise AssertionError(caller)


# ----------------------------------------------------------------------------- the world

class World:
    """One server with every kind of caller and the objects the requests name."""

    def __init__(self, server):
        self.server = server
        self.admin = server.admin()
        a = self.admin
        # A non-manager with a full key (and a password for login), and a second one to be "other".
        self.member = a.new_user_client(role_manager=False)
        self.other = a.new_user_client(role_manager=False)
        # Keys that must not authenticate.
        k = a.ok("POST", "/api-keys", 201, body={"label": uniq("revoked")})
        a.ok("DELETE", f"/api-keys/{k['id']}", 204)
        self.revoked_key = k["key"]
        self.expired_at_ms = now_ms() + 3000  # waited for once, before the matrix runs
        self.expired_key = a.ok("POST", "/api-keys", 201, body={
            "label": uniq("expiring"), "expiresAt": fmt_ts(self.expired_at_ms)})["key"]
        Client(server.port, key=self.expired_key).ok("GET", "/me")  # works until it expires
        disabled = a.new_user_client(role_manager=True)  # a manager: only the disabling denies it
        a.ok("PATCH", f"/users/{disabled.user['id']}", 200, body={"disabled": True})
        self.disabled_key = disabled.key
        self.disabled_password = disabled.password
        self.disabled_email = disabled.user["email"]
        # Role-manager keys each missing exactly one scope; and one with a single scope for routes
        # that need none.
        self.keys_without = {}
        for s in ALL_SCOPES:
            body = {"label": uniq("scoped"), "scopes": [x for x in ALL_SCOPES if x != s]}
            self.keys_without[s] = a.ok("POST", "/api-keys", 201, body=body)["key"]
        self.key_one_scope = a.ok("POST", "/api-keys", 201,
                                  body={"label": uniq("one"), "scopes": ["audit:read"]})["key"]
        # A role manager's cookie session (so only the CSRF token matters).
        self.manager_pw = "pw-" + uuid.uuid4().hex
        self.manager = a.create_user(password=self.manager_pw, role_manager=True)
        self.session, _ = a.login(self.manager["email"], self.manager_pw)
        # Objects the denied requests name (they must survive the matrix unchanged).
        self.pool = a.create_pool()
        self.group = a.create_group(member_ids=[self.other.user["id"]],
                                    pool_access=[(self.pool["id"], "STANDARD")])
        self.grant = a.create_grant([self.pool["id"]], [self.other.user["id"]])
        self.victim = a.create_user()
        self.victim_key = a.ok("POST", "/api-keys", 201, body={"label": uniq("victim")})

    def wait_expired_key(self):
        delay = (self.expired_at_ms + 100 - now_ms()) / 1000.0
        if delay > 0:
            time.sleep(delay)

    # --- callers ----------------------------------------------------------------------------------

    def client_for(self, caller):
        port = self.server.port
        if caller == "admin":
            return self.admin
        if caller == "none":
            return Client(port)
        if caller == "unknown_key":
            return Client(port, key="jg_" + uuid.uuid4().hex + uuid.uuid4().hex)
        if caller == "revoked_key":
            return Client(port, key=self.revoked_key)
        if caller == "expired_key":
            return Client(port, key=self.expired_key)
        if caller == "disabled_user":
            return Client(port, key=self.disabled_key)
        if caller == "non_manager":
            return self.member
        if caller == "cookie_no_csrf":
            return Client(port, cookie=self.session.cookie)
        if caller == "cookie_wrong_csrf":
            return Client(port, cookie=self.session.cookie, csrf="x" + (self.session.csrf or ""))
        if caller == "cookie_with_csrf":
            return Client(port, cookie=self.session.cookie, csrf=self.session.csrf)
        raise AssertionError(caller)

    def scoped_client(self, row):
        key = self.keys_without[row.scope] if row.scope else self.key_one_scope
        return Client(self.server.port, key=key)

    # --- requests ---------------------------------------------------------------------------------

    def request_for(self, method, template, expect_success, caller):
        """(path, params, body) for one call. A call expected to succeed gets objects of its own
        (so a DELETE has something to delete); a denied call names the shared objects."""
        a = self.admin
        own = caller == "non_manager"  # a non-manager's allowed calls are about themselves
        me = self.member.user["id"] if own else a.user["id"]
        ids = {}
        if "{id}" in template:
            if template.startswith("/api/v1/users/{id}/access"):
                ids["id"] = me
            elif template.startswith("/api/v1/users/{id}"):
                if own:
                    ids["id"] = me
                else:
                    ids["id"] = a.create_user()["id"] if expect_success else self.victim["id"]
            elif template.startswith("/api/v1/agent-pool/"):
                ids["id"] = a.create_pool()["id"] if expect_success and method != "GET" else self.pool["id"]
            elif template.startswith("/api/v1/groups/"):
                ids["id"] = a.create_group()["id"] if expect_success and method != "GET" else self.group["id"]
            elif template.startswith("/api/v1/jit-access/"):
                ids["id"] = (a.create_grant([self.pool["id"]], [self.other.user["id"]])["id"]
                             if expect_success and method != "GET" else self.grant["id"])
            elif template.startswith("/api/v1/api-keys/"):
                if expect_success:
                    owner = self.member if own else a
                    ids["id"] = owner.ok("POST", "/api-keys", 201, body={"label": uniq("k")})["id"]
                else:
                    ids["id"] = self.victim_key["id"]
            else:
                raise AssertionError(f"no id for {template}: add it to World.request_for")
        path = template.replace("{id}", ids.get("id", ""))
        params, body = None, None
        if (method, template) == ("GET", "/api/v1/access/check"):
            params = {"userId": me, "agentPoolId": self.pool["id"], "permission": "USE"}
        elif (method, template) == ("POST", "/api/v1/access/check"):
            body = {"checks": [{"userId": me, "agentPoolId": self.pool["id"], "permission": "USE"}]}
        elif (method, template) == ("POST", "/api/v1/users"):
            body = {"email": f"{uniq('m')}@example.com", "name": uniq("M")}
        elif (method, template) == ("PATCH", "/api/v1/users/{id}"):
            body = {"name": uniq("renamed")}
        elif (method, template) == ("POST", "/api/v1/agent-pool"):
            body = {"name": uniq("pool")}
        elif (method, template) == ("PATCH", "/api/v1/agent-pool/{id}"):
            body = {"description": uniq("d")}
        elif (method, template) == ("POST", "/api/v1/groups"):
            body = {"name": uniq("group")}
        elif (method, template) == ("PATCH", "/api/v1/groups/{id}"):
            body = {"name": uniq("group")}
        elif (method, template) == ("POST", "/api/v1/jit-access"):
            body = a.grant_body([self.pool["id"]], [self.other.user["id"]])
        elif (method, template) == ("POST", "/api/v1/api-keys"):
            body = {"label": uniq("k")}
        elif (method, template) == ("POST", "/api/v1/auth/login"):
            body = {"email": self.manager["email"], "password": self.manager_pw}
        elif method in ("POST", "PATCH", "PUT"):
            body = {}
        return path, params, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("authz")),
               args=["--max-active-grants", "10000", "--login-max-failures", "100000"])
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def world(server):
    return World(server)


@pytest.fixture(scope="module")
def operations(server):
    doc = server.admin().ok("GET", "/api/openapi.json", 200)
    ops = set()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
                ops.add((method.upper(), path))
    return doc, ops


# ----------------------------------------------------------------------------- the tests

def route_table_from_source():
    """(method, path) of every add({...}) in src/api/routes.cc."""
    with open(ROUTES_CC, encoding="utf-8") as f:
        src = f.read()
    ops = set()
    for m in re.finditer(r'add\(\{"([A-Z]+)",\s*(?:v1\("([^"]+)"\)|"([^"]+)")', src):
        ops.add((m.group(1), API + m.group(2) if m.group(2) else m.group(3)))
    assert len(ops) >= 30, f"could not read the route table from {ROUTES_CC}: {ops}"
    return ops


def test_openapi_is_the_route_table(operations):
    _, ops = operations
    table = route_table_from_source()
    assert ops == table, (f"in openapi.json only: {sorted(ops - table)}; "
                          f"in routes.cc only: {sorted(table - ops)}")


def test_every_operation_has_exactly_one_row(operations):
    _, ops = operations
    missing = sorted(ops - set(EXPECTED))
    stale = sorted(set(EXPECTED) - ops)
    assert not missing, f"operations without a row in EXPECTED (add one): {missing}"
    assert not stale, f"rows in EXPECTED naming no operation (remove them): {stale}"


def test_openapi_declares_the_same_access(operations):
    """What the document tells clients about security agrees with the contract's table."""
    doc, _ = operations
    for (method, path), row in EXPECTED.items():
        op = doc["paths"][path][method.lower()]
        assert (op.get("security") == []) == (row.access == PUBLIC), (method, path, op.get("security"))
        assert op.get("x-required-scope", "") == row.scope, (method, path, op.get("x-required-scope"))
        assert op.get("x-role-manager-only") == (row.access == MANAGER), (method, path)


def test_every_route_every_caller(world, operations):
    _, ops = operations
    world.wait_expired_key()
    failures = []
    for method, template in sorted(ops & set(EXPECTED)):
        row = EXPECTED[(method, template)]
        for caller in CALLERS:
            status, code = expected_for(row, method, caller)
            client = world.scoped_client(row) if caller == "no_scope" else world.client_for(caller)
            if template.endswith("/auth/logout") and status < 300 and client.cookie:
                client, _ = world.admin.login(world.manager["email"], world.manager_pw)  # keep the shared one
            path, params, body = world.request_for(method, template, status < 300, caller)
            kw = {"params": params}
            if body is not None:
                kw["body"] = body
            r = client.request(method, path, **kw)
            where = f"{method} {template} as {caller}"
            if r.status != status:
                failures.append(f"{where}: expected {status} {code or ''}, got {r.status} {r.body[:200]!r}")
                continue
            if code:
                try:
                    err = assert_error(r, status, code)
                    if status == 401:
                        assert err["message"] == "401 Unauthorized", err
                except AssertionError as e:
                    failures.append(f"{where}: {e}")
    assert not failures, f"{len(failures)} cells differ from the contract:\n" + "\n".join(failures)


def test_no_scope_column_covers_every_scope():
    """Each scope named by some row is tested by a key lacking exactly it."""
    assert {r.scope for r in EXPECTED.values() if r.scope} <= set(ALL_SCOPES)


def test_denied_calls_changed_nothing(world):
    """The shared objects every denied mutation named are all still there, unchanged."""
    world.wait_expired_key()
    a = world.admin
    assert a.ok("GET", f"/users/{world.victim['id']}")["name"] == world.victim["name"]
    assert a.ok("GET", f"/agent-pool/{world.pool['id']}")["description"] == world.pool["description"]
    assert a.ok("GET", f"/groups/{world.group['id']}")["name"] == world.group["name"]
    assert a.ok("GET", f"/jit-access/{world.grant['id']}")["status"] == "ACTIVE"
    keys = a.ok("GET", "/api-keys", params={"limit": 1000})["items"]
    assert world.victim_key["id"] in {k["id"] for k in keys}


# --- object-level checks ---------------------------------------------------------------------------

def test_non_manager_cannot_touch_another_users_keys(world):
    m, o = world.member, world.other
    assert_error(m.get("/api-keys", params={"userId": o.user["id"]}), 403, "FORBIDDEN")
    assert_error(m.delete(f"/api-keys/{o.key_obj['id']}"), 403, "FORBIDDEN")
    assert o.ok("GET", "/me")["id"] == o.user["id"], "the other user's key must still work"
    # Their own keys: listed (only theirs), and revocable.
    own = m.ok("GET", "/api-keys", params={"userId": m.user["id"], "limit": 1000})["items"]
    assert own and {k["userId"] for k in own} == {m.user["id"]}
    listed = m.ok("GET", "/api-keys", params={"limit": 1000})["items"]
    assert {k["userId"] for k in listed} == {m.user["id"]}
    extra = m.ok("POST", "/api-keys", 201, body={"label": uniq("own")})
    m.ok("DELETE", f"/api-keys/{extra['id']}", 204)
    assert_error(Client(m.port, key=extra["key"]).get("/me"), 401, "UNAUTHORIZED")


def test_manager_can_touch_another_users_keys(world):
    a, o = world.admin, world.other
    k = o.ok("POST", "/api-keys", 201, body={"label": uniq("mgr")})
    listed = a.ok("GET", "/api-keys", params={"userId": o.user["id"], "limit": 1000})["items"]
    assert k["id"] in {x["id"] for x in listed}
    a.ok("DELETE", f"/api-keys/{k['id']}", 204)
    assert_error(Client(a.port, key=k["key"]).get("/me"), 401, "UNAUTHORIZED")


def test_non_manager_cannot_read_another_users_access(world):
    m, o, pool = world.member, world.other, world.pool["id"]
    assert_error(m.get(f"/users/{o.user['id']}/access"), 403, "FORBIDDEN")
    assert_error(m.get(f"/users/{o.user['id']}"), 403, "FORBIDDEN")
    assert_error(m.get("/access/check", params={"userId": o.user["id"], "agentPoolId": pool,
                                                "permission": "USE"}), 403, "FORBIDDEN")
    batch = {"checks": [{"userId": m.user["id"], "agentPoolId": pool, "permission": "USE"},
                        {"userId": o.user["id"], "agentPoolId": pool, "permission": "USE"}]}
    assert_error(m.post("/access/check", body=batch), 403, "FORBIDDEN")
    # Their own: allowed.
    assert m.ok("GET", f"/users/{m.user['id']}/access")["items"] == []
    assert m.ok("GET", f"/users/{m.user['id']}")["id"] == m.user["id"]
    assert m.ok("GET", "/access/check", params={"userId": m.user["id"], "agentPoolId": pool,
                                               "permission": "USE"})["allowed"] is False


def test_manager_reads_another_users_access(world):
    a, o, pool = world.admin, world.other, world.pool["id"]
    items = a.ok("GET", f"/users/{o.user['id']}/access")["items"]
    assert [i["agentPoolId"] for i in items] == [pool]  # the group and the grant both give it
    assert a.ok("GET", "/access/check", params={"userId": o.user["id"], "agentPoolId": pool,
                                               "permission": "USE"})["allowed"] is True


def test_disabled_user_cannot_log_in_and_sessions_stop(world):
    """A disabled user's password no longer opens a session (401, same answer as a wrong one)."""
    r = Client(world.server.port).post("/auth/login", body={"email": world.disabled_email,
                                                            "password": world.disabled_password})
    assert_error(r, 401, "UNAUTHORIZED")
    # A live session stops when its user is disabled.
    pw = "pw-" + uuid.uuid4().hex
    u = world.admin.create_user(password=pw)
    s, _ = world.admin.login(u["email"], pw)
    assert s.ok("GET", "/me")["id"] == u["id"]
    world.admin.ok("PATCH", f"/users/{u['id']}", 200, body={"disabled": True})
    assert_error(s.get("/me"), 401, "UNAUTHORIZED")


def test_logged_out_session_is_unauthorized(world):
    pw = "pw-" + uuid.uuid4().hex
    u = world.admin.create_user(password=pw)
    s, _ = world.admin.login(u["email"], pw)
    s.ok("POST", "/auth/logout", 204)
    assert_error(s.get("/me"), 401, "UNAUTHORIZED")
    assert_error(s.post("/api-keys", body={"label": "x"}), 401, "UNAUTHORIZED")


def test_outside_the_table(world):
    """Paths and methods not in the table: 404 for unknown routes, 405 (with Allow) for PUT/PATCH
    on a grant, whoever asks."""
    a, g = world.admin, world.grant["id"]
    for c in (a, Client(world.server.port)):
        assert_error(c.get("/api/v1/no-such-route"), 404, "NOT_FOUND")
    for method in ("PUT", "PATCH"):
        r = a.request(method, f"/jit-access/{g}", body={"name": "x"})
        assert_error(r, 405, "METHOD_NOT_ALLOWED")
        assert "DELETE" in (r.header("Allow") or ""), r.headers
    assert a.ok("GET", f"/jit-access/{g}")["status"] == "ACTIVE"
