"""The store cannot take writes (another process holds SQLite's write lock): 503, nothing changed,
and access checks keep answering from memory."""

import sqlite3
import time

import pytest

from conftest import assert_error, sqlite_only, uniq

pytestmark = pytest.mark.slow


# On PostgreSQL a held writer lock only delays writes up to the statement timeout (30 s); the
# PostgreSQL outage tests (server stopped and restarted) live in tests/pg.
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
