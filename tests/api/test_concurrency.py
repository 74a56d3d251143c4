"""Uniqueness and state-transition rules under concurrent requests (each on its own connection)."""

import http.client
import json
import threading
import time

import pytest

from conftest import Response, assert_error, fmt_ts, now_ms, parse_ts, uniq

pytestmark = pytest.mark.race


def parallel(port, requests):
    """Sends [(key, method, path, body)] at once, each on its own connection; returns Responses."""
    barrier = threading.Barrier(len(requests))
    out = [None] * len(requests)

    def go(i, key, method, path, body):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.connect()
        hdrs = {"Authorization": f"Bearer {key}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        barrier.wait()
        try:
            c.request(method, "/api/v1" + path, body=data, headers=hdrs)
            r = c.getresponse()
            out[i] = Response(r.status, r.getheaders(), r.read())
        except Exception as e:  # noqa: BLE001 - reported by the caller
            out[i] = e
        finally:
            c.close()

    ts = [threading.Thread(target=go, args=(i, *req)) for i, req in enumerate(requests)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    bad = [r for r in out if not isinstance(r, Response)]
    assert not bad, bad[:3]
    return out


def test_same_email_once(server):
    email = f"{uniq('race')}@example.com"
    key = server.admin_info["apiKey"]
    out = parallel(server.port, [(key, "POST", "/users", {"email": email, "name": "x"})] * 10)
    assert sorted(r.status for r in out) == [201] + [409] * 9
    for r in out:
        if r.status == 409:
            assert_error(r, 409, "CONFLICT")


def test_same_pool_name_once(server):
    name = uniq("race-pool")
    key = server.admin_info["apiKey"]
    out = parallel(server.port, [(key, "POST", "/agent-pool", {"name": name})] * 10)
    assert sorted(r.status for r in out) == [201] + [409] * 9


def test_parallel_revokes_one_wins(server, admin):
    u, p = admin.create_user(), admin.create_pool()
    g = admin.create_grant([p["id"]], [u["id"]])
    key = server.admin_info["apiKey"]
    out = parallel(server.port, [(key, "DELETE", f"/jit-access/{g['id']}", None)] * 10)
    assert sorted(r.status for r in out) == [204] + [409] * 9
    for r in out:
        if r.status == 409:
            assert_error(r, 409, "GRANT_NOT_ACTIVE")
    evs = admin.ok("GET", "/audit-events", params={"type": "jit.revoked", "targetId": g["id"]})
    assert evs["total"] == 1


def test_delete_user_vs_grant_creation(server, admin):
    # Either the user is deleted and the grant refused, or the grant exists and deletion refused.
    key = server.admin_info["apiKey"]
    p = admin.create_pool()
    for _ in range(5):
        u = admin.create_user()
        body = admin.grant_body([p["id"]], [u["id"]])
        out = parallel(server.port, [(key, "DELETE", f"/users/{u['id']}", None),
                                     (key, "POST", "/jit-access", body)])
        deleted, granted = out[0].status == 204, out[1].status == 201
        assert deleted != granted, f"delete {out[0]} / grant {out[1]}"
        if granted:
            assert_error(out[0], 409, "CONFLICT")
            assert admin.get(f"/users/{u['id']}").status == 200


@pytest.mark.slow
def test_revoke_racing_expiry_records_one_end(server, admin):
    u, p = admin.create_user(), admin.create_pool()
    grants = [admin.create_grant([p["id"]], [u["id"]],
                                 expiration={"at": fmt_ts(now_ms() + 1000 + 20 * i)})
              for i in range(6)]
    # Fire each revoke close to its expiry instant, some before, some after.
    for i, g in enumerate(grants):
        target = parse_ts(g["expiresAt"]) + (-15 if i % 2 else 5)
        delay = (target - now_ms()) / 1000.0
        if delay > 0:
            time.sleep(delay)
        r = admin.delete(f"/jit-access/{g['id']}")
        assert r.status in (204, 409), r
        g["revoke_status"] = r.status
    time.sleep(1.6)
    for g in grants:
        got = admin.ok("GET", f"/jit-access/{g['id']}")
        ev = {t: admin.ok("GET", "/audit-events", params={"type": t, "targetId": g["id"]})["total"]
              for t in ("jit.revoked", "jit.expired")}
        if g["revoke_status"] == 204:
            assert got["status"] == "REVOKED" and ev == {"jit.revoked": 1, "jit.expired": 0}, \
                (got, ev)
        else:
            assert got["status"] == "EXPIRED" and ev == {"jit.revoked": 0, "jit.expired": 1}, \
                (got, ev)


def test_revoked_grant_never_records_expiry(server, admin):
    u, p = admin.create_user(), admin.create_pool()
    g = admin.create_grant([p["id"]], [u["id"]], expiration={"at": fmt_ts(now_ms() + 600)})
    assert admin.delete(f"/jit-access/{g['id']}").status == 204
    time.sleep(1.8)
    assert admin.ok("GET", f"/jit-access/{g['id']}")["status"] == "REVOKED"
    assert admin.ok("GET", "/audit-events", params={"type": "jit.expired",
                                                    "targetId": g["id"]})["total"] == 0


def test_two_last_managers_demoting_themselves(server_factory):
    s = server_factory()
    admin = s.admin()
    for _ in range(4):
        b = admin.new_user_client(role_manager=True)
        out = parallel(s.port, [
            (s.admin_info["apiKey"], "PATCH", f"/users/{s.admin_info['userId']}",
             {"roleManager": False}),
            (b.key, "PATCH", f"/users/{b.user['id']}", {"roleManager": False})])
        statuses = sorted(r.status for r in out)
        assert statuses == [200, 409], f"both demoted themselves: {statuses}"
        # Restore: whoever is still a manager promotes the other again.
        still = admin if out[1].status == 200 else b
        other = b.user["id"] if out[1].status == 200 else s.admin_info["userId"]
        still.ok("PATCH", f"/users/{other}", body={"roleManager": True})
        admin.ok("PATCH", f"/users/{b.user['id']}", body={"roleManager": False})
