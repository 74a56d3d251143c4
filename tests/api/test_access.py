"""Access checks: single, batch, per-user view, roles and permissions, sources, validUntil."""

import uuid

import pytest

from conftest import assert_error, fmt_ts, now_ms

CHECK_FIELDS = {"allowed", "role", "sources", "validUntil"}


def test_jit_standard(admin):
    u, p = admin.create_user(), admin.create_pool()
    g = admin.create_grant([p["id"]], [u["id"]], role="STANDARD")
    c = admin.check(u["id"], p["id"], "USE")
    assert set(c) == CHECK_FIELDS, sorted(c)
    assert c["allowed"] is True and c["role"] == "STANDARD"
    assert c["sources"] == [{"type": "JIT", "id": g["id"], "expiresAt": g["expiresAt"]}]
    assert c["validUntil"] == g["expiresAt"]
    q = admin.check(u["id"], p["id"], "IGNORE_QUOTA")
    assert q["allowed"] is False


def test_jit_privileged_ignore_quota(admin):
    u, p = admin.create_user(), admin.create_pool()
    g = admin.create_grant([p["id"]], [u["id"]], role="PRIVILEGED")
    for perm in ("USE", "IGNORE_QUOTA"):
        c = admin.check(u["id"], p["id"], perm)
        assert c["allowed"] is True and c["role"] == "PRIVILEGED", (perm, c)
        assert c["validUntil"] == g["expiresAt"]


def test_grant_covers_every_named_pool_and_user_only(admin):
    us = [admin.create_user() for _ in range(2)]
    ps = [admin.create_pool() for _ in range(2)]
    outsider_u, outsider_p = admin.create_user(), admin.create_pool()
    admin.create_grant([p["id"] for p in ps], [u["id"] for u in us])
    for u in us:
        for p in ps:
            assert admin.check(u["id"], p["id"])["allowed"] is True
        assert admin.check(u["id"], outsider_p["id"])["allowed"] is False
    assert admin.check(outsider_u["id"], ps[0]["id"])["allowed"] is False


def test_no_access(admin):
    u, p = admin.create_user(), admin.create_pool()
    c = admin.check(u["id"], p["id"])
    assert c == {"allowed": False, "role": None, "sources": [], "validUntil": None}


def test_unknown_user_or_pool_is_allowed_false_not_404(admin):
    u, p = admin.create_user(), admin.create_pool()
    for uid, pid in ((str(uuid.uuid4()), p["id"]), (u["id"], str(uuid.uuid4())),
                     (str(uuid.uuid4()), str(uuid.uuid4()))):
        r = admin.get("/access/check", params={"userId": uid, "agentPoolId": pid,
                                               "permission": "USE"})
        assert r.status == 200, r
        assert r.json()["allowed"] is False and r.json()["role"] is None


@pytest.mark.parametrize("missing", ["userId", "agentPoolId", "permission"])
def test_missing_params_400(admin, missing):
    params = {"userId": str(uuid.uuid4()), "agentPoolId": str(uuid.uuid4()), "permission": "USE"}
    params.pop(missing)
    assert_error(admin.get("/access/check", params=params), 400, "VALIDATION_FAILED",
                 field=missing)


def test_bad_permission_400(admin):
    r = admin.get("/access/check", params={"userId": str(uuid.uuid4()),
                                           "agentPoolId": str(uuid.uuid4()), "permission": "ROOT"})
    assert_error(r, 400, "VALIDATION_FAILED", field="permission")


def test_standing_plus_jit_strongest_role(admin):
    u, p = admin.create_user(), admin.create_pool()
    grp = admin.create_group(member_ids=[u["id"]], pool_access=[(p["id"], "STANDARD")])
    g = admin.create_grant([p["id"]], [u["id"]], role="PRIVILEGED")
    c = admin.check(u["id"], p["id"], "IGNORE_QUOTA")
    assert c["allowed"] is True and c["role"] == "PRIVILEGED"
    assert {"type": "GROUP", "id": grp["id"]} in c["sources"]
    assert {"type": "JIT", "id": g["id"], "expiresAt": g["expiresAt"]} in c["sources"]
    assert len(c["sources"]) == 2
    # The role drops to STANDARD when the grant expires: that is the next change.
    assert c["validUntil"] == g["expiresAt"]
    c = admin.check(u["id"], p["id"], "USE")
    assert c["role"] == "PRIVILEGED" and c["validUntil"] == g["expiresAt"]
    assert admin.delete(f"/jit-access/{g['id']}").status == 204
    c = admin.check(u["id"], p["id"], "USE")
    assert c["allowed"] is True and c["role"] == "STANDARD" and c["validUntil"] is None
    assert admin.check(u["id"], p["id"], "IGNORE_QUOTA")["allowed"] is False


def test_standing_privileged_outranks_jit_standard(admin):
    u, p = admin.create_user(), admin.create_pool()
    admin.create_group(member_ids=[u["id"]], pool_access=[(p["id"], "PRIVILEGED")])
    admin.create_grant([p["id"]], [u["id"]], role="STANDARD")
    c = admin.check(u["id"], p["id"], "IGNORE_QUOTA")
    assert c["allowed"] is True and c["role"] == "PRIVILEGED"
    assert c["validUntil"] is None  # nothing changes when the weaker grant expires


