"""The store cannot take writes (another process holds SQLite's write lock): 503, nothing changed,
and access checks keep answering from memory."""

import os
import sqlite3
import subprocess
import time

import pytest

from conftest import ON_POSTGRES, assert_error, postgres, sqlite_only, uniq

pytestmark = pytest.mark.slow


# SQLite's write lock; the PostgreSQL equivalent follows.
@sqlite_only
def test_write_lock_held_elsewhere_gives_503(server_factory):
    s = server_factory()
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    admin.create_grant([p["id"]], [u["id"]])
    admin.timeout = 120
    db = sqlite3.connect(s.db_path, timeout=30, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")  # hold the single writer lock
        name = uniq("blocked")
        t0 = time.time()
        checked = admin.check(u["id"], p["id"])
        assert checked["allowed"] is True
        assert time.time() - t0 < 1.0, "access checks must not wait on the store"
        r = admin.post("/agent-pool", body={"name": name})
        assert_error(r, 503, "UNAVAILABLE")
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert admin.ok("GET", "/agent-pool", params={"search": name})["total"] == 0
    assert admin.post("/agent-pool", body={"name": name}).status == 201
    assert admin.ok("GET", "/audit-events/verify")["valid"] is True


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL variant of the test above")
def test_table_locked_elsewhere_gives_503_on_postgres(server_factory):
    """Another session holds a lock that blocks writes to the pools table: after the store's lock
    timeout the write is 503 with nothing changed, and checks keep answering from memory."""
    s = server_factory()
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    admin.create_grant([p["id"]], [u["id"]])
    admin.timeout = 120
    pg, db = postgres(), s.db.rsplit("/", 1)[1]
    psql = pg_bin_psql()
    holder = subprocess.Popen([psql, "-X", "-q", "-d", s.db], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    try:
        holder.stdin.write("BEGIN; LOCK TABLE agent_pools IN EXCLUSIVE MODE;\n")
        holder.stdin.flush()
        deadline = time.time() + 30
        while pg.psql("SELECT count(*) FROM pg_locks WHERE mode = 'ExclusiveLock' AND "
                      "relation = 'agent_pools'::regclass", db=db).strip() != "1":
            assert time.time() < deadline, "the lock was never taken"
            time.sleep(0.05)
        name = uniq("blocked")
        t0 = time.time()
        assert admin.check(u["id"], p["id"])["allowed"] is True
        assert time.time() - t0 < 1.0, "access checks must not wait on the store"
        r = admin.post("/agent-pool", body={"name": name})
        assert_error(r, 503, "UNAVAILABLE")
    finally:
        holder.stdin.write("ROLLBACK;\n\\q\n")
        holder.stdin.close()
        holder.wait(30)
    assert admin.ok("GET", "/agent-pool", params={"search": name})["total"] == 0
    assert admin.post("/agent-pool", body={"name": name}).status == 201
    assert admin.ok("GET", "/audit-events/verify")["valid"] is True


def pg_bin_psql():
    import pg_harness  # on the path once postgres() has started the session's server
    return os.path.join(pg_harness.PG_BIN, "psql")
