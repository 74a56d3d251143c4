"""JIT grants: creation, every validation rule, listing, revocation, immutability, idempotency."""

import time
import uuid

import pytest

from conftest import (GRANT_FIELDS, TS_RE, UUID_RE, assert_error, detail_fields, field_matches,
                      fmt_ts, now_ms, parse_ts, uniq)

HOUR = 3600 * 1000
DAY = 24 * HOUR
SLACK = 10_000  # ms of clock/processing slack allowed around "from now"


@pytest.fixture(scope="module")
def pools21(admin):
    return [admin.create_pool()["id"] for _ in range(21)]


@pytest.fixture(scope="module")
def users51(admin):
    return [admin.create_user()["id"] for _ in range(51)]


def post_grant(admin, body, **kw):
    return admin.post("/jit-access", body=body, **kw)


def assert_only_field(resp, field):
    body = assert_error(resp, 400, "VALIDATION_FAILED", field=field)
    others = [f for f in detail_fields(body) if not field_matches(f, field)]
    assert not others, f"only {field!r} is wrong, but details also name {others}: {body}"
    return body


# ----------------------------------------------------------------------------- creation

def test_create_hours_exact_fields(admin, server, pool, user):
    before = now_ms()
    r = post_grant(admin, admin.grant_body([pool["id"]], [user["id"]], name="oncall-alice-fri",
                                           expiration={"hours": 8}, reason="INC-1234"))
    after = now_ms()
    assert r.status == 201, r
    assert r.header("Content-Type").startswith("application/json")
    g = r.json()
    assert set(g) == GRANT_FIELDS, sorted(g)
    assert UUID_RE.match(g["id"])
    assert g["name"] == "oncall-alice-fri" and g["role"] == "STANDARD"
    assert g["agentPoolIds"] == [pool["id"]] and g["userIds"] == [user["id"]]
    assert g["reason"] == "INC-1234"
    assert g["status"] == "ACTIVE"
    assert g["createdBy"] == server.admin_info["userId"]
    assert g["revokedAt"] is None and g["revokedBy"] is None
    assert TS_RE.match(g["createdAt"]) and TS_RE.match(g["expiresAt"])
    created = parse_ts(g["createdAt"])
    assert before - SLACK <= created <= after + SLACK
    assert parse_ts(g["expiresAt"]) - created == 8 * HOUR


def test_create_days(admin, pool, user):
    g = admin.create_grant([pool["id"]], [user["id"]], expiration={"days": 2})
    assert parse_ts(g["expiresAt"]) - parse_ts(g["createdAt"]) == 2 * DAY


def test_create_at_with_offset_stored_as_utc_ms(admin, pool, user):
    n = now_ms()
    target = n - n % 1000 + DAY + 123  # a .123 millisecond part
    at = fmt_ts(target, offset_minutes=120)
    assert at.endswith(".123+02:00")
    g = admin.create_grant([pool["id"]], [user["id"]], expiration={"at": at})
    assert g["expiresAt"] == fmt_ts(target)
    assert g["expiresAt"].endswith(".123Z")


def test_create_at_with_negative_offset(admin, pool, user):
    target = now_ms() + 5 * HOUR
    g = admin.create_grant([pool["id"]], [user["id"]],
                           expiration={"at": fmt_ts(target, offset_minutes=-330)})
    assert g["expiresAt"] == fmt_ts(target)


def test_privileged_multi_pool_multi_user(admin):
    ps = [admin.create_pool()["id"] for _ in range(3)]
    us = [admin.create_user()["id"] for _ in range(4)]
    g = admin.create_grant(ps, us, role="PRIVILEGED")
    assert g["role"] == "PRIVILEGED"
    assert sorted(g["agentPoolIds"]) == sorted(ps) and sorted(g["userIds"]) == sorted(us)


def test_exactly_31_days_and_744_hours_accepted(admin, pool, user):
    for exp in ({"days": 31}, {"hours": 744}):
        g = admin.create_grant([pool["id"]], [user["id"]], expiration=exp)
        assert parse_ts(g["expiresAt"]) - parse_ts(g["createdAt"]) == 31 * DAY


