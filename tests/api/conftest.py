"""Fixtures for the black-box API suite: real `jitgate` processes spoken to over real HTTP.

The suite is an outside client written from /work/shared/API.md only. Every server gets its own
temporary directory and SQLite file (or, with JITGATE_TEST_DB=postgres, its own fresh database on
one PostgreSQL started for the session by tests/pg/pg_harness.py), is created with `jitgate init --json` and started with
`jitgate serve` on a free loopback port. Tests that depend on global state (limits, rate limits,
restarts) start their own server through the `server_factory` fixture; the rest share one per module.
"""

import datetime as dt
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import urlencode

import pytest

BIN = os.environ.get("JITGATE_BIN", "/work/main/build/release/jitgate")
API = "/api/v1"
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
USER_FIELDS = {"id", "email", "name", "roleManager", "disabled", "createdAt"}
POOL_FIELDS = {"id", "name", "description", "createdAt"}
GROUP_FIELDS = {"id", "name", "memberIds", "poolAccess", "createdAt"}
GRANT_FIELDS = {"id", "name", "role", "agentPoolIds", "userIds", "reason", "status", "createdAt",
                "createdBy", "expiresAt", "revokedAt", "revokedBy"}
APIKEY_FIELDS = {"id", "label", "prefix", "userId", "scopes", "createdAt", "expiresAt", "lastUsedAt"}
AUDIT_FIELDS = {"seq", "at", "actorId", "actorType", "type", "targetId", "details", "hash"}
STARTUP_TIMEOUT_S = 15.0
# Which store the servers use: "sqlite" (default) or "postgres".
TEST_DB = os.environ.get("JITGATE_TEST_DB", "sqlite")
ON_POSTGRES = TEST_DB == "postgres"
# For tests that poke at the SQLite file itself: `@sqlite_only` skips them on PostgreSQL.
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="inspects or locks the SQLite file directly")
_PG = None  # the session's PostgreSQL (pg_harness.PgServer), started on first use


def postgres():
    """The session's PostgreSQL, started on first use (stopped in pytest_sessionfinish)."""
    global _PG
    if _PG is None:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pg"))
        import pg_harness  # noqa: PLC0415 - only needed on PostgreSQL
        pg_harness.require_pg()
        _PG = pg_harness.PgServer().start()
    return _PG


def pytest_sessionfinish(session, exitstatus):
    if _PG is not None:
        _PG.cleanup()


# ----------------------------------------------------------------------------- small helpers

