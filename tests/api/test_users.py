"""Users: CRUD, search, pagination, uniqueness, password rules, deletion rules, /me."""

import uuid

from conftest import (TS_RE, USER_FIELDS, UUID_RE, assert_error, uniq)


def test_create_user_returns_exact_fields(admin):
    email = f"{uniq('create')}@example.com"
    r = admin.post("/users", body={"email": email, "name": "Alice Example"})
    assert r.status == 201, r
    u = r.json()
    assert set(u) == USER_FIELDS, sorted(u)
    assert UUID_RE.match(u["id"])
    assert u["email"] == email
    assert u["name"] == "Alice Example"
    assert u["roleManager"] is False
    assert u["disabled"] is False
    assert TS_RE.match(u["createdAt"])
    assert r.header("Content-Type").startswith("application/json")


def test_create_role_manager(admin):
    u = admin.create_user(role_manager=True)
    assert u["roleManager"] is True


def test_get_user(admin):
    u = admin.create_user()
    assert admin.ok("GET", f"/users/{u['id']}") == u


def test_get_unknown_user_404(admin):
    assert_error(admin.get(f"/users/{uuid.uuid4()}"), 404, "NOT_FOUND")


def test_duplicate_email_409(admin):
    u = admin.create_user()
    r = admin.post("/users", body={"email": u["email"], "name": "Other"})
    assert_error(r, 409, "CONFLICT")


def test_missing_email_and_name_400(admin):
    body = assert_error(admin.post("/users", body={}), 400, "VALIDATION_FAILED", field="email")
    assert any(f == "name" for f in (d.get("field") for d in body["details"])), body


def test_password_too_short_400(admin):
    r = admin.post("/users", body={"email": f"{uniq()}@example.com", "name": "x",
                                   "password": "a" * 11})
    assert_error(r, 400, "VALIDATION_FAILED", field="password")


def test_password_12_chars_accepted_and_usable(admin):
    email = f"{uniq()}@example.com"
    r = admin.post("/users", body={"email": email, "name": "x", "password": "b" * 12})
    assert r.status == 201, r
    assert "password" not in r.json()
    c, _ = admin.login(email, "b" * 12)
    assert c.ok("GET", "/me")["email"] == email


def test_patch_user_fields(admin):
    u = admin.create_user()
    r = admin.patch(f"/users/{u['id']}", body={"name": "Renamed", "roleManager": True,
                                                "disabled": True})
    assert r.status == 200, r
    p = r.json()
    assert set(p) == USER_FIELDS
    assert (p["name"], p["roleManager"], p["disabled"]) == ("Renamed", True, True)
    assert p["email"] == u["email"] and p["createdAt"] == u["createdAt"]
    assert admin.ok("GET", f"/users/{u['id']}") == p


def test_patch_password_then_login(admin):
    u = admin.create_user(password="first-password-1")
    admin.ok("PATCH", f"/users/{u['id']}", body={"password": "second-password-2"})
    r = admin.anonymous().post("/auth/login", body={"email": u["email"],
                                                    "password": "first-password-1"})
    assert_error(r, 401, "UNAUTHORIZED")
    admin.login(u["email"], "second-password-2")


def test_patch_short_password_400(admin):
    u = admin.create_user()
    assert_error(admin.patch(f"/users/{u['id']}", body={"password": "short"}), 400,
                 "VALIDATION_FAILED", field="password")


def test_patch_unknown_user_404(admin):
    assert_error(admin.patch(f"/users/{uuid.uuid4()}", body={"name": "x"}), 404, "NOT_FOUND")


def test_delete_user(admin):
    u = admin.create_user()
    r = admin.delete(f"/users/{u['id']}")
    assert r.status == 204, r
    assert r.body == b""
    assert_error(admin.get(f"/users/{u['id']}"), 404, "NOT_FOUND")
    assert_error(admin.delete(f"/users/{u['id']}"), 404, "NOT_FOUND")


def test_delete_user_in_active_grant_409_until_revoked(admin, pool):
    u = admin.create_user()
    g = admin.create_grant([pool["id"]], [u["id"]])
    assert_error(admin.delete(f"/users/{u['id']}"), 409, "CONFLICT")
    assert admin.ok("GET", f"/users/{u['id']}")["id"] == u["id"]
    assert admin.delete(f"/jit-access/{g['id']}").status == 204
    assert admin.delete(f"/users/{u['id']}").status == 204


def test_search_email_and_name_case_insensitive(admin):
    tok = uuid.uuid4().hex[:8]
    a = admin.create_user(email=f"alpha-{tok}@example.com", name="Plain")
    b = admin.create_user(email=f"b-{uniq()}@example.com", name=f"Bravo {tok.upper()} Person")
    admin.create_user()
    page = admin.ok("GET", "/users", params={"search": tok.upper()})
    ids = {u["id"] for u in page["items"]}
    assert ids == {a["id"], b["id"]}
    assert page["total"] == 2
    page = admin.ok("GET", "/users", params={"search": f"ALPHA-{tok}"})
    assert [u["id"] for u in page["items"]] == [a["id"]]