def test_at_just_under_31_days_accepted(admin, pool, user):
    g = admin.create_grant([pool["id"]], [user["id"]],
                           expiration={"at": fmt_ts(now_ms() + 31 * DAY - 60_000)})
    assert g["status"] == "ACTIVE"


def test_20_pools_and_50_users_accepted(admin, pools21, users51):
    g = admin.create_grant(pools21[:20], users51[:50])
    assert len(g["agentPoolIds"]) == 20 and len(g["userIds"]) == 50


def test_max_lengths_accepted(admin, pool, user):
    g = admin.create_grant([pool["id"]], [user["id"]], name="n" * 200, reason="r" * 1000)
    assert len(g["name"]) == 200 and len(g["reason"]) == 1000


# ----------------------------------------------------------------------------- validation, one rule each

def _body(admin, pool, user, **over):
    b = admin.grant_body([pool["id"]], [user["id"]])
    for k, v in over.items():
        if v is _DROP:
            b.pop(k)
        else:
            b[k] = v
    return b


_DROP = object()

EXPIRATION_CASES = {
    "missing": _DROP,
    "empty": {},
    "days_and_hours": {"days": 1, "hours": 1},
    "hours_and_at": {"hours": 1, "at": "2099-01-01T00:00:00.000Z"},
    "hours_zero": {"hours": 0},
    "hours_negative": {"hours": -1},
    "hours_fraction": {"hours": 1.5},
    "hours_string": {"hours": "8"},
    "days_zero": {"days": 0},
    "days_32": {"days": 32},
    "hours_745": {"hours": 745},
    "unknown_unit": {"minutes": 30},
    "at_garbage": {"at": "tomorrow"},
    "at_no_offset": {"at": "2099-01-01T00:00:00"},
    "not_object": "8h",
}


@pytest.mark.parametrize("case", sorted(EXPIRATION_CASES))
def test_expiration_rules(admin, pool, user, case):
    r = post_grant(admin, _body(admin, pool, user, expiration=EXPIRATION_CASES[case]))
    assert_only_field(r, "expiration")


def test_expiration_at_in_past_or_now(admin, pool, user):
    for at in (fmt_ts(now_ms() - 60_000), fmt_ts(now_ms())):
        r = post_grant(admin, _body(admin, pool, user, expiration={"at": at}))
        assert_only_field(r, "expiration")


def test_expiration_at_beyond_31_days(admin, pool, user):
    r = post_grant(admin, _body(admin, pool, user,
                                expiration={"at": fmt_ts(now_ms() + 31 * DAY + 60_000)}))
    assert_only_field(r, "expiration")


@pytest.mark.parametrize("value", [_DROP, "", "n" * 201, 5, None])
def test_name_rules(admin, pool, user, value):
    assert_only_field(post_grant(admin, _body(admin, pool, user, name=value)), "name")


@pytest.mark.parametrize("value", [_DROP, "ADMIN", "", 1, None])
def test_role_rules(admin, pool, user, value):
    assert_only_field(post_grant(admin, _body(admin, pool, user, role=value)), "role")


def test_reason_too_long(admin, pool, user):
    assert_only_field(post_grant(admin, _body(admin, pool, user, reason="r" * 1001)), "reason")


def test_reason_wrong_type(admin, pool, user):
    assert_only_field(post_grant(admin, _body(admin, pool, user, reason=42)), "reason")


def test_pools_empty_missing_and_not_list(admin, pool, user):
    for v in ([], _DROP, pool["id"], [5]):
        assert_only_field(post_grant(admin, _body(admin, pool, user, agentPoolIds=v)),
                          "agentPoolIds")


def test_21_pools_refused(admin, user, pools21):
    assert_only_field(post_grant(admin, _body(admin, {"id": None}, user, agentPoolIds=pools21)),
                      "agentPoolIds")


def test_duplicate_pools_refused(admin, pool, user):
    assert_only_field(post_grant(admin, _body(admin, pool, user,
                                              agentPoolIds=[pool["id"], pool["id"]])),
                      "agentPoolIds")


def test_unknown_pool_refused(admin, pool, user):
    for bad in (str(uuid.uuid4()), "not-a-uuid"):
        assert_only_field(post_grant(admin, _body(admin, pool, user,
                                                  agentPoolIds=[pool["id"], bad])),
                          "agentPoolIds")


