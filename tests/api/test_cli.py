"""The `jitgate` client verbs against a live server (JITGATE_SERVER, JITGATE_API_KEY)."""

import datetime as dt
import json
import os
import subprocess
import tempfile
import uuid

import pytest

from conftest import BIN, GRANT_FIELDS, uniq

pytestmark = pytest.mark.cli


def run(server, *args, key=None, env_server=True, timeout=30):
    env = dict(os.environ)
    env.pop("JITGATE_SERVER", None)
    env.pop("JITGATE_API_KEY", None)
    if env_server:
        env["JITGATE_SERVER"] = f"http://127.0.0.1:{server.port}"
    env["JITGATE_API_KEY"] = key if key is not None else server.admin_info["apiKey"]
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=timeout)


def run_json(server, *args, **kw):
    r = run(server, *args, "--json", **kw)
    assert r.returncode == 0, f"jitgate {' '.join(args)} exited {r.returncode}: {r.stdout} {r.stderr}"
    try:
        return json.loads(r.stdout)
    except ValueError as e:
        raise AssertionError(f"--json output does not parse: {r.stdout[:500]!r}") from e


@pytest.fixture(scope="module")
def setup(admin):
    u = admin.create_user(name=uniq("Cli User"))
    p = admin.create_pool(name=uniq("cli-pool"))
    return u, p


def test_grant_by_names_json(server, admin, setup):
    u, p = setup
    g = run_json(server, "grant", "--name", "cli-grant", "--role", "PRIVILEGED", "--pool", p["name"],
                 "--user", u["email"], "--hours", "2", "--reason", "INC-42")
    assert set(g) == GRANT_FIELDS, sorted(g)
    assert g["agentPoolIds"] == [p["id"]] and g["userIds"] == [u["id"]]
    assert (g["role"], g["reason"], g["status"]) == ("PRIVILEGED", "INC-42", "ACTIVE")
    assert admin.ok("GET", f"/jit-access/{g['id']}") == g


def test_grant_by_ids_multiple(server, admin):
    us = [admin.create_user() for _ in range(2)]
    ps = [admin.create_pool() for _ in range(2)]
    args = ["grant", "--name", uniq(), "--role", "STANDARD", "--days", "1"]
    for p in ps:
        args += ["--pool", p["id"]]
    for u in us:
        args += ["--user", u["id"]]
    g = run_json(server, *args)
    assert sorted(g["agentPoolIds"]) == sorted(p["id"] for p in ps)
    assert sorted(g["userIds"]) == sorted(u["id"] for u in us)


def test_grant_at_beyond_31_days_fails(server, admin, setup):
    u, p = setup
    r = run(server, "grant", "--name", uniq(), "--role", "STANDARD", "--pool", p["id"],
            "--user", u["id"], "--at", "2099-01-01T00:00:00.000Z", "--json")
    assert r.returncode != 0, r.stdout
    assert (r.stdout + r.stderr).strip(), "no message"


def test_grant_at_valid(server, admin, setup):
    u, p = setup
    at = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=3)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")
    g = run_json(server, "grant", "--name", uniq(), "--role", "STANDARD", "--pool", p["id"],
                 "--user", u["id"], "--at", at)
    assert g["expiresAt"] == at


def test_list_and_check_and_revoke(server, admin, setup):
    u, p = setup
    g = admin.create_grant([p["id"]], [u["id"]], name=uniq("listed"))
    listed = run_json(server, "list")
    assert isinstance(listed, dict) and "items" in listed, listed
    assert g["id"] in {x["id"] for x in listed["items"]}
    human = run(server, "list")
    assert human.returncode == 0 and g["name"] in human.stdout, human.stdout

    c = run_json(server, "check", "--user", u["id"], "--pool", p["id"], "--permission", "USE")
    assert c["allowed"] is True

    r = run(server, "revoke", g["id"])
    assert r.returncode == 0, r.stderr
    assert admin.ok("GET", f"/jit-access/{g['id']}")["status"] == "REVOKED"
    revoked = run_json(server, "list", "--status", "revoked")
    assert g["id"] in {x["id"] for x in revoked["items"]}
    assert all(x["status"] == "REVOKED" for x in revoked["items"])
    everything = run_json(server, "list", "--status", "all")
    created = [x["createdAt"] for x in everything["items"]]
    assert created == sorted(created, reverse=True)

    # Revoking again fails with the server's own message.
    msg = admin.delete(f"/jit-access/{g['id']}").json()["message"]
    r = run(server, "revoke", g["id"])
    assert r.returncode != 0
    assert msg in r.stdout + r.stderr, (msg, r.stdout, r.stderr)


