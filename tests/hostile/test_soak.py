"""The soak script (tests/soak/soak.py, `make soak`): a short run passes, and its verdict fails on
errors, RSS growth and fd growth."""

import importlib.util
import os
import re
import subprocess
import sys

from conftest import api

SOAK = os.path.join(os.path.dirname(__file__), "..", "soak", "soak.py")
_spec = importlib.util.spec_from_file_location("jitgate_soak", SOAK)
soak = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(soak)

GOOD = {"requests": 1000, "errors": 0, "base_rss_kb": 20000, "end_rss_kb": 20000,
        "base_fds": 14, "end_fds": 14, "base_store_fds": 9, "end_store_fds": 9}


def test_judge_passes_a_steady_run():
    assert soak.judge(GOOD) == []
    # Within 10% + 8 MB, and the store's lazily opened readers, is steady.
    assert soak.judge({**GOOD, "end_rss_kb": 20000 * 1.1 + 8 * 1024 - 1, "end_store_fds": 9 + 32}) == []


def test_judge_fails_on_errors_growth_and_no_load():
    assert any("unexpected" in r for r in soak.judge({**GOOD, "errors": 1}))
    assert any("RSS grew" in r for r in soak.judge({**GOOD, "end_rss_kb": 20000 * 1.1 + 8 * 1024 + 1}))
    assert any("open fds grew" in r for r in soak.judge({**GOOD, "end_fds": 15}))
    assert any("store fds grew" in r for r in soak.judge({**GOOD, "end_store_fds": 9 + 33}))
    assert any("no requests" in r for r in soak.judge({**GOOD, "requests": 0}))


def test_tally_counts_only_the_expected_statuses_as_fine():
    t = soak.Tally()
    for kind, status in [("check", 200), ("grant.create", 409), ("grant.revoke_again", 409),
                         ("login.bad", 429), ("login.ok", 429)]:
        t.record(kind, status)
    assert t.errors == 0
    for kind, status in [("check", 500), ("grant.revoke", 409), ("list", 503), ("check", "exception X")]:
        t.record(kind, status)
    assert t.errors == 4 and len(t.examples) == 4


def test_short_soak_passes():
    env = dict(os.environ, JITGATE_BIN=api.BIN, SOAK_SECONDS="20", SOAK_WARMUP_SECONDS="5",
               SOAK_SAMPLE_SECONDS="1")
    r = subprocess.run([sys.executable, SOAK], env=env, capture_output=True, text=True, timeout=150)
    print(r.stdout)
    assert r.returncode == 0, f"soak failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    assert "SOAK PASSED" in r.stdout
    for kind in ("check", "grant.create", "grant.revoke", "list", "login.ok", "logout", "login.bad"):
        m = re.search(rf"^  {re.escape(kind)}\s+(\d+)", r.stdout, re.M)
        assert m and int(m.group(1)) > 0, f"no {kind} requests in the soak:\n{r.stdout}"
    assert re.search(r"login.bad .* 429: \d+", r.stdout), "failed logins never reached the rate limit"
    assert re.search(r"RSS  after warm-up \d+ kB, at the end \d+ kB", r.stdout)
