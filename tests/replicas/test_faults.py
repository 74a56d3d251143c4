"""Faults with replicas on PostgreSQL: the database stops and comes back, a replica is killed
during writes, and the database password never shows up in a log."""

import os
import threading
import time

from conftest import Replica, api
from test_replicas import CATCH_UP_BOUND_S, allowed, user_and_pool, wait_until

RECOVERY_BOUND_S = 15.0


def test_database_down_checks_from_memory_writes_503_then_recovery(replicas, pg):
    a, b = replicas(2)
    user, pool = user_and_pool(a, b)
    short_user = a.client().create_user()["id"]
    long_grant = a.client().create_grant([pool], [user])
    expires = api.now_ms() + 3000
    a.client().create_grant([pool], [short_user], expiration={"at": api.fmt_ts(expires)})
    for r in (a, b):
        assert wait_until(lambda: allowed(r.client(), short_user, pool), CATCH_UP_BOUND_S) is not None

    pg.stop("fast")
    try:
        for r in (a, b):
            c = r.client()
            assert allowed(c, user, pool), "checks must be answered from memory"
            ready = c.get("/readyz")
            assert ready.status == 503, ready.body
            w = c.post("/agent-pool", body={"name": api.uniq("pool")})
            api.assert_error(w, 503, "UNAVAILABLE")
            assert w.json()["message"], "a 503 must say what is wrong"
            api.assert_error(c.delete(f"/jit-access/{long_grant['id']}"), 503, "UNAVAILABLE")
        # Expiry is still enforced by the clock while the database is away.
        time.sleep(max(0, expires - api.now_ms()) / 1000)
        for r in (a, b):
            assert not allowed(r.client(), short_user, pool)
            assert allowed(r.client(), user, pool)
    finally:
        pg.start()

    # Both replicas reconnect by themselves; nothing half-written: the revoke above did not happen.
    for r in (a, b):
        assert wait_until(lambda: r.client().get("/readyz").status == 200, RECOVERY_BOUND_S, 0.1) is not None
        g = r.client().ok("GET", f"/jit-access/{long_grant['id']}")
        assert g["status"] == "ACTIVE"
    made = None
    deadline = time.monotonic() + RECOVERY_BOUND_S
    while made is None and time.monotonic() < deadline:
        resp = b.client().post("/agent-pool", body={"name": api.uniq("pool")})
        made = resp.json() if resp.status == 201 else None
        time.sleep(0 if made else 0.1)
    assert made is not None, "writes did not come back after the database did"
    # ... and catch up: a change made through b reaches a.
    b.client().ok("DELETE", f"/jit-access/{long_grant['id']}", 204)
    assert wait_until(lambda: not allowed(a.client(), user, pool), CATCH_UP_BOUND_S, 0.05) is not None
    # The expiry that passed during the outage is recorded once.
    assert wait_until(lambda: len(a.client().ok("GET", "/audit-events", params={
        "type": "jit.expired"})["items"]) == 1, RECOVERY_BOUND_S, 0.2) is not None
    assert a.client().ok("GET", "/audit-events/verify")["valid"] is True


def test_kill9_of_a_replica_during_writes_loses_no_acknowledged_write(replicas):
    a, b = replicas(2)
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def writer():
        c = a.client()
        while not stop.is_set():
            try:
                r = c.post("/agent-pool", body={"name": api.uniq("crash")})
            except OSError:
                return  # the replica died mid-request: that write was never acknowledged
            if r.status == 201:
                with lock:
                    acked.append(r.json()["id"])

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    a.kill9()
    stop.set()
    for t in threads:
        t.join(30)
    assert len(acked) > 10, "too few writes before the kill to prove anything"
    c = b.client()
    missing = [i for i in acked if c.get(f"/agent-pool/{i}").status != 200]
    assert not missing, f"{len(missing)} acknowledged writes are lost"
    assert c.ok("GET", "/audit-events/verify")["valid"] is True


def _with_password_auth(pg, user, password):
    """A role that must log in with a password (scram), ahead of the cluster's trust rule."""
    pg.psql(f"CREATE ROLE {user} LOGIN SUPERUSER PASSWORD '{password}'")
    hba = os.path.join(pg.data, "pg_hba.conf")
    with open(hba) as f:
        rules = f.read()
    with open(hba, "w") as f:
        f.write(f"host all {user} 127.0.0.1/32 scram-sha-256\n" + rules)
    pg.psql("SELECT pg_reload_conf()")


def test_the_database_password_never_appears_in_logs(pg, tmp_path):
    password = "s3cret-" + api.uniq("pw")
    _with_password_auth(pg, "jg_pw", password)
    db = pg.create_database().rsplit("/", 1)[1]
    in_url = f"postgres://jg_pw:{password}@127.0.0.1:{pg.port}/{db}"
    from_file = f"postgres://jg_pw@127.0.0.1:{pg.port}/{db}"
    pw_file = tmp_path / "pgpass"
    pw_file.write_text(password + "\n")
    os.makedirs(tmp_path / "a")
    os.makedirs(tmp_path / "b")
    a = Replica(str(tmp_path / "a"), in_url, args=["--log-level", "debug"])
    b = Replica(str(tmp_path / "b"), from_file, a.admin_info,
                args=["--db-password-file", str(pw_file), "--log-level", "debug"])
    try:
        a.start()
        b.start()
        a.client().create_pool()
        assert b.client().get("/readyz").status == 200
        pg.stop("fast")  # errors get logged now
        assert b.client().post("/agent-pool", body={"name": api.uniq("p")}).status == 503
        time.sleep(1.0)
    finally:
        pg.start()
        a.stop()
        b.stop()
    # A wrong password fails clearly, without echoing it.
    bad = api.subprocess.run([api.BIN, "init", "--db", f"postgres://jg_pw:wrong-{password}@127.0.0.1:"
                              f"{pg.port}/{db}", "--admin-email", "x@example.com"],
                             capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0
    logs = bad.stdout + bad.stderr
    for d in (tmp_path / "a", tmp_path / "b"):
        for name in os.listdir(d):
            if name.endswith(".log"):
                logs += (d / name).read_text(errors="replace")
    assert password not in logs
