"""The active-grant limit under concurrency: never one more, whatever the interleaving."""

import http.client
import json
import threading

import pytest

from conftest import assert_error, Response

pytestmark = [pytest.mark.race, pytest.mark.slow]

N_THREADS = 130
LIMIT = 100


def _post_own_connection(port, key, body, barrier, out, i):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.connect()  # connect before the barrier so the requests really overlap
    data = json.dumps(body).encode()
    barrier.wait()
    try:
        conn.request("POST", "/api/v1/jit-access", body=data,
                     headers={"Authorization": f"Bearer {key}",
                              "Content-Type": "application/json"})
        r = conn.getresponse()
        out[i] = Response(r.status, r.getheaders(), r.read())
    except Exception as e:  # noqa: BLE001 - reported by the test
        out[i] = e
    finally:
        conn.close()


def test_parallel_creates_respect_limit(server_factory):
    s = server_factory(args=["--max-active-grants", str(LIMIT)])
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    barrier = threading.Barrier(N_THREADS)
    out = [None] * N_THREADS
    threads = [threading.Thread(target=_post_own_connection,
                                args=(s.port, s.admin_info["apiKey"],
                                      admin.grant_body([p["id"]], [u["id"]], name=f"race-{i}"),
                                      barrier, out, i))
               for i in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    errors = [r for r in out if not isinstance(r, Response)]
    assert not errors, f"requests failed at transport level: {errors[:3]}"
    statuses = [r.status for r in out]
    created = [r for r in out if r.status == 201]
    refused = [r for r in out if r.status == 409]
    assert len(created) == LIMIT and len(refused) == N_THREADS - LIMIT, \
        f"statuses: { {st: statuses.count(st) for st in set(statuses)} }"
    for r in refused:
        assert_error(r, 409, "CONCURRENT_GRANT_LIMIT")
    ids = {r.json()["id"] for r in created}
    assert len(ids) == LIMIT

    page = admin.ok("GET", "/jit-access", params={"limit": 1000})
    assert page["total"] == LIMIT
    assert {g["id"] for g in page["items"]} == ids
    assert_error(admin.post("/jit-access", body=admin.grant_body([p["id"]], [u["id"]])), 409,
                 "CONCURRENT_GRANT_LIMIT")
    # Exactly one audit event per created grant, none for the refused ones.
    evs = admin.ok("GET", "/audit-events", params={"type": "jit.granted", "limit": 1000})
    assert evs["total"] == LIMIT
    assert {e["targetId"] for e in evs["items"]} == ids
