"""Secrets at rest: no issued secret appears in the database files or in any server log.

A workload issues every kind of secret the server hands out or receives (init's admin password and
API key, API keys, session tokens, CSRF tokens, user passwords at creation and change, and wrong
passwords of failed logins); then the bytes of the SQLite files (db, -wal, -shm, copied while the
server runs and again after it stopped) and every server log (debug/text and trace/json) are
searched for each secret in its plain, hex and base64 forms and for the random bytes it encodes.
"""

import base64
import binascii
import glob
import os
import re
import shutil
import uuid

from api_helpers import Client, Server, assert_error, uniq


def decodings(text):
    """Raw byte strings that `text` (or the random part of it) may encode: base64url, base64, hex."""
    out = []
    parts = [text] + [p for p in re.split(r"[_\-.:]", text) if len(p) >= 16]
    if text.startswith("jg_"):  # jg_<random>_<checksum>: the random part alone
        body = text[3:]
        parts += [body, body.rsplit("_", 1)[0]]
    for p in parts:
        for dec in (lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)),
                    lambda s: base64.b64decode(s + "=" * (-len(s) % 4), validate=True),
                    lambda s: bytes.fromhex(s)):
            try:
                raw = dec(p)
            except (ValueError, binascii.Error):
                continue
            if len(raw) >= 12:
                out.append(raw)
    return out


def forms(secret):
    """Every byte form in which `secret` could be written down by careless code."""
    s = secret.encode("utf-8")
    result = {s, s.hex().encode(), s.hex().upper().encode(), base64.b64encode(s),
              base64.urlsafe_b64encode(s).rstrip(b"=")}
    for raw in decodings(secret):
        result |= {raw, raw.hex().encode(), raw.hex().upper().encode(), base64.b64encode(raw).rstrip(b"="),
                   base64.urlsafe_b64encode(raw).rstrip(b"=")}
    return {f for f in result if len(f) >= 12}


class Secrets:
    def __init__(self):
        self.items = []  # (what, secret)

    def add(self, what, secret):
        assert isinstance(secret, str) and len(secret) >= 12, (what, secret)
        self.items.append((what, secret))


def workload(server, secrets, tag):
    """Issues secrets of every kind through the API; returns nothing, records into `secrets`."""
    a = server.admin()
    port = server.port
    for i in range(3):
        pw = f"Secret-{tag}-{i}-" + uuid.uuid4().hex
        u = a.create_user(password=pw, role_manager=(i == 0))
        secrets.add(f"{tag} password of user {i}", pw)
        s, r = a.login(u["email"], pw)
        secrets.add(f"{tag} session token {i}", s.cookie)
        secrets.add(f"{tag} csrf token {i}", s.csrf)
        k = s.ok("POST", "/api-keys", 201, body={"label": uniq("key"), "scopes": ["jit:read"]})
        secrets.add(f"{tag} api key {i} (made by session)", k["key"])
        assert Client(port, key=k["key"]).ok("GET", "/me")["id"] == u["id"]  # used: lastUsedAt path
        new_pw = f"Changed-{tag}-{i}-" + uuid.uuid4().hex
        a.ok("PATCH", f"/users/{u['id']}", 200, body={"password": new_pw})
        secrets.add(f"{tag} changed password of user {i}", new_pw)
        s2, _ = a.login(u["email"], new_pw)
        secrets.add(f"{tag} second session token {i}", s2.cookie)
        secrets.add(f"{tag} second csrf token {i}", s2.csrf)
        s2.ok("POST", "/auth/logout", 204)
        wrong = f"Wrong-{tag}-{i}-" + uuid.uuid4().hex
        r = Client(port).post("/auth/login", body={"email": u["email"], "password": wrong})
        assert_error(r, 401, "UNAUTHORIZED")
        secrets.add(f"{tag} wrong password tried for user {i}", wrong)
        r = Client(port).post("/auth/login", body={"email": f"nobody-{uuid.uuid4().hex}@x.org",
                                                   "password": wrong + "x"})
        assert_error(r, 401, "UNAUTHORIZED")
        secrets.add(f"{tag} password tried for an unknown email {i}", wrong + "x")
    for i in range(3):
        k = a.ok("POST", "/api-keys", 201, body={"label": uniq("adm")})
        secrets.add(f"{tag} admin api key {i}", k["key"])
        Client(port, key=k["key"]).ok("GET", "/audit-events/verify")
        if i == 0:
            a.ok("DELETE", f"/api-keys/{k['id']}", 204)
            assert_error(Client(port, key=k["key"]).get("/me"), 401, "UNAUTHORIZED")
    # A bearer header with a secret-looking unknown key must not be logged either.
    bogus = "jg_" + uuid.uuid4().hex + uuid.uuid4().hex
    assert_error(Client(port, key=bogus).get("/me"), 401, "UNAUTHORIZED")
    secrets.add(f"{tag} unknown key presented", bogus)


