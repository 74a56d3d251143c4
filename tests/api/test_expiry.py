"""Expiry on the real clock: access ends exactly at expiresAt, recorded once, also across restarts.

Server and test run on the same machine, so they share the clock: a check whose request was sent
at or after expiresAt (by the local clock) must deny.
"""

import time

import pytest

from conftest import fmt_ts, now_ms, parse_ts

pytestmark = [pytest.mark.realclock, pytest.mark.slow]

RECORD_WITHIN_MS = 1500


def expired_events(admin, grant_id):
    return admin.ok("GET", "/audit-events", params={"type": "jit.expired",
                                                    "targetId": grant_id})["items"]


def test_access_ends_exactly_at_expiry(server_factory):
    s = server_factory()
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    g = admin.create_grant([p["id"]], [u["id"]], role="PRIVILEGED",
                           expiration={"at": fmt_ts(now_ms() + 2000)})
    exp = parse_ts(g["expiresAt"])
    c = s.admin(keepalive=True)
    first = c.check(u["id"], p["id"])
    assert first["allowed"] is True and first["validUntil"] == g["expiresAt"]

    late_allowed, before, after = [], 0, 0
    # Keep checking until enough checks were sent at or after expiresAt (a loaded machine may
    # stall one request for a while), for at most 5 s past it.
    while now_ms() < exp + 300 or (after <= 10 and now_ms() < exp + 5000):
        sent = time.time() * 1000.0
        res = c.check(u["id"], p["id"])
        if sent >= exp:
            after += 1
            if res["allowed"] or res["role"] is not None:
                late_allowed.append((sent - exp, res))
        else:
            before += 1
    assert after > 10 and before > 10, (before, after)
    assert not late_allowed, f"access granted at/after expiresAt: {late_allowed[:3]}"

    # Reported EXPIRED at once, and the jit.expired event within the bound, exactly once.
    assert c.ok("GET", f"/jit-access/{g['id']}")["status"] == "EXPIRED"
    while now_ms() < exp + RECORD_WITHIN_MS and not expired_events(admin, g["id"]):
        time.sleep(0.05)
    evs = expired_events(admin, g["id"])
    assert len(evs) == 1, f"jit.expired events after {RECORD_WITHIN_MS} ms: {evs}"
    assert evs[0]["actorType"] == "SYSTEM"
    assert parse_ts(evs[0]["at"]) >= exp
    listed = admin.ok("GET", "/jit-access", params={"status": "expired", "userId": u["id"]})
    assert [x["id"] for x in listed["items"]] == [g["id"]]
    assert admin.ok("GET", "/jit-access", params={"userId": u["id"]})["total"] == 0
    time.sleep(1.2)
    assert len(expired_events(admin, g["id"])) == 1, "expiry recorded more than once"
    c.close()


def test_expiry_while_server_down(server_factory):
    s = server_factory()
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    g = admin.create_grant([p["id"]], [u["id"]], expiration={"at": fmt_ts(now_ms() + 1500)})
    keep = admin.create_grant([p["id"]], [u["id"]], expiration={"hours": 1})
    assert s.stop() == 0
    time.sleep(max(0.0, (parse_ts(g["expiresAt"]) - now_ms()) / 1000.0) + 0.5)
    s.start()
    admin = s.admin()
    started = now_ms()
    while now_ms() < started + RECORD_WITHIN_MS and not expired_events(admin, g["id"]):
        time.sleep(0.05)
    assert admin.ok("GET", f"/jit-access/{g['id']}")["status"] == "EXPIRED"
    assert len(expired_events(admin, g["id"])) == 1
    assert expired_events(admin, keep["id"]) == []
    assert admin.ok("GET", f"/jit-access/{keep['id']}")["status"] == "ACTIVE"
    time.sleep(1.0)
    assert len(expired_events(admin, g["id"])) == 1
    assert admin.ok("GET", "/audit-events/verify")["valid"] is True


def test_expired_grant_no_longer_counts_toward_limit(server_factory):
    s = server_factory(args=["--max-active-grants", "2"])
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    short = admin.create_grant([p["id"]], [u["id"]], expiration={"at": fmt_ts(now_ms() + 800)})
    admin.create_grant([p["id"]], [u["id"]])
    r = admin.post("/jit-access", body=admin.grant_body([p["id"]], [u["id"]]))
    assert r.status == 409 and r.json()["code"] == "CONCURRENT_GRANT_LIMIT", r
    time.sleep(max(0.0, (parse_ts(short["expiresAt"]) - now_ms()) / 1000.0) + 0.05)
    admin.create_grant([p["id"]], [u["id"]])
