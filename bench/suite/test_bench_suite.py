"""Tests of the benchmark suite's own logic (no load is generated; < 5 s).

Run by ctest as bench_suite (bench/CMakeLists.txt) with JITGATE_BIN set, or by hand:
  JITGATE_BIN=build/release/jitgate /usr/bin/python3 -m pytest -q bench/suite
"""

import json
import os
import re
import sqlite3
import subprocess

import pytest

import dataset
import report
import run
import seed_sqlite
from figures import Figures, Target
from servers import padded_json

HERE = os.path.dirname(os.path.abspath(__file__))


def jitgate_bin():
    path = os.environ.get("JITGATE_BIN")
    if not path:
        if os.environ.get("CI") == "true":
            pytest.fail("JITGATE_BIN is not set")
        pytest.skip("JITGATE_BIN is not set")
    return path


def test_padded_json_has_the_exact_size_and_parses():
    for size in (10, 70, 123, 400):
        body = padded_json(size)
        assert json.loads(body)["allowed"] is False
        assert len(body) == max(size, len(padded_json(0)))


def test_pgbench_script_uses_the_dataset_maps():
    # The SQL alternative must ask about the same (user, pool) pairs as the wrk scripts.
    sql = open(os.path.join(HERE, "..", "sql", "check.sql")).read()
    assert f"(:i * {dataset.USER_MUL} + {dataset.USER_ADD}) % :U" in sql
    assert f"(:i * {dataset.POOL_MUL} + {dataset.POOL_ADD}) % :P" in sql


def test_check_pairs_half_hit_active_grants():
    s = dataset.Scale(1000, 100, 10, 50)
    active = {(dataset.grant_user(i, s), dataset.grant_pool(i, s)) for i in range(s.active)}
    pairs = dataset.check_pairs(s, 1000)
    assert all(pairs[k] in active for k in range(0, 1000, 2))
    assert sum(pairs[k] in active for k in range(1, 1000, 2)) < 50
    assert re.fullmatch(r"[0-9a-f]{8}-0000-4000-8000-a[0-9a-f]{11}", dataset.uid("a", 123456))


def test_update_doc_replaces_only_the_marked_block(tmp_path):
    doc = tmp_path / "PERF.md"
    doc.write_text(f"# Title\nbefore\n\n{report.BEGIN}\nold figures\n{report.END}\nafter\n")
    report.update_doc(str(doc), f"{report.BEGIN}\nnew figures\n{report.END}\n")
    text = doc.read_text()
    assert "old figures" not in text and "new figures" in text
    assert text.startswith("# Title\nbefore\n") and text.endswith(f"{report.END}\nafter\n")
    assert text.count(report.BEGIN) == 1


def test_update_doc_appends_when_the_markers_are_absent(tmp_path):
    doc = tmp_path / "PERF.md"
    doc.write_text("# Title\n")
    report.update_doc(str(doc), f"{report.BEGIN}\nfigures\n{report.END}\n")
    assert doc.read_text() == f"# Title\n\n{report.BEGIN}\nfigures\n{report.END}\n"


def test_target_verdicts():
    figs = Figures()
    f = figs.declare("x", "x", "ns")
    for v in (250, 150, 180):
        f.add(v)
    assert f.median == 180
    assert Target("6", "", "x", "<", 200).verdict(figs) == ("met", 180)
    assert Target("6", "", "x", "<", 180).verdict(figs) == ("missed", 180)
    assert Target("6", "", "x", ">=", 180).verdict(figs) == ("met", 180)
    assert Target("6", "", "missing", ">=", 1).verdict(figs) == ("not measured", None)


def test_perf_lines_lose_template_arguments():
    line = "  1.00%  jitgate  [.] Session<basic_stream<tcp, any<a<0>>>, policy>::Run"
    assert run._shorten(line) == "  1.00%  jitgate  [.] Session<>::Run"


def test_seeded_store_matches_the_data_set(tmp_path):
    db = tmp_path / "j.db"
    out = subprocess.run([jitgate_bin(), "init", "--db", f"sqlite:{db}", "--admin-email",
                          "a@example.com", "--json"], capture_output=True, text=True, check=True)
    admin = json.loads(out.stdout)["userId"]
    s = dataset.Scale(users=50, pools=20, groups=5, active=30, history=70)
    seed_sqlite.seed(str(db), s, admin, now_ms=1_800_000_000_000)
    con = sqlite3.connect(db)
    count = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    assert count("SELECT COUNT(*) FROM users") == 51  # and the admin
    assert count("SELECT COUNT(*) FROM agent_pools") == 20
    assert count("SELECT COUNT(*) FROM grants WHERE status = 'ACTIVE'") == 30
    assert count("SELECT COUNT(*) FROM grants WHERE status <> 'ACTIVE' AND expires_at < 1800000000000") == 70
    assert count("SELECT COUNT(*) FROM grant_users") == 100
    # Every active grant names the user and pool the SQL alternative's maps give it.
    row = con.execute("SELECT gu.user_id, gp.pool_id FROM grants g JOIN grant_users gu ON gu.grant_id = g.id "
                      "JOIN grant_pools gp ON gp.grant_id = g.id WHERE g.id = ?", (dataset.uid("d", 7),)).fetchone()
    assert row == (dataset.uid("a", dataset.grant_user(7, s)), dataset.uid("b", dataset.grant_pool(7, s)))
    assert count("SELECT COUNT(*) FROM grant_users gu LEFT JOIN users u ON u.id = gu.user_id WHERE u.id IS NULL") == 0
