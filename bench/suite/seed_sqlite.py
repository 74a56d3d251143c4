"""Seeds a jitgate SQLite file directly, following src/store/sqlite/sqlite_migrations.cc's schema.

The file must already exist with the schema (made by `jitgate init`, which also creates the admin
and its API key). Everything is written in one transaction with the journal off, which is how a
million grants go in within seconds instead of an hour of durable REST calls. No audit events are
written for the seeded rows: start-up does not read the audit log (only LoadDirectory's tables).
"""

import sqlite3
import time

from dataset import grant_pool, grant_user, uid

DAY_MS = 86_400_000


def seed(db_path, s, created_by, now_ms=None):
    """Adds scale `s` (users, pools, groups, active + history grants) to the store at `db_path`."""
    now = now_ms or int(time.time() * 1000)
    con = sqlite3.connect(db_path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=DELETE")  # the server switches it back to WAL on open
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-262144")
        con.execute("BEGIN")
        _directory(con, s, now)
        _grants(con, s, created_by, now)
        con.execute("COMMIT")
    finally:
        con.close()


def _directory(con, s, now):
    con.executemany(
        "INSERT INTO users(id, email, name, role_manager, disabled, created_at) VALUES (?,?,?,0,0,?)",
        ((uid("a", i), f"user{i}@bench.example", f"User {i}", now) for i in range(s.users)))
    con.executemany(
        "INSERT INTO agent_pools(id, name, description, created_at) VALUES (?,?,'',?)",
        ((uid("b", i), f"pool-{i}", now) for i in range(s.pools)))
    if not s.groups:
        return
    con.executemany("INSERT INTO access_groups(id, name, created_at) VALUES (?,?,?)",
                    ((uid("c", g), f"group-{g}", now) for g in range(s.groups)))
    # Each user is in two groups; each group gives three pools (the first PRIVILEGED), as in
    # bench/access_check_bench.cc.
    members = {}
    for u in range(s.users):
        for g in {(u * 31 + 1) % s.groups, (u * 17 + 5) % s.groups}:
            members.setdefault(g, []).append(u)
    con.executemany(
        "INSERT INTO group_members(group_id, user_id, position) VALUES (?,?,?)",
        ((uid("c", g), uid("a", u), k) for g, us in members.items() for k, u in enumerate(us)))
    con.executemany(
        "INSERT OR IGNORE INTO group_pool_access(group_id, pool_id, role, position) VALUES (?,?,?,?)",
        ((uid("c", g), uid("b", (g * 7 + k * 101) % s.pools), "PRIVILEGED" if k == 0 else "STANDARD", k)
         for g in range(s.groups) for k in range(3)))


def _grants(con, s, created_by, now):
    total = s.active + s.history

    def row(i):
        active = i < s.active
        created = now - (1 if active else 40) * DAY_MS + i % 1000
        expires = now + 7 * DAY_MS + i if active else created + DAY_MS
        status = "ACTIVE" if active else ("REVOKED" if i % 10 == 0 else "EXPIRED")
        revoked = (created + 1000, created_by) if status == "REVOKED" else (None, None)
        return (uid("d", i), f"grant-{i}", "PRIVILEGED" if i % 2 else "STANDARD", "benchmark",
                status, created, created_by, expires, *revoked)

    con.executemany(
        "INSERT INTO grants(id, name, role, reason, status, created_at, created_by, expires_at, "
        "revoked_at, revoked_by) VALUES (?,?,?,?,?,?,?,?,?,?)", (row(i) for i in range(total)))
    con.executemany("INSERT INTO grant_users(grant_id, user_id, position) VALUES (?,?,0)",
                    ((uid("d", i), uid("a", grant_user(i, s))) for i in range(total)))
    con.executemany("INSERT INTO grant_pools(grant_id, pool_id, position) VALUES (?,?,0)",
                    ((uid("d", i), uid("b", grant_pool(i, s))) for i in range(total)))
