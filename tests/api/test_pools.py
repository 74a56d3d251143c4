"""Agent pools: CRUD, sorted list, search, name rules, deletion while granted."""

import uuid

from conftest import POOL_FIELDS, TS_RE, UUID_RE, assert_error, uniq


def test_create_pool_fields(admin):
    name = uniq("pool")
    r = admin.post("/agent-pool", body={"name": name, "description": "build agents"})
    assert r.status == 201, r
    p = r.json()
    assert set(p) == POOL_FIELDS, sorted(p)
    assert UUID_RE.match(p["id"]) and TS_RE.match(p["createdAt"])
    assert (p["name"], p["description"]) == (name, "build agents")
    assert admin.ok("GET", f"/agent-pool/{p['id']}") == p


def test_duplicate_name_409(admin):
    p = admin.create_pool()
    assert_error(admin.post("/agent-pool", body={"name": p["name"]}), 409, "CONFLICT")


def test_name_length_rules(admin):
    assert_error(admin.post("/agent-pool", body={"name": ""}), 400, "VALIDATION_FAILED",
                 field="name")
    assert_error(admin.post("/agent-pool", body={}), 400, "VALIDATION_FAILED", field="name")
    long101 = uuid.uuid4().hex + "x" * 69
    assert len(long101) == 101
    assert_error(admin.post("/agent-pool", body={"name": long101}), 400, "VALIDATION_FAILED",
                 field="name")
    ok100 = long101[:100]
    assert admin.create_pool(name=ok100)["name"] == ok100
    assert admin.create_pool(name="a")["name"] == "a"


def test_list_sorted_by_name_and_search(admin):
    tok = uuid.uuid4().hex[:8]
    names = [f"srt-{tok}-charlie", f"srt-{tok}-alpha", f"SRT-{tok}-bravo"]
    for n in names:
        admin.create_pool(name=n)
    page = admin.ok("GET", "/agent-pool", params={"search": f"srt-{tok}"})
    got = [p["name"] for p in page["items"]]
    assert page["total"] == 3
    assert set(got) == set(names)
    assert got == sorted(got, key=str.lower) or got == sorted(got), got
    page = admin.ok("GET", "/agent-pool", params={"search": f"{tok}-ALPHA"})
    assert [p["name"] for p in page["items"]] == [f"srt-{tok}-alpha"]


def test_full_list_is_sorted_and_paginated(admin):
    for _ in range(3):
        admin.create_pool()
    page = admin.ok("GET", "/agent-pool", params={"limit": 1000})
    names = [p["name"] for p in page["items"]]
    assert names == sorted(names) or names == sorted(names, key=str.lower), names
    assert page["total"] == len(names)
    d = admin.ok("GET", "/agent-pool")
    assert (d["offset"], d["limit"]) == (0, 10)
    assert_error(admin.get("/agent-pool", params={"limit": 1001}), 400, "VALIDATION_FAILED")


def test_any_user_can_list_pools(admin):
    c = admin.new_user_client()
    p = admin.create_pool()
    page = c.ok("GET", "/agent-pool", params={"search": p["name"]})
    assert [x["id"] for x in page["items"]] == [p["id"]]


def test_patch_pool(admin):
    p = admin.create_pool(description="old")
    new = uniq("renamed")
    q = admin.ok("PATCH", f"/agent-pool/{p['id']}", body={"name": new, "description": "new"})
    assert (q["id"], q["name"], q["description"], q["createdAt"]) == \
        (p["id"], new, "new", p["createdAt"])
    assert admin.ok("GET", f"/agent-pool/{p['id']}") == q


def test_patch_to_duplicate_name_409(admin):
    a, b = admin.create_pool(), admin.create_pool()
    assert_error(admin.patch(f"/agent-pool/{b['id']}", body={"name": a["name"]}), 409, "CONFLICT")


def test_patch_invalid_name_400(admin):
    p = admin.create_pool()
    assert_error(admin.patch(f"/agent-pool/{p['id']}", body={"name": ""}), 400,
                 "VALIDATION_FAILED", field="name")


def test_delete_pool(admin):
    p = admin.create_pool()
    assert admin.delete(f"/agent-pool/{p['id']}").status == 204
    assert_error(admin.get(f"/agent-pool/{p['id']}"), 404, "NOT_FOUND")
    assert_error(admin.delete(f"/agent-pool/{p['id']}"), 404, "NOT_FOUND")


def test_delete_pool_in_active_grant_409(admin, user):
    p = admin.create_pool()
    g = admin.create_grant([p["id"]], [user["id"]])
    assert_error(admin.delete(f"/agent-pool/{p['id']}"), 409, "CONFLICT")
    assert admin.ok("GET", f"/agent-pool/{p['id']}")["id"] == p["id"]
    assert admin.delete(f"/jit-access/{g['id']}").status == 204
    assert admin.delete(f"/agent-pool/{p['id']}").status == 204


def test_unknown_pool_404(admin):
    assert_error(admin.get(f"/agent-pool/{uuid.uuid4()}"), 404, "NOT_FOUND")
    assert_error(admin.patch(f"/agent-pool/{uuid.uuid4()}", body={"name": uniq()}), 404,
                 "NOT_FOUND")