def test_two_jit_grants_valid_until_latest(admin):
    u, p = admin.create_user(), admin.create_pool()
    g1 = admin.create_grant([p["id"]], [u["id"]], expiration={"hours": 1})
    g2 = admin.create_grant([p["id"]], [u["id"]], expiration={"hours": 3})
    c = admin.check(u["id"], p["id"])
    assert c["allowed"] is True
    assert c["validUntil"] == g2["expiresAt"]
    assert {s["id"] for s in c["sources"]} == {g1["id"], g2["id"]}


def test_disabled_user_has_no_access(admin):
    u, p = admin.create_user(), admin.create_pool()
    admin.create_group(member_ids=[u["id"]], pool_access=[(p["id"], "PRIVILEGED")])
    admin.create_grant([p["id"]], [u["id"]], role="PRIVILEGED")
    admin.ok("PATCH", f"/users/{u['id']}", body={"disabled": True})
    c = admin.check(u["id"], p["id"])
    assert c["allowed"] is False and c["role"] is None
    assert admin.ok("GET", f"/users/{u['id']}/access")["items"] == []
    admin.ok("PATCH", f"/users/{u['id']}", body={"disabled": False})
    assert admin.check(u["id"], p["id"], "IGNORE_QUOTA")["allowed"] is True


def test_batch_check_keeps_order(admin):
    u, p, q = admin.create_user(), admin.create_pool(), admin.create_pool()
    admin.create_grant([p["id"]], [u["id"]], role="PRIVILEGED")
    checks = [
        {"userId": u["id"], "agentPoolId": p["id"], "permission": "USE"},
        {"userId": u["id"], "agentPoolId": q["id"], "permission": "USE"},
        {"userId": str(uuid.uuid4()), "agentPoolId": p["id"], "permission": "USE"},
        {"userId": u["id"], "agentPoolId": p["id"], "permission": "IGNORE_QUOTA"},
    ]
    r = admin.post("/access/check", body={"checks": checks})
    assert r.status == 200, r
    res = r.json()["results"]
    assert [x["allowed"] for x in res] == [True, False, False, True]
    assert [x["role"] for x in res] == ["PRIVILEGED", None, None, "PRIVILEGED"]
    single = admin.check(u["id"], p["id"], "USE")
    assert {k: res[0][k] for k in single} == single


def test_batch_1000_ok_1001_and_0_refused(admin):
    u, p = admin.create_user(), admin.create_pool()
    admin.create_grant([p["id"]], [u["id"]])
    other = admin.create_pool()
    checks = [{"userId": u["id"], "agentPoolId": (p if i % 3 else other)["id"], "permission": "USE"}
              for i in range(1000)]
    r = admin.post("/access/check", body={"checks": checks})
    assert r.status == 200, r
    res = r.json()["results"]
    assert len(res) == 1000
    assert [x["allowed"] for x in res] == [bool(i % 3) for i in range(1000)]
    assert_error(admin.post("/access/check", body={"checks": checks + checks[:1]}), 400,
                 "VALIDATION_FAILED", field="checks")
    assert_error(admin.post("/access/check", body={"checks": []}), 400, "VALIDATION_FAILED",
                 field="checks")
    assert_error(admin.post("/access/check", body={}), 400, "VALIDATION_FAILED", field="checks")


def test_batch_bad_entry_400(admin):
    r = admin.post("/access/check", body={"checks": [{"userId": str(uuid.uuid4()),
                                                      "agentPoolId": str(uuid.uuid4()),
                                                      "permission": "FLY"}]})
    assert_error(r, 400, "VALIDATION_FAILED")


def test_user_access_view(admin):
    u, p1, p2 = admin.create_user(), admin.create_pool(), admin.create_pool()
    grp = admin.create_group(member_ids=[u["id"]], pool_access=[(p1["id"], "STANDARD")])
    g = admin.create_grant([p1["id"], p2["id"]], [u["id"]], role="PRIVILEGED",
                           expiration={"at": fmt_ts(now_ms() + 3_600_000)})
    r = admin.get(f"/users/{u['id']}/access")
    assert r.status == 200, r
    items = {i["agentPoolId"]: i for i in r.json()["items"]}
    assert set(items) == {p1["id"], p2["id"]}
    for i in items.values():
        assert set(i) == {"agentPoolId", "role", "sources", "validUntil"}
        assert i["role"] == "PRIVILEGED" and i["validUntil"] == g["expiresAt"]
    assert {"type": "GROUP", "id": grp["id"]} in items[p1["id"]]["sources"]
    assert items[p2["id"]]["sources"] == [{"type": "JIT", "id": g["id"],
                                           "expiresAt": g["expiresAt"]}]


def test_user_access_unknown_user_404(admin):
    assert_error(admin.get(f"/users/{uuid.uuid4()}/access"), 404, "NOT_FOUND")


def test_non_manager_may_check_self_only(admin):
    c = admin.new_user_client()
    other = admin.create_user()
    p = admin.create_pool()
    admin.create_grant([p["id"]], [c.user["id"]])
    assert c.check(c.user["id"], p["id"])["allowed"] is True
    assert c.ok("GET", "/me/access")["items"][0]["agentPoolId"] == p["id"]
    r = c.get("/access/check", params={"userId": other["id"], "agentPoolId": p["id"],
                                       "permission": "USE"})
    assert_error(r, 403, "FORBIDDEN")
    r = c.post("/access/check", body={"checks": [{"userId": other["id"], "agentPoolId": p["id"],
                                                  "permission": "USE"}]})
    assert_error(r, 403, "FORBIDDEN")
    assert_error(c.get(f"/users/{other['id']}/access"), 403, "FORBIDDEN")
