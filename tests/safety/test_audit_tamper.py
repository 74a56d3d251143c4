"""Tampering with the stored audit log is found, and the first bad seq is named exactly.

A server writes a few dozen audit events and is stopped. Each case then edits a fresh copy of the
SQLite file with python's sqlite3 (change one field, delete one row, swap two rows), starts a server
on the copy, and asks GET /api/v1/audit-events/verify and `jitgate audit --verify`.
"""

import json
import os
import shutil
import sqlite3
import subprocess

import pytest

from api_helpers import BIN, Server, uniq


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A stopped server's directory with >= 30 audit events; returns (server, event count)."""
    s = Server(str(tmp_path_factory.mktemp("tamper-src")))
    s.start()
    a = s.admin()
    pools = [a.create_pool()["id"] for _ in range(8)]
    users = [a.create_user()["id"] for _ in range(10)]
    for i in range(6):
        g = a.create_grant(pools[i % 4:i % 4 + 1], users[i:i + 1])
        if i % 2:
            a.ok("DELETE", f"/jit-access/{g['id']}", 204)
    a.ok("PATCH", f"/users/{users[0]}", 200, body={"name": uniq("renamed")})
    v = a.ok("GET", "/audit-events/verify")
    assert v["valid"] is True and v["checked"] >= 30, v
    assert s.stop() == 0
    return s, v["checked"]


class CopiedServer(Server):
    """A Server on an existing db file (no `jitgate init`): same admin as the file it was copied from."""

    def __init__(self, workdir, admin_info):
        self._admin_info = admin_info
        super().__init__(workdir)

    def _init(self):
        return self._admin_info


def tampered_copy(pristine, tmp_path, edit):
    """A stopped Server on a copy of the pristine db (with its -wal if any), edited by `edit(conn)`."""
    src, _ = pristine
    work = str(tmp_path)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(src.db_path + suffix):
            shutil.copyfile(src.db_path + suffix, os.path.join(work, "jitgate.db" + suffix))
    conn = sqlite3.connect(os.path.join(work, "jitgate.db"))
    try:
        edit(conn)
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return CopiedServer(work, src.admin_info)


def verify_both_ways(s):
    """(API answer, CLI --json answer, CLI exit code) for a started server."""
    api = s.admin().ok("GET", "/audit-events/verify")
    env = dict(os.environ, JITGATE_API_KEY=s.admin_info["apiKey"])
    r = subprocess.run([BIN, "audit", "--verify", "--json", "--server", f"http://127.0.0.1:{s.port}"],
                       capture_output=True, text=True, env=env, timeout=30)
    try:
        cli = json.loads(r.stdout)
    except ValueError as e:
        raise AssertionError(f"jitgate audit --verify --json printed no JSON: {r.stdout!r} {r.stderr!r}") from e
    return api, cli, r.returncode


def run_case(pristine, tmp_path, edit, first_bad):
    s = tampered_copy(pristine, tmp_path, edit)
    s.start()
    try:
        api, cli, rc = verify_both_ways(s)
    finally:
        s.stop()
    assert api["valid"] is False, api
    assert api["firstBadSeq"] == first_bad, api
    assert api["checked"] == first_bad - 1, api  # every event before the bad one checked fine
    assert cli["valid"] is False and cli["firstBadSeq"] == first_bad, cli
    assert rc != 0, "jitgate audit --verify must exit non-zero on a broken chain"


def test_untouched_copy_is_valid(pristine, tmp_path):
    s = tampered_copy(pristine, tmp_path, lambda conn: None)
    s.start()
    try:
        api, cli, rc = verify_both_ways(s)
    finally:
        s.stop()
    assert api == {"valid": True, "checked": pristine[1]} or (api["valid"] is True and
                                                               api["checked"] == pristine[1]), api
    assert cli["valid"] is True and rc == 0, (cli, rc)


@pytest.mark.parametrize("column,value", [("details", '{"forged":true}'), ("actor_id", "someone-else"),
                                          ("type", "group.deleted"), ("at", 1)])
def test_changed_field(pristine, tmp_path, column, value):
    seq = 17

    def edit(conn):
        old = conn.execute(f"SELECT {column} FROM audit_events WHERE seq = ?", (seq,)).fetchone()[0]
        assert old != value, f"seq {seq} already has {column} = {value!r}: pick another value"
        cur = conn.execute(f"UPDATE audit_events SET {column} = ? WHERE seq = ?", (value, seq))
        assert cur.rowcount == 1
        assert conn.execute(f"SELECT {column} FROM audit_events WHERE seq = ?", (seq,)).fetchone()[0] == value
    run_case(pristine, tmp_path, edit, seq)


def test_changed_first_event(pristine, tmp_path):
    run_case(pristine, tmp_path,
             lambda conn: conn.execute("UPDATE audit_events SET details = '{}' WHERE seq = 1"), 1)


def test_deleted_event(pristine, tmp_path):
    seq = 12

    def edit(conn):
        assert conn.execute("DELETE FROM audit_events WHERE seq = ?", (seq,)).rowcount == 1
    run_case(pristine, tmp_path, edit, seq)


def test_swapped_events(pristine, tmp_path):
    """Two events exchange places (their seqs swapped): the earlier position is the first bad one."""
    a, b = 9, 21

    def edit(conn):
        conn.execute("UPDATE audit_events SET seq = -1 WHERE seq = ?", (a,))
        conn.execute("UPDATE audit_events SET seq = ? WHERE seq = ?", (a, b))
        conn.execute("UPDATE audit_events SET seq = ? WHERE seq = -1", (b,))
    run_case(pristine, tmp_path, edit, a)


def test_swapped_neighbours(pristine, tmp_path):
    a = 25

    def edit(conn):
        conn.execute("UPDATE audit_events SET seq = -1 WHERE seq = ?", (a,))
        conn.execute("UPDATE audit_events SET seq = ? WHERE seq = ?", (a, a + 1))
        conn.execute("UPDATE audit_events SET seq = ? WHERE seq = -1", (a + 1,))
    run_case(pristine, tmp_path, edit, a)