def test_list_shape_and_defaults(admin):
    for _ in range(11):
        admin.create_user()
    page = admin.ok("GET", "/users")
    assert set(page) == {"items", "total", "offset", "limit"}
    assert page["offset"] == 0 and page["limit"] == 10
    assert len(page["items"]) == 10
    assert page["total"] >= 12
    for u in page["items"]:
        assert set(u) == USER_FIELDS


def test_pagination_offset_limit(admin):
    tok = uuid.uuid4().hex[:8]
    made = {admin.create_user(name=f"pg-{tok}-{i}")["id"] for i in range(5)}
    p1 = admin.ok("GET", "/users", params={"search": f"pg-{tok}", "limit": 2})
    p2 = admin.ok("GET", "/users", params={"search": f"pg-{tok}", "limit": 2, "offset": 2})
    p3 = admin.ok("GET", "/users", params={"search": f"pg-{tok}", "limit": 2, "offset": 4})
    assert (p1["total"], p1["offset"], p1["limit"]) == (5, 0, 2)
    assert (p2["offset"], p2["limit"]) == (2, 2)
    assert [len(p["items"]) for p in (p1, p2, p3)] == [2, 2, 1]
    seen = [u["id"] for p in (p1, p2, p3) for u in p["items"]]
    assert len(seen) == 5 and set(seen) == made


def test_limit_1000_ok_1001_rejected(admin):
    page = admin.ok("GET", "/users", params={"limit": 1000})
    assert page["limit"] == 1000
    assert_error(admin.get("/users", params={"limit": 1001}), 400, "VALIDATION_FAILED",
                 field="limit")


def test_bad_offset_and_limit_rejected(admin):
    assert_error(admin.get("/users", params={"offset": -1}), 400, "VALIDATION_FAILED",
                 field="offset")
    assert_error(admin.get("/users", params={"limit": "abc"}), 400, "VALIDATION_FAILED",
                 field="limit")


def test_me(admin, server):
    me = admin.ok("GET", "/me")
    assert set(me) == USER_FIELDS
    assert me["id"] == server.admin_info["userId"]
    assert me["email"] == server.admin_info["email"]
    assert me["roleManager"] is True


def test_me_for_regular_user(admin):
    c = admin.new_user_client()
    me = c.ok("GET", "/me")
    assert me["id"] == c.user["id"] and me["roleManager"] is False


def test_me_access(admin):
    c = admin.new_user_client()
    assert c.ok("GET", "/me/access") == {"items": []}
    p = admin.create_pool()
    g = admin.create_grant([p["id"]], [c.user["id"]], role="PRIVILEGED")
    items = c.ok("GET", "/me/access")["items"]
    assert len(items) == 1
    assert items[0]["agentPoolId"] == p["id"]
    assert items[0]["role"] == "PRIVILEGED"
    assert items[0]["validUntil"] == g["expiresAt"]
    assert {"type": "JIT", "id": g["id"], "expiresAt": g["expiresAt"]} in items[0]["sources"]


# --- the last enabled role manager: a fresh server where the admin is the only one -------------

def test_last_role_manager_cannot_demote_or_delete_self(server_factory):
    s = server_factory()
    admin = s.admin()
    me = s.admin_info["userId"]
    assert_error(admin.patch(f"/users/{me}", body={"roleManager": False}), 409, "CONFLICT")
    assert_error(admin.delete(f"/users/{me}"), 409, "CONFLICT")
    assert admin.ok("GET", "/me")["roleManager"] is True

    # A disabled second manager does not count: the admin is still the last enabled one.
    other = admin.create_user(role_manager=True)
    admin.ok("PATCH", f"/users/{other['id']}", body={"disabled": True})
    assert_error(admin.patch(f"/users/{me}", body={"roleManager": False}), 409, "CONFLICT")
    assert_error(admin.delete(f"/users/{me}"), 409, "CONFLICT")

    # With another enabled manager, demoting oneself is allowed.
    admin.ok("PATCH", f"/users/{other['id']}", body={"disabled": False})
    p = admin.ok("PATCH", f"/users/{me}", body={"roleManager": False})
    assert p["roleManager"] is False


def test_last_role_manager_cannot_disable_self(server_factory):
    # "last enabled role manager": disabling oneself would leave none, like a demotion.
    s = server_factory()
    me = s.admin_info["userId"]
    assert_error(s.admin().patch(f"/users/{me}", body={"disabled": True}), 409, "CONFLICT")
    assert s.admin().ok("GET", "/me")["disabled"] is False