def test_check_denied(server, admin):
    u, p = admin.create_user(), admin.create_pool()
    c = run_json(server, "check", "--user", u["id"], "--pool", p["id"], "--permission",
                 "IGNORE_QUOTA")
    assert c["allowed"] is False and c["role"] is None


def test_pools_and_users(server, admin, setup):
    u, p = setup
    pools = run_json(server, "pools")
    assert p["id"] in {x["id"] for x in pools["items"]}
    human = run(server, "pools")
    assert human.returncode == 0 and p["name"] in human.stdout
    users = run_json(server, "users", "--search", u["email"])
    assert [x["id"] for x in users["items"]] == [u["id"]]
    human = run(server, "users", "--search", u["email"])
    assert human.returncode == 0 and u["email"] in human.stdout


def test_audit(server, admin, setup):
    _, p = setup
    v = run_json(server, "audit", "--verify")
    assert v["valid"] is True and v["checked"] > 0
    evs = run_json(server, "audit", "--type", "pool.created")
    items = evs["items"] if isinstance(evs, dict) else evs
    assert items and all(e["type"] == "pool.created" for e in items)
    r = run(server, "audit", "--verify")
    assert r.returncode == 0


def test_server_flag_instead_of_env(server):
    r = run(server, "--server", f"http://127.0.0.1:{server.port}", "pools", "--json",
            env_server=False)
    if r.returncode != 0:  # the flag may be accepted after the verb only
        r = run(server, "pools", "--server", f"http://127.0.0.1:{server.port}", "--json",
                env_server=False)
    assert r.returncode == 0, r.stderr
    assert "items" in json.loads(r.stdout)


def test_unknown_pool_name_fails(server, setup):
    u, _ = setup
    r = run(server, "grant", "--name", uniq(), "--role", "STANDARD", "--pool",
            "no-such-pool-" + uuid.uuid4().hex, "--user", u["email"], "--hours", "1")
    assert r.returncode != 0
    assert (r.stdout + r.stderr).strip()


def test_validation_failure_shows_server_message(server, admin, setup):
    u, p = setup
    r = run(server, "grant", "--name", uniq(), "--role", "STANDARD", "--pool", p["id"],
            "--user", u["id"], "--hours", "745")
    assert r.returncode != 0
    body = admin.post("/jit-access", body=admin.grant_body([p["id"]], [u["id"]],
                                                            expiration={"hours": 745})).json()
    assert body["message"] in r.stdout + r.stderr, (body, r.stdout, r.stderr)


def test_bad_key_fails_with_401_message(server):
    r = run(server, "pools", key="jg_invalid")
    assert r.returncode != 0
    assert "401 Unauthorized" in r.stdout + r.stderr


def test_init_refuses_existing_store():
    with tempfile.TemporaryDirectory() as d:
        db = f"sqlite:{os.path.join(d, 'x.db')}"
        r1 = subprocess.run([BIN, "init", "--db", db, "--admin-email", "a@example.com", "--json"],
                            capture_output=True, text=True, timeout=60)
        assert r1.returncode == 0, r1.stderr
        info = json.loads(r1.stdout)
        assert set(info) == {"userId", "email", "password", "apiKey"}
        assert info["email"] == "a@example.com" and info["apiKey"].startswith("jg_")
        assert len(info["password"]) >= 12
        r2 = subprocess.run([BIN, "init", "--db", db, "--admin-email", "b@example.com", "--json"],
                            capture_output=True, text=True, timeout=60)
        assert r2.returncode == 1
        assert (r2.stdout + r2.stderr).strip()
