"""Several jitgate replicas on one PostgreSQL: what one replica changes, the others see within
100 ms (LISTEN/NOTIFY) and within a bounded time without notifications (the change feed); the
active-grant limit is exact across replicas; each expiry is recorded once; one audit chain."""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import api

NOTIFY_BOUND_S = 0.100  # the bound for a change to reach another replica
CATCH_UP_BOUND_S = 5.0  # without any notification (lost, or the replica was disconnected)


def wait_until(pred, timeout, step=0.002):
    """Polls pred() until it is true; returns the seconds it took, or None after `timeout`."""
    start = time.monotonic()
    while True:
        if pred():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            return None
        time.sleep(step)


def allowed(client, user, pool):
    r = client.get("/access/check", params={"userId": user, "agentPoolId": pool, "permission": "USE"})
    return r.status == 200 and r.json()["allowed"]


def known_on(client, user, pool):
    r = client.get("/access/check", params={"userId": user, "agentPoolId": pool, "permission": "USE"})
    return r.status == 200


def user_and_pool(a, b):
    """A user and a pool made on replica a, once replica b knows them too."""
    user = a.client().create_user()["id"]
    pool = a.client().create_pool()["id"]
    assert wait_until(lambda: known_on(b.client(), user, pool), CATCH_UP_BOUND_S) is not None
    return user, pool


def test_a_change_on_one_replica_reaches_the_other_within_100ms(replicas):
    a, b = replicas(2)
    user, pool = user_and_pool(a, b)
    ca, cb = a.client(keepalive=True), b.client(keepalive=True)
    grant_lags, revoke_lags = [], []
    for _ in range(10):
        grant = ca.create_grant([pool], [user])
        lag = wait_until(lambda: allowed(cb, user, pool), CATCH_UP_BOUND_S)
        assert lag is not None, "the grant never reached the other replica"
        grant_lags.append(lag)
        ca.ok("DELETE", f"/jit-access/{grant['id']}", 204)
        lag = wait_until(lambda: not allowed(cb, user, pool), CATCH_UP_BOUND_S)
        assert lag is not None, "the revocation never reached the other replica"
        revoke_lags.append(lag)
    lags = sorted(grant_lags + revoke_lags)
    print(f"replica visibility: median {statistics.median(lags) * 1000:.1f} ms, "
          f"max {lags[-1] * 1000:.1f} ms over {len(lags)} changes")
    assert statistics.median(lags) < NOTIFY_BOUND_S
    # One slow sample on a loaded machine is tolerated; a replica polling instead of being told is not.
    assert lags[-2] < 3 * NOTIFY_BOUND_S, lags


def test_a_change_without_notification_is_caught_up_from_the_feed(replicas, pg):
    a, b = replicas(2)
    user, pool = user_and_pool(a, b)
    grant = a.client().create_grant([pool], [user])
    assert wait_until(lambda: allowed(b.client(), user, pool), CATCH_UP_BOUND_S) is not None
    # Revoke behind the replicas' backs: the row and its feed entry, but no NOTIFY.
    db = a.db.rsplit("/", 1)[1]
    pg.psql(f"BEGIN; UPDATE grants SET status = 'REVOKED', revoked_at = 1, revoked_by = 'test' "
            f"WHERE id = '{grant['id']}'; INSERT INTO changes (seq, kind, id, at) "
            f"SELECT MAX(seq) + 1, 'grant', '{grant['id']}', 0 FROM changes; COMMIT;", db=db)
    for r in (a, b):
        lag = wait_until(lambda: not allowed(r.client(), user, pool), CATCH_UP_BOUND_S, step=0.05)
        assert lag is not None, "a change without a notification was never applied"


def test_a_disconnected_replica_reconnects_and_catches_up(replicas, pg):
    a, b = replicas(2)
    user, pool = user_and_pool(a, b)
    db = a.db.rsplit("/", 1)[1]
    # Cut every connection of both replicas (their pools and LISTEN connections).
    pg.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{db}' AND pid <> pg_backend_pid()")
    body = a.client().grant_body([pool], [user])
    created = None
    deadline = time.monotonic() + CATCH_UP_BOUND_S
    while created is None and time.monotonic() < deadline:
        r = a.client().post("/jit-access", body=body)
        if r.status == 201:
            created = r.json()
        else:
            assert r.status == 503, r.body  # a dropped connection may fail one write, cleanly
            time.sleep(0.05)
    assert created is not None, "the replica did not reconnect for writes"
    lag = wait_until(lambda: allowed(b.client(), user, pool), CATCH_UP_BOUND_S, step=0.05)
    assert lag is not None, "the other replica did not catch up after its connections were cut"


def test_the_active_grant_limit_is_exact_across_replicas(replicas):
    a, b = replicas(2)
    user, pool = user_and_pool(a, b)
    barrier = threading.Barrier(130)

    def create(i):
        replica = a if i % 2 == 0 else b
        body = replica.client().grant_body([pool], [user], name=f"race-{i}")
        client = replica.client()
        barrier.wait()
        return client.post("/jit-access", body=body)

    with ThreadPoolExecutor(max_workers=130) as pool_exec:
        results = list(pool_exec.map(create, range(130)))
    statuses = [r.status for r in results]
    assert statuses.count(201) == 100, sorted(statuses)
    assert statuses.count(409) == 30, sorted(statuses)
    assert all(r.json()["code"] == "CONCURRENT_GRANT_LIMIT" for r in results if r.status == 409)
    for r in (a, b):
        page = r.client().ok("GET", "/jit-access", params={"status": "active", "limit": 1000})
        assert page["total"] == 100


def test_each_expiry_is_recorded_once_and_the_chain_stays_one(replicas):
    a, b, c = replicas(3)
    user, pool = user_and_pool(a, c)
    at = api.fmt_ts(api.now_ms() + 2000)
    ids = [r.client().create_grant([pool], [user], expiration={"at": at})["id"] for r in (a, b, c, a, b)]
    time.sleep(2.0)
    for r in (a, b, c):
        assert not allowed(r.client(), user, pool)  # at expiresAt, on every replica
    events = []

    def recorded():
        nonlocal events
        events = a.client().ok("GET", "/audit-events", params={"type": "jit.expired", "limit": 1000})["items"]
        return len(events) >= len(ids)

    assert wait_until(recorded, 3.0, step=0.1) is not None, events
    time.sleep(1.5)  # any duplicate recording would have happened by now
    events = a.client().ok("GET", "/audit-events", params={"type": "jit.expired", "limit": 1000})["items"]
    assert sorted(e["targetId"] for e in events) == sorted(ids)
    for r in (a, b, c):
        grants = [r.client().ok("GET", f"/jit-access/{i}") for i in ids]
        assert all(g["status"] == "EXPIRED" for g in grants)
        v = r.client().ok("GET", "/audit-events/verify")
        assert v["valid"] is True, v
