"""Durability: kill -9 during parallel grant creation; every acknowledged grant survives."""

import http.client
import json
import sqlite3
import threading
import time

import pytest

from conftest import ON_POSTGRES

pytestmark = [pytest.mark.crash, pytest.mark.slow]

WRITERS = 8


def _writer(port, key, body, acked, stop):
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", "/api/v1/jit-access", body=json.dumps(body).encode(),
                         headers={"Authorization": f"Bearer {key}",
                                  "Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            if r.status == 201:
                acked.append(json.loads(data)["id"])
        except (OSError, http.client.HTTPException, ValueError):
            return  # the server died under us: this request was never acknowledged
        finally:
            conn.close()


def test_kill9_during_writes_keeps_acknowledged_grants(server_factory):
    s = server_factory(args=["--max-active-grants", "100000"])
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    body = admin.grant_body([p["id"]], [u["id"]], expiration={"days": 1})
    acked, stop = [], threading.Event()
    threads = [threading.Thread(target=_writer, args=(s.port, s.admin_info["apiKey"], body,
                                                      acked, stop)) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    deadline = time.time() + 10
    while len(acked) < 50 and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    s.kill9()
    stop.set()
    for t in threads:
        t.join(15)
    acked = list(acked)
    assert len(acked) >= 20, f"too few grants created before the kill: {len(acked)}"

    s.start()
    admin = s.admin()
    missing, wrong = [], []
    for gid in acked:
        r = admin.get(f"/jit-access/{gid}")
        if r.status != 200:
            missing.append(gid)
        elif r.json()["status"] != "ACTIVE":
            wrong.append(r.json())
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged grants lost"
    assert not wrong, wrong[:3]
    page = admin.ok("GET", "/jit-access", params={"limit": 1000, "userId": u["id"]})
    assert page["total"] >= len(acked)
    # Change and event are stored together: every stored grant has exactly one jit.granted event.
    stored = set()
    off = 0
    while True:
        pg = admin.ok("GET", "/jit-access", params={"limit": 1000, "offset": off,
                                                    "status": "all"})
        stored |= {g["id"] for g in pg["items"]}
        off += 1000
        if off >= pg["total"]:
            break
    evs, off = [], 0
    while True:
        pg = admin.ok("GET", "/audit-events", params={"type": "jit.granted", "limit": 1000,
                                                      "offset": off})
        evs += pg["items"]
        off += 1000
        if off >= pg["total"]:
            break
    targets = [e["targetId"] for e in evs]
    assert sorted(targets) == sorted(stored), "grants and jit.granted events differ"
    assert admin.ok("GET", "/audit-events/verify")["valid"] is True
    assert s.stop() == 0

    if ON_POSTGRES:
        return  # PRAGMA integrity_check is SQLite's; PostgreSQL's own recovery covers its files
    db = sqlite3.connect(s.db_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()
