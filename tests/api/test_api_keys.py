"""API keys: creation shown once, listing, revocation at once, scopes, expiry, ownership."""

import time
import uuid

from conftest import (APIKEY_FIELDS, TS_RE, UUID_RE, assert_error, fmt_ts, now_ms, parse_ts,
                      uniq)


def test_create_key_shown_once(admin, server):
    r = admin.post("/api-keys", body={"label": "ci"})
    assert r.status == 201, r
    k = r.json()
    assert set(k) == APIKEY_FIELDS | {"key"}, sorted(k)
    assert UUID_RE.match(k["id"]) and TS_RE.match(k["createdAt"])
    assert k["label"] == "ci"
    assert k["userId"] == server.admin_info["userId"]
    assert k["expiresAt"] is None
    assert k["key"].startswith("jg_")
    assert len(k["key"]) >= 40, "256 random bits need at least ~43 characters"
    assert k["prefix"] and k["key"].startswith(k["prefix"]) and len(k["prefix"]) < len(k["key"])
    listed = admin.ok("GET", "/api-keys", params={"limit": 1000})["items"]
    mine = [x for x in listed if x["id"] == k["id"]]
    assert len(mine) == 1
    assert set(mine[0]) == APIKEY_FIELDS, "the key must never be shown again"
    assert k["key"] not in str(listed)
    assert k["key"] not in str(admin.ok("GET", "/audit-events", params={"limit": 1000}))


def test_keys_are_distinct(admin):
    keys = {admin.ok("POST", "/api-keys", 201, body={"label": uniq()})["key"] for _ in range(5)}
    assert len(keys) == 5


def test_new_key_works(admin, server):
    k = admin.ok("POST", "/api-keys", 201, body={"label": uniq()})
    assert server.client(k["key"]).ok("GET", "/me")["id"] == server.admin_info["userId"]


def test_label_required(admin):
    assert_error(admin.post("/api-keys", body={}), 400, "VALIDATION_FAILED", field="label")


def test_unknown_scope_400(admin):
    assert_error(admin.post("/api-keys", body={"label": "x", "scopes": ["root"]}), 400,
                 "VALIDATION_FAILED", field="scopes")


def test_expires_at_in_past_400(admin):
    r = admin.post("/api-keys", body={"label": "x", "expiresAt": fmt_ts(now_ms() - 60_000)})
    assert_error(r, 400, "VALIDATION_FAILED", field="expiresAt")


def test_revoke_stops_key_at_once(admin, server):
    k = admin.ok("POST", "/api-keys", 201, body={"label": uniq()})
    c = server.client(k["key"])
    assert c.get("/me").status == 200
    assert admin.delete(f"/api-keys/{k['id']}").status == 204
    r = c.get("/me")
    assert_error(r, 401, "UNAUTHORIZED")
    assert r.json()["message"] == "401 Unauthorized"
    assert k["id"] not in {x["id"] for x in admin.ok("GET", "/api-keys",
                                                      params={"limit": 1000})["items"]}
    assert_error(admin.delete(f"/api-keys/{k['id']}"), 404, "NOT_FOUND")


def test_key_can_revoke_itself(admin, server):
    k = admin.ok("POST", "/api-keys", 201, body={"label": uniq()})
    c = server.client(k["key"])
    assert c.delete(f"/api-keys/{k['id']}").status == 204
    assert_error(c.get("/me"), 401, "UNAUTHORIZED")


def test_scope_jit_read_only(admin, server, pool, user):
    k = admin.ok("POST", "/api-keys", 201, body={"label": uniq(), "scopes": ["jit:read"]})
    assert k["scopes"] == ["jit:read"]
    c = server.client(k["key"])
    assert c.get("/jit-access").status == 200
    r = c.post("/jit-access", body=admin.grant_body([pool["id"]], [user["id"]]))
    assert_error(r, 403, "FORBIDDEN")
    assert_error(c.post("/agent-pool", body={"name": uniq()}), 403, "FORBIDDEN")
    assert_error(c.get("/audit-events"), 403, "FORBIDDEN")


