"""Authentication and authorization on every route family."""

import uuid

import pytest

from conftest import assert_error, uniq

ID = "00000000-0000-4000-8000-000000000000"

# Every authenticated route of API.md (method, path, body).
ROUTES = [
    ("GET", "/users", None), ("POST", "/users", {"email": "x@example.com", "name": "x"}),
    ("GET", f"/users/{ID}", None), ("PATCH", f"/users/{ID}", {"name": "x"}),
    ("DELETE", f"/users/{ID}", None), ("GET", f"/users/{ID}/access", None),
    ("GET", "/me", None), ("GET", "/me/access", None),
    ("GET", "/agent-pool", None), ("POST", "/agent-pool", {"name": "x"}),
    ("GET", f"/agent-pool/{ID}", None), ("PATCH", f"/agent-pool/{ID}", {"name": "x"}),
    ("DELETE", f"/agent-pool/{ID}", None),
    ("GET", "/groups", None), ("POST", "/groups", {"name": "x"}), ("GET", f"/groups/{ID}", None),
    ("PATCH", f"/groups/{ID}", {"name": "x"}), ("DELETE", f"/groups/{ID}", None),
    ("GET", "/jit-access", None), ("POST", "/jit-access", {"name": "x"}),
    ("GET", f"/jit-access/{ID}", None), ("DELETE", f"/jit-access/{ID}", None),
    ("GET", f"/access/check?userId={ID}&agentPoolId={ID}&permission=USE", None),
    ("POST", "/access/check", {"checks": []}),
    ("GET", "/api-keys", None), ("POST", "/api-keys", {"label": "x"}),
    ("DELETE", f"/api-keys/{ID}", None),
    ("GET", "/audit-events", None), ("GET", "/audit-events/verify", None),
    ("POST", "/auth/logout", None),
]


@pytest.mark.parametrize("method,path,body", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_no_credentials_401(server, method, path, body):
    anon = server.client()
    r = anon.request(method, path, **({} if body is None else {"body": body}))
    b = assert_error(r, 401, "UNAUTHORIZED")
    assert b["message"] == "401 Unauthorized"


@pytest.mark.parametrize("key", ["jg_" + "A" * 48, "garbage", ""])
def test_unknown_key_401(server, key):
    r = server.client().get("/me", headers={"Authorization": f"Bearer {key}"})
    assert_error(r, 401, "UNAUTHORIZED")
    assert r.json()["message"] == "401 Unauthorized"


def test_wrong_scheme_401(server):
    r = server.client().get("/me", headers={"Authorization": f"Basic {server.admin_info['apiKey']}"})
    assert_error(r, 401, "UNAUTHORIZED")


def test_unknown_session_cookie_401(server):
    r = server.client().get("/me", headers={"Cookie": "jitgate_session=" + "x" * 40})
    assert_error(r, 401, "UNAUTHORIZED")


@pytest.fixture(scope="module")
def member(admin):
    return admin.new_user_client()


@pytest.fixture(scope="module")
def objects(admin):
    u = admin.create_user()
    p = admin.create_pool()
    g = admin.create_group()
    grant = admin.create_grant([p["id"]], [u["id"]])
    return {"user": u, "pool": p, "group": g, "grant": grant}


def _forbidden_routes(o, member):
    u, p, g, grant = o["user"]["id"], o["pool"]["id"], o["group"]["id"], o["grant"]["id"]
    return [
        ("POST", "/users", {"email": f"{uniq()}@example.com", "name": "x"}),
        ("PATCH", f"/users/{u}", {"name": "hacked"}),
        ("PATCH", f"/users/{member.user['id']}", {"roleManager": True}),
        ("DELETE", f"/users/{u}", None),
        ("POST", "/agent-pool", {"name": uniq()}),
        ("PATCH", f"/agent-pool/{p}", {"name": uniq()}),
        ("DELETE", f"/agent-pool/{p}", None),
        ("POST", "/groups", {"name": uniq()}),
        ("PATCH", f"/groups/{g}", {"name": uniq()}),
        ("DELETE", f"/groups/{g}", None),
        ("POST", "/jit-access", {"name": "x", "role": "STANDARD", "agentPoolIds": [p],
                                 "userIds": [member.user["id"]], "expiration": {"hours": 1}}),
        ("DELETE", f"/jit-access/{grant}", None),
        ("GET", "/audit-events", None),
        ("GET", "/audit-events/verify", None),
    ]


def test_non_manager_forbidden_on_management_routes(admin, member, objects):
    failures = []
    for method, path, body in _forbidden_routes(objects, member):
        r = member.request(method, path, **({} if body is None else {"body": body}))
        if r.status != 403 or r.json().get("code") != "FORBIDDEN":
            failures.append(f"{method} {path}: {r.status} {r.body[:200]!r}")
    assert not failures, "\n".join(failures)
    # Nothing changed.
    assert admin.ok("GET", f"/users/{objects['user']['id']}") == objects["user"]
    assert admin.ok("GET", f"/agent-pool/{objects['pool']['id']}") == objects["pool"]
    assert admin.ok("GET", f"/groups/{objects['group']['id']}") == objects["group"]
    assert admin.ok("GET", f"/jit-access/{objects['grant']['id']}")["status"] == "ACTIVE"
    assert admin.ok("GET", f"/users/{member.user['id']}")["roleManager"] is False


def test_forbidden_error_shape(member):
    assert_error(member.post("/agent-pool", body={"name": uniq()}), 403, "FORBIDDEN")


def test_non_manager_allowed_routes(member):
    assert member.get("/me").status == 200
    assert member.get("/me/access").status == 200
    assert member.get("/agent-pool").status == 200
    k = member.ok("POST", "/api-keys", 201, body={"label": uniq()})
    assert k["userId"] == member.user["id"]
    assert member.delete(f"/api-keys/{k['id']}").status == 204


def test_promoted_user_gains_rights(admin):
    m = admin.new_user_client()
    assert_error(m.post("/agent-pool", body={"name": uniq()}), 403, "FORBIDDEN")
    admin.ok("PATCH", f"/users/{m.user['id']}", body={"roleManager": True})
    assert m.post("/agent-pool", body={"name": uniq()}).status == 201
    admin.ok("PATCH", f"/users/{m.user['id']}", body={"roleManager": False})
    assert_error(m.post("/agent-pool", body={"name": uniq()}), 403, "FORBIDDEN")


def test_deleted_user_key_401(admin):
    m = admin.new_user_client()
    assert admin.delete(f"/users/{m.user['id']}").status == 204
    assert_error(m.get("/me"), 401, "UNAUTHORIZED")


def test_unknown_id_404_for_manager(admin):
    assert_error(admin.get(f"/groups/{uuid.uuid4()}"), 404, "NOT_FOUND")