def uniq(prefix="t"):
    """A short unique token, so tests sharing a server never collide."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def now_ms():
    return int(time.time() * 1000)


def parse_ts(s):
    """RFC 3339 'YYYY-MM-DDTHH:MM:SS.mmmZ' -> epoch milliseconds."""
    assert TS_RE.match(s), f"timestamp not in contract format: {s!r}"
    d = dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    return int(round(d.timestamp() * 1000))


def fmt_ts(ms, offset_minutes=0):
    """Epoch ms -> RFC 3339 with milliseconds, in the given UTC offset."""
    tz = dt.timezone(dt.timedelta(minutes=offset_minutes))
    d = dt.datetime.fromtimestamp(ms / 1000.0, tz=dt.timezone.utc).astimezone(tz)
    base = d.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d" % (ms % 1000)
    if offset_minutes == 0:
        return base + "Z"
    sign = "+" if offset_minutes > 0 else "-"
    m = abs(offset_minutes)
    return base + "%s%02d:%02d" % (sign, m // 60, m % 60)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def field_matches(detail_field, name):
    """A details entry names `name` itself or a part of it (`userIds[2]`, `expiration.hours`)."""
    if not isinstance(detail_field, str):
        return False
    return detail_field == name or detail_field.startswith(name + "[") or \
        detail_field.startswith(name + ".")


# ----------------------------------------------------------------------------- HTTP

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except Exception as e:  # noqa: BLE001 - give the failing body in the message
            raise AssertionError(f"response is not JSON (status {self.status}): {self.body[:300]!r}") from e

    def __repr__(self):
        return f"<Response {self.status} {self.body[:300]!r}>"


_NO_BODY = object()


class Client:
    """An HTTP client for one server and one identity (API key, session cookie, or none)."""

    def __init__(self, port, key=None, cookie=None, csrf=None, keepalive=False, timeout=30,
                 tls=False):
        self.port = port
        self.tls = tls
        self.key = key
        self.cookie = cookie
        self.csrf = csrf
        self.keepalive = keepalive
        self.timeout = timeout
        self._conn = None
        self.user = None  # filled in by helpers that know who this is

    def with_key(self, key):
        return Client(self.port, key=key, tls=self.tls)

    def anonymous(self):
        return Client(self.port, tls=self.tls)

    def _connect(self):
        if self.tls:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=self.timeout,
                                               context=insecure_tls_context())
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def _path(self, path, params):
        if not (path.startswith("/api/") or path in ("/", "/healthz", "/readyz", "/metrics")):
            path = API + path
        if params:
            path += ("&" if "?" in path else "?") + urlencode(params, doseq=True)
        return path

    def request(self, method, path, body=_NO_BODY, headers=None, params=None, raw=None,
                auth=True, absolute=False):
        """Send one request; `body` is JSON-encoded, `raw` is sent as bytes as is."""
        hdrs = {}
        if auth and self.key:
            hdrs["Authorization"] = f"Bearer {self.key}"
        if auth and self.cookie:
            hdrs["Cookie"] = f"jitgate_session={self.cookie}"
            if self.csrf and method not in ("GET", "HEAD"):
                hdrs["X-CSRF-Token"] = self.csrf
        data = None
        if raw is not None:
            data = raw
            hdrs.setdefault("Content-Type", "application/json")
        elif body is not _NO_BODY:
            data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if headers:
            for k, v in headers.items():
                if v is None:
                    hdrs.pop(k, None)
                else:
                    hdrs[k] = v
        full = path if absolute else self._path(path, params)
        for attempt in range(2):
            conn = self._conn if self.keepalive else None
            if conn is None:
                conn = self._connect()
            try:
                conn.request(method, full, body=data, headers=hdrs)
                r = conn.getresponse()
                resp = Response(r.status, r.getheaders(), r.read())
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                conn.close()
                self._conn = None
                if self.keepalive and attempt == 0:
                    continue  # a kept-alive connection closed by the server: retry once fresh
                raise
            if self.keepalive:
                self._conn = conn
            else:
                conn.close()
            return resp
        raise AssertionError("unreachable")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=_NO_BODY, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=_NO_BODY, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def put(self, path, body=_NO_BODY, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # --- checked helpers: fail loudly with the server's answer --------------------------------

    def ok(self, method, path, expect=200, **kw):
        r = self.request(method, path, **kw)
        assert r.status == expect, f"{method} {path}: expected {expect}, got {r.status} {r.body[:500]!r}"
        return r.json() if r.body else None

    def create_user(self, email=None, name=None, password=None, role_manager=None):
        body = {"email": email or f"{uniq('u')}@example.com", "name": name or uniq("User")}
        if password is not None:
            body["password"] = password
        if role_manager is not None:
            body["roleManager"] = role_manager
        return self.ok("POST", "/users", 201, body=body)

    def create_pool(self, name=None, description=None):
        body = {"name": name or uniq("pool")}
        if description is not None:
            body["description"] = description
        return self.ok("POST", "/agent-pool", 201, body=body)

    def create_group(self, name=None, member_ids=(), pool_access=()):
        body = {"name": name or uniq("group"), "memberIds": list(member_ids),
                "poolAccess": [{"agentPoolId": p, "role": r} for p, r in pool_access]}
        return self.ok("POST", "/groups", 201, body=body)

    def grant_body(self, pools, users, role="STANDARD", expiration=None, name=None, reason="test"):
        body = {"name": name or uniq("grant"), "role": role, "agentPoolIds": list(pools),
                "userIds": list(users), "expiration": expiration or {"hours": 8}}
        if reason is not None:
            body["reason"] = reason
        return body

    def create_grant(self, pools, users, **kw):
        return self.ok("POST", "/jit-access", 201, body=self.grant_body(pools, users, **kw))

    def check(self, user_id, pool_id, permission="USE"):
        return self.ok("GET", "/access/check", 200,
                       params={"userId": user_id, "agentPoolId": pool_id, "permission": permission})

    def login(self, email, password):
        """Logs in; returns a cookie-authenticated Client (with CSRF token) and the login body."""
        r = self.anonymous().post("/auth/login", body={"email": email, "password": password})
        assert r.status == 200, f"login failed: {r.status} {r.body!r}"
        cookie = session_cookie(r)
        assert cookie, f"no jitgate_session cookie in {r.headers}"
        c = Client(self.port, cookie=cookie, csrf=r.json().get("csrfToken"), tls=self.tls)
        c.user = r.json().get("user")
        return c, r

    def new_user_client(self, role_manager=False, scopes=None):
        """Creates a user with a password, logs in, makes an API key; returns a bearer Client."""
        password = "pw-" + uuid.uuid4().hex  # 35 characters
        user = self.create_user(password=password, role_manager=role_manager)
        cookie_client, _ = self.login(user["email"], password)
        body = {"label": uniq("key")}
        if scopes is not None:
            body["scopes"] = scopes
        key = cookie_client.ok("POST", "/api-keys", 201, body=body)
        c = Client(self.port, key=key["key"], tls=self.tls)
        c.user = user
        c.password = password
        c.key_obj = key
        return c


def insecure_tls_context():
    """Tests use a self-signed certificate: encryption without verification."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def session_cookie(resp):
    """The jitgate_session value from a response's Set-Cookie headers, or None."""
    for v in resp.header_all("Set-Cookie"):
        first = v.split(";", 1)[0].strip()
        if first.startswith("jitgate_session="):
            return first.split("=", 1)[1]
    return None