def test_users_empty_missing_and_not_list(admin, pool, user):
    for v in ([], _DROP, user["id"], [None]):
        assert_only_field(post_grant(admin, _body(admin, pool, user, userIds=v)), "userIds")


def test_51_users_refused(admin, pool, users51):
    assert_only_field(post_grant(admin, _body(admin, pool, {"id": None}, userIds=users51)),
                      "userIds")


def test_duplicate_users_refused(admin, pool, user):
    assert_only_field(post_grant(admin, _body(admin, pool, user,
                                              userIds=[user["id"], user["id"]])), "userIds")


def test_unknown_user_refused(admin, pool, user):
    for bad in (str(uuid.uuid4()), "not-a-uuid"):
        assert_only_field(post_grant(admin, _body(admin, pool, user, userIds=[user["id"], bad])),
                          "userIds")


def test_disabled_user_refused(admin, pool):
    u = admin.create_user()
    admin.ok("PATCH", f"/users/{u['id']}", body={"disabled": True})
    assert_only_field(post_grant(admin, _body(admin, pool, u)), "userIds")


def test_several_violations_at_once(admin):
    r = post_grant(admin, {"name": "", "role": "GOD", "agentPoolIds": [], "userIds": [],
                           "expiration": {"hours": 0}, "reason": "x" * 1001})
    body = assert_error(r, 400, "VALIDATION_FAILED")
    fields = detail_fields(body)
    for f in ("name", "role", "agentPoolIds", "userIds", "expiration", "reason"):
        assert any(field_matches(x, f) for x in fields), f"{f} missing from {body['details']}"
    for d in body["details"]:
        assert isinstance(d.get("message"), str) and d["message"], d


def test_several_reference_violations_at_once(admin, pool, user):
    disabled = admin.create_user()
    admin.ok("PATCH", f"/users/{disabled['id']}", body={"disabled": True})
    r = post_grant(admin, _body(admin, pool, user, agentPoolIds=[str(uuid.uuid4())],
                                userIds=[disabled["id"]], expiration={"days": 40}))
    fields = detail_fields(assert_error(r, 400, "VALIDATION_FAILED"))
    for f in ("agentPoolIds", "userIds", "expiration"):
        assert any(field_matches(x, f) for x in fields), f"{f} missing from {fields}"


@pytest.mark.parametrize("field,value", [("status", "EXPIRED"), ("createdBy", str(uuid.uuid4())),
                                         ("id", str(uuid.uuid4())), ("foo", 1),
                                         ("revokedAt", None), ("expiresAt", "2099-01-01T00:00:00.000Z")])
def test_unknown_and_read_only_fields_refused(admin, pool, user, field, value):
    body = _body(admin, pool, user)
    body[field] = value
    assert_error(post_grant(admin, body), 400, "VALIDATION_FAILED", field=field)


def test_failed_create_creates_nothing(admin, pool):
    u = admin.create_user()
    post_grant(admin, _body(admin, pool, u, role="NOPE"))
    page = admin.ok("GET", "/jit-access", params={"status": "all", "userId": u["id"]})
    assert page["total"] == 0 and page["items"] == []


# ----------------------------------------------------------------------------- get, list

def test_get_grant(admin, pool, user):
    g = admin.create_grant([pool["id"]], [user["id"]])
    assert admin.ok("GET", f"/jit-access/{g['id']}") == g


def test_get_unknown_grant_404(admin):
    assert_error(admin.get(f"/jit-access/{uuid.uuid4()}"), 404, "NOT_FOUND")


