"""Configurable limits: defaults of the contract, flags and JITGATE_* environment variables."""

import subprocess

import pytest

from conftest import BIN, assert_error, detail_fields, field_matches, free_port

pytestmark = pytest.mark.slow


def test_default_active_grant_limit_is_100(server_factory):
    s = server_factory()
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    made = [admin.create_grant([p["id"]], [u["id"]])["id"] for _ in range(100)]
    assert_error(admin.post("/jit-access", body=admin.grant_body([p["id"]], [u["id"]])), 409,
                 "CONCURRENT_GRANT_LIMIT")
    assert admin.delete(f"/jit-access/{made[0]}").status == 204
    admin.create_grant([p["id"]], [u["id"]])
    assert_error(admin.post("/jit-access", body=admin.grant_body([p["id"]], [u["id"]])), 409,
                 "CONCURRENT_GRANT_LIMIT")


def test_active_grant_limit_from_env(server_factory):
    s = server_factory(env={"JITGATE_MAX_ACTIVE_GRANTS": "2"})
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    admin.create_grant([p["id"]], [u["id"]])
    admin.create_grant([p["id"]], [u["id"]])
    assert_error(admin.post("/jit-access", body=admin.grant_body([p["id"]], [u["id"]])), 409,
                 "CONCURRENT_GRANT_LIMIT")


def test_users_and_pools_per_grant_flags(server_factory):
    s = server_factory(args=["--max-users-per-grant", "2", "--max-pools-per-grant", "2"])
    admin = s.admin()
    us = [admin.create_user()["id"] for _ in range(3)]
    ps = [admin.create_pool()["id"] for _ in range(3)]
    admin.create_grant(ps[:2], us[:2])
    body = assert_error(admin.post("/jit-access", body=admin.grant_body(ps[:2], us)), 400,
                        "VALIDATION_FAILED", field="userIds")
    assert all(field_matches(f, "userIds") for f in detail_fields(body))
    body = assert_error(admin.post("/jit-access", body=admin.grant_body(ps, us[:2])), 400,
                        "VALIDATION_FAILED", field="agentPoolIds")
    assert all(field_matches(f, "agentPoolIds") for f in detail_fields(body))


def test_users_per_grant_from_env(server_factory):
    s = server_factory(env={"JITGATE_MAX_USERS_PER_GRANT": "1"})
    admin = s.admin()
    us = [admin.create_user()["id"] for _ in range(2)]
    p = admin.create_pool()["id"]
    assert_error(admin.post("/jit-access", body=admin.grant_body([p], us)), 400,
                 "VALIDATION_FAILED", field="userIds")


def test_max_grant_days_flag(server_factory):
    s = server_factory(args=["--max-grant-days", "1"])
    admin = s.admin()
    u, p = admin.create_user()["id"], admin.create_pool()["id"]
    admin.create_grant([p], [u], expiration={"hours": 24})
    admin.create_grant([p], [u], expiration={"days": 1})
    for exp in ({"hours": 25}, {"days": 2}):
        assert_error(admin.post("/jit-access", body=admin.grant_body([p], [u], expiration=exp)),
                     400, "VALIDATION_FAILED", field="expiration")


def test_bad_flag_value_refused_at_start(server_factory):
    s = server_factory(start=False)
    r = subprocess.run([BIN, "serve", "--db", s.db, "--listen", f"127.0.0.1:{free_port()}",
                        "--max-active-grants", "lots"], capture_output=True, text=True, timeout=20)
    assert r.returncode != 0
    assert (r.stdout + r.stderr).strip(), "no message for an invalid flag"