def assert_error(resp, status, code, field=None):
    """The contract's error shape: {message, code, details[]} with the specific status and code."""
    assert resp.status == status, f"expected {status} {code}, got {resp.status} {resp.body[:500]!r}"
    ctype = resp.header("Content-Type") or ""
    assert ctype.startswith("application/json"), f"error Content-Type {ctype!r}"
    body = resp.json()
    assert isinstance(body, dict), body
    assert set(body.keys()) == {"message", "code", "details"}, f"error body keys {sorted(body)}"
    assert body["code"] == code, f"expected code {code}, got {body}"
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["details"], list), body
    if field is not None:
        fields = [d.get("field") for d in body["details"] if isinstance(d, dict)]
        assert any(field_matches(f, field) for f in fields), \
            f"no details entry naming {field!r}: {body['details']}"
    return body


def detail_fields(body):
    return [d.get("field") for d in body["details"] if isinstance(d, dict)]


# ----------------------------------------------------------------------------- server process

class Server:
    """One jitgate process on a SQLite file in its own directory; restartable on the same file."""

    def __init__(self, workdir, args=(), env=None, tls=False):
        self.workdir = workdir
        self.tls = tls
        self.db_path = os.path.join(workdir, "jitgate.db")
        self.db = postgres().create_database() if ON_POSTGRES else f"sqlite:{self.db_path}"
        self.args = list(args)
        self.env = dict(env or {})
        self.proc = None
        self.port = None
        self.log_path = None
        self._log = None
        self._starts = 0
        self.admin_info = self._init()

    def _init(self):
        r = subprocess.run([BIN, "init", "--db", self.db, "--admin-email", "admin@example.com", "--json"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"jitgate init failed ({r.returncode}): {r.stdout} {r.stderr}"
        try:
            info = json.loads(r.stdout)
        except ValueError as e:
            raise AssertionError(f"jitgate init --json printed no JSON: {r.stdout!r}") from e
        for k in ("userId", "email", "password", "apiKey"):
            assert k in info, f"init --json misses {k}: {info}"
        return info

    def start(self):
        last = None
        for _ in range(3):  # another process may grab the free port between probe and bind
            self.port = free_port()
            self._starts += 1
            self.log_path = os.path.join(self.workdir, f"serve-{self._starts}.log")
            self._log = open(self.log_path, "wb")
            env = dict(os.environ)
            env.update(self.env)
            self.proc = subprocess.Popen(
                [BIN, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}", *self.args],
                stdout=self._log, stderr=subprocess.STDOUT, env=env)
            last = self._wait_healthy()
            if last is None:
                return self
            self._reap()
        raise AssertionError(f"jitgate serve did not become healthy: {last}\n{self.log_tail()}")

    def _wait_healthy(self):
        deadline = time.time() + STARTUP_TIMEOUT_S
        err = "timeout"
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return f"exited with {self.proc.returncode}"
            try:
                c = Client(self.port, tls=self.tls, timeout=2)._connect()
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return None
                err = f"healthz {r.status}"
            except OSError as e:
                err = str(e)
            time.sleep(0.05)
        return err

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def _reap(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self._log:
            self._log.close()
            self._log = None

    def stop(self, timeout=15):
        """SIGTERM, then wait; returns the exit code (kills after `timeout`)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                self._reap()
                raise AssertionError("server did not stop within %ss of SIGTERM" % timeout)
        rc = self.proc.returncode
        self._reap()
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._reap()

    def restart(self):
        self.stop()
        return self.start()

    # --- clients ----------------------------------------------------------------------------------

    def client(self, key=None, **kw):
        return Client(self.port, key=key, tls=self.tls, **kw)

    def admin(self, **kw):
        c = Client(self.port, key=self.admin_info["apiKey"], tls=self.tls, **kw)
        c.user = {"id": self.admin_info["userId"], "email": self.admin_info["email"]}
        c.password = self.admin_info["password"]
        return c


@pytest.fixture
def server_factory():
    """Starts fresh servers for one test: server_factory(args=[...], env={...}); all stopped after."""
    servers = []
    dirs = []

    def make(args=(), env=None, start=True, tls=False):
        d = tempfile.TemporaryDirectory(prefix="jitgate-api-")
        dirs.append(d)
        if tls:
            cert, key = os.path.join(d.name, "cert.pem"), os.path.join(d.name, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                            "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                           check=True, capture_output=True, timeout=60)
            args = [*args, "--tls-cert", cert, "--tls-key", key]
        s = Server(d.name, args=args, env=env, tls=tls)
        servers.append(s)
        return s.start() if start else s

    yield make
    for s in servers:
        try:
            s.stop()
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass
    for d in dirs:
        d.cleanup()


@pytest.fixture(scope="module")
def server():
    """One server shared by a test module; active-grant limit raised so tests do not starve it."""
    with tempfile.TemporaryDirectory(prefix="jitgate-api-") as d:
        s = Server(d, args=["--max-active-grants", "10000", "--login-max-failures", "1000"])
        s.start()
        yield s
        s.stop()


@pytest.fixture(scope="module")
def admin(server):
    return server.admin()


@pytest.fixture(scope="module")
def pool(admin):
    return admin.create_pool()


@pytest.fixture(scope="module")
def user(admin):
    return admin.create_user()