def test_list_filters_by_status_user_pool(admin):
    u, other_u = admin.create_user(), admin.create_user()
    p, other_p = admin.create_pool(), admin.create_pool()
    active = admin.create_grant([p["id"]], [u["id"]])
    time.sleep(0.01)
    revoked = admin.create_grant([p["id"], other_p["id"]], [u["id"]])
    assert admin.delete(f"/jit-access/{revoked['id']}").status == 204
    time.sleep(0.01)
    expiring = admin.create_grant([p["id"]], [u["id"], other_u["id"]],
                                  expiration={"at": fmt_ts(now_ms() + 1000)})
    time.sleep(0.01)
    other = admin.create_grant([other_p["id"]], [other_u["id"]])
    time.sleep(1.2)

    def ids(**params):
        page = admin.ok("GET", "/jit-access", params=params)
        assert page["total"] == len(page["items"]), page
        return [g["id"] for g in page["items"]]

    assert ids(userId=u["id"]) == [active["id"]]
    assert ids(userId=u["id"], status="active") == [active["id"]]
    assert ids(userId=u["id"], status="revoked") == [revoked["id"]]
    assert ids(userId=u["id"], status="expired") == [expiring["id"]]
    assert ids(userId=u["id"], status="all") == [expiring["id"], revoked["id"], active["id"]]
    assert ids(agentPoolId=other_p["id"], status="all") == [other["id"], revoked["id"]]
    assert ids(agentPoolId=p["id"], userId=other_u["id"], status="all") == [expiring["id"]]
    assert ids(userId=other_u["id"]) == [other["id"]]

    page = admin.ok("GET", "/jit-access", params={"userId": u["id"], "status": "all"})
    statuses = {g["id"]: g["status"] for g in page["items"]}
    assert statuses == {active["id"]: "ACTIVE", revoked["id"]: "REVOKED",
                        expiring["id"]: "EXPIRED"}
    for g in page["items"]:
        assert set(g) == GRANT_FIELDS


def test_expired_reported_at_once_by_get_and_list(admin, pool):
    u = admin.create_user()
    g = admin.create_grant([pool["id"]], [u["id"]], expiration={"at": fmt_ts(now_ms() + 600)})
    while now_ms() < parse_ts(g["expiresAt"]):
        time.sleep(0.005)
    assert admin.ok("GET", f"/jit-access/{g['id']}")["status"] == "EXPIRED"
    assert admin.ok("GET", "/jit-access", params={"userId": u["id"]})["total"] == 0
    listed = admin.ok("GET", "/jit-access", params={"userId": u["id"], "status": "expired"})
    assert [x["id"] for x in listed["items"]] == [g["id"]]
    assert listed["items"][0]["status"] == "EXPIRED"


def test_list_default_is_active_newest_first(admin, pool):
    u = admin.create_user()
    made = []
    for _ in range(3):
        made.append(admin.create_grant([pool["id"]], [u["id"]])["id"])
        time.sleep(0.01)
    page = admin.ok("GET", "/jit-access", params={"userId": u["id"]})
    assert [g["id"] for g in page["items"]] == made[::-1]
    assert (page["total"], page["offset"], page["limit"]) == (3, 0, 10)
    everything = admin.ok("GET", "/jit-access", params={"limit": 1000})
    assert all(g["status"] == "ACTIVE" for g in everything["items"])
    created = [g["createdAt"] for g in everything["items"]]
    assert created == sorted(created, reverse=True)


def test_list_pagination(admin, pool):
    u = admin.create_user()
    made = []
    for _ in range(5):
        made.append(admin.create_grant([pool["id"]], [u["id"]])["id"])
        time.sleep(0.01)
    got = []
    for off in (0, 2, 4):
        page = admin.ok("GET", "/jit-access", params={"userId": u["id"], "offset": off,
                                                      "limit": 2})
        assert (page["total"], page["offset"], page["limit"]) == (5, off, 2)
        got += [g["id"] for g in page["items"]]
    assert got == made[::-1]
    assert_error(admin.get("/jit-access", params={"limit": 1001}), 400, "VALIDATION_FAILED")
    assert admin.ok("GET", "/jit-access", params={"limit": 1000})["limit"] == 1000


def test_list_bad_status_400(admin):
    assert_error(admin.get("/jit-access", params={"status": "bogus"}), 400, "VALIDATION_FAILED",
                 field="status")


# ----------------------------------------------------------------------------- revoke, immutability

