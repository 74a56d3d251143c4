"""Serving: TLS (Secure cookie), configuration from JITGATE_* variables, no secrets in logs."""

import http.client
import os
import subprocess
import time

import pytest

from conftest import BIN, assert_error, free_port, uniq


def test_tls_serves_api_and_secure_cookie(server_factory):
    s = server_factory(tls=True)
    admin = s.admin()
    assert admin.ok("GET", "/me")["id"] == s.admin_info["userId"]
    r = admin.anonymous().post("/auth/login", body={"email": s.admin_info["email"],
                                                    "password": s.admin_info["password"]})
    assert r.status == 200, r
    cookie = next(v for v in r.header_all("Set-Cookie") if v.startswith("jitgate_session="))
    attrs = {p.strip().split("=")[0].lower() for p in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= attrs, cookie


def test_tls_server_refuses_plain_http(server_factory):
    s = server_factory(tls=True)
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=5)
    try:
        c.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {s.admin_info['apiKey']}"})
        r = c.getresponse()
        status = r.status
        r.read()
    except (OSError, http.client.HTTPException):
        status = None
    finally:
        c.close()
    assert status != 200, "plain HTTP answered on the TLS port"


def test_db_and_listen_from_environment(server_factory):
    s = server_factory(start=False)
    port = free_port()
    env = dict(os.environ, JITGATE_DB=s.db, JITGATE_LISTEN=f"127.0.0.1:{port}")
    with open(os.path.join(s.workdir, "env-serve.log"), "wb") as log:
        proc = subprocess.Popen([BIN, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline, status = time.time() + 15, None
            while time.time() < deadline and status != 200:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    c.request("GET", "/api/v1/me",
                              headers={"Authorization": f"Bearer {s.admin_info['apiKey']}"})
                    status = c.getresponse().status
                    c.close()
                except OSError:
                    time.sleep(0.05)
            assert status == 200
        finally:
            proc.terminate()
            assert proc.wait(15) == 0


@pytest.mark.slow
def test_no_secrets_in_logs(server_factory):
    s = server_factory(args=["--log-level", "trace"])
    admin = s.admin()
    pw = "pw-" + uniq("secret")
    u = admin.create_user(password=pw)
    c, login = admin.login(u["email"], pw)
    key = c.ok("POST", "/api-keys", 201, body={"label": uniq()})["key"]
    s.client(key).ok("GET", "/me")
    admin.anonymous().post("/auth/login", body={"email": u["email"], "password": pw + "-wrong"})
    admin.ok("PATCH", f"/users/{u['id']}", body={"password": pw + "-new-one"})
    c.post("/auth/logout")
    assert_error(s.client("jg_" + "Z" * 50).get("/me"), 401, "UNAUTHORIZED")
    assert s.stop() == 0
    logs = ""
    for name in os.listdir(s.workdir):
        if name.endswith(".log"):
            with open(os.path.join(s.workdir, name), encoding="utf-8", errors="replace") as f:
                logs += f.read()
    secrets = {"admin password": s.admin_info["password"], "admin key": s.admin_info["apiKey"],
               "user password": pw, "new password": pw + "-new-one", "wrong password": pw + "-wrong",
               "api key": key, "session cookie": c.cookie, "csrf token": c.csrf,
               "unknown key": "jg_" + "Z" * 50}
    leaked = [k for k, v in secrets.items() if v and v in logs]
    assert not leaked, f"secrets in the server log: {leaked}"