def test_scope_jit_write(admin, server, pool, user):
    k = admin.ok("POST", "/api-keys", 201, body={"label": uniq(),
                                                  "scopes": ["jit:read", "jit:write"]})
    c = server.client(k["key"])
    g = c.create_grant([pool["id"]], [user["id"]])
    assert g["createdBy"] == server.admin_info["userId"]
    assert_error(c.post("/users", body={"email": f"{uniq()}@example.com", "name": "x"}), 403,
                 "FORBIDDEN")


def test_scopes_cannot_exceed_owner(admin, server):
    # A non-manager's key with directory:write still cannot create users.
    u = admin.new_user_client(scopes=["directory:write", "directory:read"])
    r = u.post("/users", body={"email": f"{uniq()}@example.com", "name": "x"})
    assert_error(r, 403, "FORBIDDEN")


def test_expired_key_401(admin, server):
    k = admin.ok("POST", "/api-keys", 201,
                 body={"label": uniq(), "expiresAt": fmt_ts(now_ms() + 1500)})
    assert TS_RE.match(k["expiresAt"])
    c = server.client(k["key"])
    assert c.get("/me").status == 200
    time.sleep(max(0.0, (parse_ts(k["expiresAt"]) - now_ms()) / 1000.0) + 0.1)
    assert_error(c.get("/me"), 401, "UNAUTHORIZED")


def test_last_used_at_set_after_use(admin, server):
    k = admin.ok("POST", "/api-keys", 201, body={"label": uniq()})
    assert k["lastUsedAt"] is None
    server.client(k["key"]).ok("GET", "/me")
    listed = {x["id"]: x for x in admin.ok("GET", "/api-keys",
                                           params={"limit": 1000})["items"]}
    assert listed[k["id"]]["lastUsedAt"] is not None and TS_RE.match(listed[k["id"]]["lastUsedAt"])


def test_user_lists_only_own_keys(admin):
    a = admin.new_user_client()
    b = admin.new_user_client()
    own = a.ok("GET", "/api-keys")["items"]
    assert own and all(x["userId"] == a.user["id"] for x in own)
    assert a.key_obj["id"] in {x["id"] for x in own}
    assert b.key_obj["id"] not in {x["id"] for x in own}


def test_manager_lists_and_revokes_others_keys(admin, server):
    a = admin.new_user_client()
    page = admin.ok("GET", "/api-keys", params={"userId": a.user["id"]})
    assert [x["id"] for x in page["items"]] == [a.key_obj["id"]]
    assert page["items"][0]["userId"] == a.user["id"]
    assert admin.delete(f"/api-keys/{a.key_obj['id']}").status == 204
    assert_error(a.get("/me"), 401, "UNAUTHORIZED")


def test_non_manager_cannot_touch_others_keys(admin, server):
    a = admin.new_user_client()
    b = admin.new_user_client()
    r = a.get("/api-keys", params={"userId": b.user["id"]})
    assert r.status in (403, 404), r
    assert_error(r, r.status, "FORBIDDEN" if r.status == 403 else "NOT_FOUND")
    r = a.delete(f"/api-keys/{b.key_obj['id']}")
    assert r.status in (403, 404), r
    assert_error(r, r.status, "FORBIDDEN" if r.status == 403 else "NOT_FOUND")
    assert b.get("/me").status == 200
    r = a.delete(f"/api-keys/{uuid.uuid4()}")
    assert r.status in (403, 404), r


def test_disabled_user_key_401(admin, server):
    a = admin.new_user_client()
    assert a.get("/me").status == 200
    admin.ok("PATCH", f"/users/{a.user['id']}", body={"disabled": True})
    r = a.get("/me")
    assert_error(r, 401, "UNAUTHORIZED")
    assert r.json()["message"] == "401 Unauthorized"