def test_revoke(admin, server, pool, user):
    g = admin.create_grant([pool["id"]], [user["id"]])
    before = now_ms()
    r = admin.delete(f"/jit-access/{g['id']}")
    assert r.status == 204, r
    assert r.body == b""
    got = admin.ok("GET", f"/jit-access/{g['id']}")
    assert got["status"] == "REVOKED"
    assert got["revokedBy"] == server.admin_info["userId"]
    assert TS_RE.match(got["revokedAt"])
    assert before - SLACK <= parse_ts(got["revokedAt"]) <= now_ms() + SLACK
    for k in GRANT_FIELDS - {"status", "revokedAt", "revokedBy"}:
        assert got[k] == g[k], k
    assert_error(admin.delete(f"/jit-access/{g['id']}"), 409, "GRANT_NOT_ACTIVE")


def test_revoke_ends_access_at_once(admin, pool):
    u = admin.create_user()
    g = admin.create_grant([pool["id"]], [u["id"]])
    assert admin.check(u["id"], pool["id"])["allowed"] is True
    assert admin.delete(f"/jit-access/{g['id']}").status == 204
    assert admin.check(u["id"], pool["id"])["allowed"] is False


def test_revoke_expired_409(admin, pool, user):
    g = admin.create_grant([pool["id"]], [user["id"]], expiration={"at": fmt_ts(now_ms() + 500)})
    time.sleep(0.7)
    assert_error(admin.delete(f"/jit-access/{g['id']}"), 409, "GRANT_NOT_ACTIVE")
    assert admin.ok("GET", f"/jit-access/{g['id']}")["status"] == "EXPIRED"


def test_revoke_unknown_404(admin):
    assert_error(admin.delete(f"/jit-access/{uuid.uuid4()}"), 404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_put_patch_405(admin, pool, user, method):
    g = admin.create_grant([pool["id"]], [user["id"]])
    r = admin.request(method, f"/jit-access/{g['id']}", body={"name": "changed"})
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    allow = r.header("Allow")
    assert allow, f"no Allow header: {r.headers}"
    methods = {m.strip().upper() for m in allow.split(",")}
    assert {"GET", "DELETE"} <= methods and not methods & {"PUT", "PATCH"}, allow
    assert admin.ok("GET", f"/jit-access/{g['id']}") == g


# ----------------------------------------------------------------------------- idempotency

def test_idempotency_key_replay(admin, pool):
    u = admin.create_user()
    key = uuid.uuid4().hex
    body = admin.grant_body([pool["id"]], [u["id"]])
    r1 = post_grant(admin, body, headers={"Idempotency-Key": key})
    r2 = post_grant(admin, body, headers={"Idempotency-Key": key})
    assert r1.status == 201, r1
    assert r2.status == 201, r2
    assert r2.json() == r1.json()
    page = admin.ok("GET", "/jit-access", params={"userId": u["id"], "status": "all"})
    assert page["total"] == 1
    r3 = post_grant(admin, body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert r3.status == 201 and r3.json()["id"] != r1.json()["id"]
    r4 = post_grant(admin, body)
    assert r4.status == 201 and r4.json()["id"] not in (r1.json()["id"], r3.json()["id"])


def test_idempotency_key_is_per_caller(admin, pool):
    other = admin.new_user_client(role_manager=True)
    u = admin.create_user()
    key = uuid.uuid4().hex
    body = admin.grant_body([pool["id"]], [u["id"]])
    g1 = post_grant(admin, body, headers={"Idempotency-Key": key}).json()
    r = post_grant(other, body, headers={"Idempotency-Key": key})
    assert r.status == 201, r
    assert r.json()["id"] != g1["id"]
    assert r.json()["createdBy"] == other.user["id"]


def test_idempotency_key_replay_for_other_creates(admin):
    key = uuid.uuid4().hex
    body = {"name": uniq("idem-pool")}
    p1 = admin.post("/agent-pool", body=body, headers={"Idempotency-Key": key})
    p2 = admin.post("/agent-pool", body=body, headers={"Idempotency-Key": key})
    assert p1.status == 201 and p2.status == 201, (p1, p2)
    assert p1.json() == p2.json()


def test_idempotency_key_too_long_400(admin, pool, user):
    r = post_grant(admin, admin.grant_body([pool["id"]], [user["id"]]),
                   headers={"Idempotency-Key": "k" * 201})
    assert_error(r, 400, "VALIDATION_FAILED")
    r = post_grant(admin, admin.grant_body([pool["id"]], [user["id"]]),
                   headers={"Idempotency-Key": "k" * 200})
    assert r.status == 201, r
