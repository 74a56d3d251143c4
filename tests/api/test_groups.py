"""Groups (standing access): CRUD, reference validation, effect on access checks."""

import uuid

from conftest import GROUP_FIELDS, TS_RE, UUID_RE, assert_error, uniq


def test_create_get_group(admin):
    u = admin.create_user()
    p = admin.create_pool()
    name = uniq("grp")
    r = admin.post("/groups", body={"name": name, "memberIds": [u["id"]],
                                    "poolAccess": [{"agentPoolId": p["id"], "role": "STANDARD"}]})
    assert r.status == 201, r
    g = r.json()
    assert set(g) == GROUP_FIELDS, sorted(g)
    assert UUID_RE.match(g["id"]) and TS_RE.match(g["createdAt"])
    assert g["name"] == name
    assert g["memberIds"] == [u["id"]]
    assert g["poolAccess"] == [{"agentPoolId": p["id"], "role": "STANDARD"}]
    assert admin.ok("GET", f"/groups/{g['id']}") == g


def test_create_minimal_group(admin):
    g = admin.ok("POST", "/groups", 201, body={"name": uniq("grp")})
    assert g["memberIds"] == [] and g["poolAccess"] == []


def test_list_groups(admin):
    g = admin.create_group()
    page = admin.ok("GET", "/groups", params={"limit": 1000})
    assert set(page) == {"items", "total", "offset", "limit"}
    assert g["id"] in {x["id"] for x in page["items"]}
    d = admin.ok("GET", "/groups")
    assert (d["offset"], d["limit"]) == (0, 10)


def test_unknown_ids_400_naming_each(admin):
    p = admin.create_pool()
    bad_users = [str(uuid.uuid4()), str(uuid.uuid4())]
    bad_pool = str(uuid.uuid4())
    r = admin.post("/groups", body={
        "name": uniq("grp"), "memberIds": bad_users,
        "poolAccess": [{"agentPoolId": p["id"], "role": "STANDARD"},
                       {"agentPoolId": bad_pool, "role": "PRIVILEGED"}]})
    body = assert_error(r, 400, "VALIDATION_FAILED")
    text = str(body["details"])
    for bad in bad_users + [bad_pool]:
        assert bad in text, f"{bad} not named in {body['details']}"
    assert len(body["details"]) >= 3


def test_invalid_role_and_name(admin):
    p = admin.create_pool()
    r = admin.post("/groups", body={"name": uniq(), "poolAccess": [{"agentPoolId": p["id"],
                                                                    "role": "OWNER"}]})
    assert_error(r, 400, "VALIDATION_FAILED", field="poolAccess")
    assert_error(admin.post("/groups", body={"name": ""}), 400, "VALIDATION_FAILED", field="name")


def test_patch_group(admin):
    u1, u2 = admin.create_user(), admin.create_user()
    p = admin.create_pool()
    g = admin.create_group(member_ids=[u1["id"]])
    q = admin.ok("PATCH", f"/groups/{g['id']}", body={
        "memberIds": [u2["id"]], "poolAccess": [{"agentPoolId": p["id"], "role": "PRIVILEGED"}]})
    assert q["id"] == g["id"] and q["name"] == g["name"]
    assert q["memberIds"] == [u2["id"]]
    assert q["poolAccess"] == [{"agentPoolId": p["id"], "role": "PRIVILEGED"}]
    new = uniq("renamed")
    assert admin.ok("PATCH", f"/groups/{g['id']}", body={"name": new})["name"] == new
    assert admin.ok("GET", f"/groups/{g['id']}")["memberIds"] == [u2["id"]]


def test_patch_unknown_member_400(admin):
    g = admin.create_group()
    bad = str(uuid.uuid4())
    body = assert_error(admin.patch(f"/groups/{g['id']}", body={"memberIds": [bad]}), 400,
                        "VALIDATION_FAILED")
    assert bad in str(body["details"])


def test_delete_group(admin):
    g = admin.create_group()
    assert admin.delete(f"/groups/{g['id']}").status == 204
    assert_error(admin.get(f"/groups/{g['id']}"), 404, "NOT_FOUND")
    assert_error(admin.delete(f"/groups/{g['id']}"), 404, "NOT_FOUND")


def test_standing_access_visible_in_checks(admin):
    u = admin.create_user()
    p = admin.create_pool()
    assert admin.check(u["id"], p["id"])["allowed"] is False
    g = admin.create_group(member_ids=[u["id"]], pool_access=[(p["id"], "STANDARD")])
    c = admin.check(u["id"], p["id"])
    assert c["allowed"] is True and c["role"] == "STANDARD"
    assert c["sources"] == [{"type": "GROUP", "id": g["id"]}]
    assert c["validUntil"] is None
    assert admin.check(u["id"], p["id"], "IGNORE_QUOTA")["allowed"] is False

    admin.ok("PATCH", f"/groups/{g['id']}", body={"poolAccess": [{"agentPoolId": p["id"],
                                                                  "role": "PRIVILEGED"}]})
    assert admin.check(u["id"], p["id"], "IGNORE_QUOTA")["allowed"] is True

    admin.ok("PATCH", f"/groups/{g['id']}", body={"memberIds": []})
    c = admin.check(u["id"], p["id"])
    assert c["allowed"] is False and c["role"] is None and c["sources"] == []

    admin.ok("PATCH", f"/groups/{g['id']}", body={"memberIds": [u["id"]]})
    assert admin.check(u["id"], p["id"])["allowed"] is True
    assert admin.delete(f"/groups/{g['id']}").status == 204
    assert admin.check(u["id"], p["id"])["allowed"] is False


def test_group_access_in_user_access(admin):
    u = admin.create_user()
    p = admin.create_pool()
    g = admin.create_group(member_ids=[u["id"]], pool_access=[(p["id"], "PRIVILEGED")])
    items = admin.ok("GET", f"/users/{u['id']}/access")["items"]
    assert items == [{"agentPoolId": p["id"], "role": "PRIVILEGED",
                      "sources": [{"type": "GROUP", "id": g["id"]}], "validUntil": None}]
