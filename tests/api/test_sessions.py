"""Sessions: login cookie attributes, CSRF, logout, identical failures, rate limiting."""

import uuid

from conftest import USER_FIELDS, Client, assert_error, session_cookie, uniq


def _cookie_attrs(resp):
    for v in resp.header_all("Set-Cookie"):
        parts = [p.strip() for p in v.split(";")]
        if parts[0].startswith("jitgate_session="):
            attrs = {}
            for p in parts[1:]:
                k, _, val = p.partition("=")
                attrs[k.strip().lower()] = val.strip()
            return attrs
    raise AssertionError(f"no jitgate_session Set-Cookie in {resp.headers}")


def test_login_sets_cookie_and_csrf(admin, server):
    r = admin.anonymous().post("/auth/login", body={"email": server.admin_info["email"],
                                                    "password": server.admin_info["password"]})
    assert r.status == 200, r
    body = r.json()
    assert set(body) == {"user", "csrfToken"}, sorted(body)
    assert set(body["user"]) == USER_FIELDS
    assert body["user"]["id"] == server.admin_info["userId"]
    assert isinstance(body["csrfToken"], str) and len(body["csrfToken"]) >= 16
    attrs = _cookie_attrs(r)
    assert "httponly" in attrs, attrs
    assert attrs.get("samesite", "").lower() == "strict", attrs
    assert attrs.get("path") == "/", attrs
    token = session_cookie(r)
    assert len(token) >= 22, "at least 128 bits of entropy"
    assert token not in r.body.decode()


def test_cookie_get_works(admin, server):
    c, _ = admin.login(server.admin_info["email"], server.admin_info["password"])
    assert c.ok("GET", "/me")["id"] == server.admin_info["userId"]
    assert c.get("/agent-pool").status == 200


def test_new_token_every_login(admin, server):
    a, _ = admin.login(server.admin_info["email"], server.admin_info["password"])
    b, _ = admin.login(server.admin_info["email"], server.admin_info["password"])
    assert a.cookie != b.cookie and a.csrf != b.csrf
    assert a.get("/me").status == 200 and b.get("/me").status == 200


def test_cookie_mutation_needs_csrf(admin, server):
    c, _ = admin.login(server.admin_info["email"], server.admin_info["password"])
    no_csrf = Client(server.port, cookie=c.cookie)
    name = uniq("csrf-pool")
    assert_error(no_csrf.post("/agent-pool", body={"name": name}), 403, "CSRF_FAILED")
    flipped = ("y" if c.csrf[0] == "x" else "x") + c.csrf[1:]
    wrong = Client(server.port, cookie=c.cookie, csrf=flipped)
    assert_error(wrong.post("/agent-pool", body={"name": name}), 403, "CSRF_FAILED")
    # Nothing was created by the refused requests.
    assert admin.ok("GET", "/agent-pool", params={"search": name})["total"] == 0
    assert c.post("/agent-pool", body={"name": name}).status == 201
    p = admin.ok("GET", "/agent-pool", params={"search": name})["items"][0]
    assert_error(no_csrf.delete(f"/agent-pool/{p['id']}"), 403, "CSRF_FAILED")
    assert c.delete(f"/agent-pool/{p['id']}").status == 204


def test_csrf_token_of_other_session_refused(admin, server):
    a, _ = admin.login(server.admin_info["email"], server.admin_info["password"])
    b, _ = admin.login(server.admin_info["email"], server.admin_info["password"])
    mixed = Client(server.port, cookie=a.cookie, csrf=b.csrf)
    assert_error(mixed.post("/api-keys", body={"label": "x"}), 403, "CSRF_FAILED")


def test_bearer_needs_no_csrf(admin):
    assert admin.post("/api-keys", body={"label": uniq()}).status == 201


def test_logout(admin, server):
    c, _ = admin.login(server.admin_info["email"], server.admin_info["password"])
    r = c.post("/auth/logout")
    assert r.status == 204, r
    assert_error(c.get("/me"), 401, "UNAUTHORIZED")
    assert_error(c.post("/api-keys", body={"label": "x"}), 401, "UNAUTHORIZED")


def test_wrong_password_and_unknown_email_identical(admin, server):
    anon = admin.anonymous()
    r1 = anon.post("/auth/login", body={"email": server.admin_info["email"],
                                        "password": "wrong-password-123"})
    r2 = anon.post("/auth/login", body={"email": f"nobody-{uuid.uuid4().hex}@example.com",
                                        "password": "wrong-password-123"})
    b1 = assert_error(r1, 401, "UNAUTHORIZED")
    b2 = assert_error(r2, 401, "UNAUTHORIZED")
    assert b1 == b2
    assert session_cookie(r1) is None and session_cookie(r2) is None


def test_disabled_user_cannot_login_and_session_ends(admin, server):
    pw = "pw-" + uuid.uuid4().hex
    u = admin.create_user(password=pw)
    c, _ = admin.login(u["email"], pw)
    admin.ok("PATCH", f"/users/{u['id']}", body={"disabled": True})
    assert_error(c.get("/me"), 401, "UNAUTHORIZED")
    r = admin.anonymous().post("/auth/login", body={"email": u["email"], "password": pw})
    assert_error(r, 401, "UNAUTHORIZED")


def test_login_validation(admin):
    assert_error(admin.anonymous().post("/auth/login", body={"email": "a@example.com"}), 400,
                 "VALIDATION_FAILED", field="password")


def test_repeated_failures_429(server_factory):
    s = server_factory(args=["--login-max-failures", "3"])
    anon = s.client()
    email, pw = s.admin_info["email"], s.admin_info["password"]
    statuses = []
    for _ in range(6):
        r = anon.post("/auth/login", body={"email": email, "password": "not-the-password"})
        statuses.append(r.status)
        if r.status == 429:
            break
    assert statuses[0] == 401, statuses
    assert statuses[-1] == 429, f"no 429 after repeated failures: {statuses}"
    assert len(statuses) <= 4, statuses
    assert_error(r, 429, "RATE_LIMITED")
    ra = r.header("Retry-After")
    assert ra is not None and ra.strip().isdigit() and int(ra) > 0, ra
    # Locked out: even the right password is refused for now.
    r = anon.post("/auth/login", body={"email": email, "password": pw})
    assert_error(r, 429, "RATE_LIMITED")
    # API keys are not affected.
    assert s.admin().get("/me").status == 200