def copy_db_files(server, dest):
    os.makedirs(dest, exist_ok=True)
    copied = []
    for suffix in ("", "-wal", "-shm"):
        p = server.db_path + suffix
        if os.path.exists(p):
            shutil.copyfile(p, os.path.join(dest, os.path.basename(p)))
            copied.append(os.path.join(dest, os.path.basename(p)))
    return copied


def find_leaks(paths, secrets):
    leaks = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        for what, secret in secrets.items:
            for form in forms(secret):
                if form in data:
                    leaks.append(f"{what} found in {os.path.basename(path)} as {form[:40]!r}")
                    break
    return leaks


def test_no_secret_in_db_files_or_logs(tmp_path):
    s = Server(str(tmp_path), args=["--log-level", "debug", "--log-format", "text"])
    secrets = Secrets()
    secrets.add("init admin password", s.admin_info["password"])
    secrets.add("init admin api key", s.admin_info["apiKey"])
    s.start()
    workload(s, secrets, "debug")
    # The API itself never hands a secret back out (audit log, key list, metrics).
    a = s.admin()
    exposed = [a.get("/audit-events", params={"limit": 1000}).body, a.get("/api-keys").body,
               a.get("/users", params={"limit": 1000}).body, Client(s.port).get("/metrics").body]
    running = copy_db_files(s, str(tmp_path / "while-running-1"))
    assert s.stop() == 0
    # Second life on the same file, most verbose logs, JSON lines.
    s.args = ["--log-level", "trace", "--log-format", "json"]
    s.start()
    workload(s, secrets, "trace")
    running += copy_db_files(s, str(tmp_path / "while-running-2"))
    assert s.stop() == 0
    stopped = copy_db_files(s, str(tmp_path / "stopped"))
    logs = sorted(glob.glob(os.path.join(str(tmp_path), "serve-*.log")))
    assert len(logs) == 2 and all(os.path.getsize(p) > 0 for p in logs), logs
    assert any(p.endswith("jitgate.db") for p in stopped), stopped
    assert any(p.endswith("-wal") for p in running), "the running server should have a WAL file"

    leaks = find_leaks(running + stopped + logs, secrets)
    for i, body in enumerate(exposed):
        for what, secret in secrets.items:
            if any(f in body for f in forms(secret)):
                leaks.append(f"{what} returned by API read {i}")
    assert not leaks, "secrets at rest:\n" + "\n".join(leaks)
    # The search itself works: markers known to be in the files are found.
    assert find_leaks(logs, _marker_secrets(logs)), "the log search found nothing it should find"
    known = Secrets()
    known.add("admin email", s.admin_info["email"])
    assert find_leaks(stopped, known), "the database search found nothing it should find"


def _marker_secrets(logs):
    """A 'secret' known to be in the logs (the listen line), to prove find_leaks can find."""
    with open(logs[0], "rb") as f:
        m = re.search(rb"127\.0\.0\.1:\d+", f.read())
    assert m, "no listen address in the server log"
    s = Secrets()
    s.add("marker", m.group(0).decode())
    return s
