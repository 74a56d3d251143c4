#!/usr/bin/python3
"""Soak: a bounded mixed load on one jitgate server, watching its memory and file descriptors.

Starts `jitgate serve` ($JITGATE_BIN, default build/release/jitgate) on a fresh SQLite file, then from
a few threads: access checks, grant creates + revokes (staying under the 100 active grants), logins
(successful ones with logout, and failing ones, which turn into 429 after --login-max-failures),
and list calls. Samples the server's VmRSS and open fds every SOAK_SAMPLE_SECONDS.

Phases: warm-up (SOAK_WARMUP_SECONDS), a pause in which every client disconnects and the baseline
RSS and fd count are taken, the main load (the rest of SOAK_SECONDS), a final pause and the final
figures. Fails (exit 1) on any error other than the expected 409 (grant limit, revoking twice) and
429 (failed logins), when RSS grew by more than SOAK_RSS_GROWTH (0.10) of the baseline plus
SOAK_RSS_SLACK_MB (8), or when the idle fd count grew (the store's files excepted: SQLite opens
reader connections lazily, up to its pool of 16, so those may grow by 2 fds each, and no more).

    SOAK_SECONDS=300 make soak        # or: JITGATE_BIN=... /usr/bin/python3 tests/soak/soak.py
"""

import collections
import importlib.util
import os
import random
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def load_api_helpers():
    """tests/api/conftest.py: the Server and Client helpers of the API suite."""
    path = os.path.join(HERE, "..", "api", "conftest.py")
    spec = importlib.util.spec_from_file_location("jitgate_api_conftest", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def env_float(name, default):
    return float(os.environ.get(name, default))


# ----------------------------------------------------------------------------- judging

# Statuses that are part of the load, by kind of request; anything else counts as an error.
EXPECTED = {
    "check": {200},
    "grant.create": {201, 409},      # 409 CONCURRENT_GRANT_LIMIT
    "grant.revoke": {204},
    "grant.revoke_again": {409},     # GRANT_NOT_ACTIVE
    "list": {200},
    "login.ok": {200, 429},
    "logout": {204},
    "login.bad": {401, 429},
}


# SQLite's idle reader pool (src/store/sqlite) keeps at most 16 connections, 2 fds each (db, WAL).
STORE_FD_GROWTH = 2 * 16


def judge(figures, rss_growth=0.10, rss_slack_kb=8 * 1024):
    """The reasons the soak failed (empty when it passed). `figures` holds `errors` (a count),
    `base_rss_kb`, `end_rss_kb`, `base_fds` and `end_fds` (fds other than the store's files), and
    `base_store_fds` and `end_store_fds`."""
    reasons = []
    if figures["errors"]:
        reasons.append(f"{figures['errors']} unexpected answers or failed requests")
    limit = figures["base_rss_kb"] * (1 + rss_growth) + rss_slack_kb
    if figures["end_rss_kb"] > limit:
        reasons.append(f"RSS grew from {figures['base_rss_kb']} kB to {figures['end_rss_kb']} kB "
                       f"(limit {limit:.0f} kB)")
    if figures["end_fds"] > figures["base_fds"]:
        reasons.append(f"open fds grew from {figures['base_fds']} to {figures['end_fds']}")
    if figures["end_store_fds"] > figures["base_store_fds"] + STORE_FD_GROWTH:
        reasons.append(f"store fds grew from {figures['base_store_fds']} to {figures['end_store_fds']}")
    if not figures.get("requests"):
        reasons.append("no requests were made")
    return reasons


# ----------------------------------------------------------------------------- the process

def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def split_fds(targets, store_dir):
    """(fds other than the store's files, the store's files) counts."""
    store = sum(1 for t in targets.values() if t.startswith(store_dir + os.sep))
    return len(targets) - store, store


def fd_targets(pid):
    """What each open fd is (a file path, socket:[inode], anon_inode:...), by fd number."""
    out = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            out[int(fd)] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            pass
    return out


class Tally:
    """Thread-safe counts of requests by kind and status, and the first few errors."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_kind = collections.Counter()
        self.statuses = collections.Counter()
        self.errors = 0
        self.examples = []

    def record(self, kind, status, detail=""):
        with self.lock:
            self.by_kind[kind] += 1
            self.statuses[(kind, status)] += 1
            if status not in EXPECTED[kind]:
                self.errors += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{kind}: {status} {detail}"[:300])


class Load:
    """The worker threads. Each has its own keep-alive client; `pause()` makes them all close their
    connections and wait, `resume()` lets them go on."""

    def __init__(self, api, server, fixture, tally):
        self.api, self.server, self.fx, self.tally = api, server, fixture, tally
        self.stop = threading.Event()
        self.running = threading.Event()
        self.running.set()
        self.idle = threading.Semaphore(0)
        self.threads = [threading.Thread(target=self._loop, args=(fn, pause), daemon=True)
                        for fn, pause in ((self.checks, 0.001), (self.checks, 0.001),
                                          (self.grants, 0.05), (self.lists, 0.02),
                                          (self.logins, 0.2))]

    def start(self):
        for t in self.threads:
            t.start()

    def pause(self):
        self.running.clear()
        for _ in self.threads:
            self.idle.acquire()

    def resume(self):
        self.running.set()

    def finish(self):
        self.stop.set()
        self.running.set()
        for t in self.threads:
            t.join(60)

    def _loop(self, fn, pause):
        rng = random.Random(threading.get_ident())
        client = self.server.admin(keepalive=True, timeout=30)
        while not self.stop.is_set():
            if not self.running.is_set():
                client.close()
                self.idle.release()
                self.running.wait()
                continue
            try:
                fn(client, rng)
            except Exception as e:  # noqa: BLE001 - a failed request is an error of the soak
                self.tally.record(fn.__name__.rstrip("s") if fn.__name__ != "checks" else "check",
                                  f"exception {type(e).__name__}", str(e))
                client.close()
            time.sleep(pause)
        client.close()

    def _rec(self, kind, r):
        self.tally.record(kind, r.status, r.body[:200])

    def checks(self, c, rng):
        user, pool = rng.choice(self.fx["users"]), rng.choice(self.fx["pools"])
        perm = rng.choice(("USE", "IGNORE_QUOTA"))
        self._rec("check", c.get("/access/check", params={"userId": user["id"], "agentPoolId": pool["id"],
                                                           "permission": perm}))

    def grants(self, c, rng):
        users = rng.sample(self.fx["users"], 2)
        body = c.grant_body([rng.choice(self.fx["pools"])["id"]], [u["id"] for u in users],
                            role=rng.choice(("STANDARD", "PRIVILEGED")), expiration={"hours": 1})
        r = c.post("/jit-access", body=body)
        self._rec("grant.create", r)
        if r.status != 201:
            return
        gid = r.json()["id"]
        self._rec("grant.revoke", c.delete(f"/jit-access/{gid}"))
        if rng.random() < 0.1:
            self._rec("grant.revoke_again", c.delete(f"/jit-access/{gid}"))

    def lists(self, c, rng):
        path, params = rng.choice([
            ("/jit-access", {"status": "all", "limit": 50}),
            ("/jit-access", {"status": "active"}),
            ("/users", {"limit": 100}),
            ("/users", {"search": "soak"}),
            ("/agent-pool", {"limit": 100}),
            ("/groups", {}),
            ("/audit-events", {"limit": 20}),
            ("/api-keys", {}),
        ])
        self._rec("list", c.get(path, params=params))

    def logins(self, c, rng):
        user = rng.choice(self.fx["login_users"])
        anon = self.server.client()
        r = anon.post("/auth/login", body={"email": user["email"], "password": user["password"]})
        self._rec("login.ok", r)
        cookie = self.api.session_cookie(r) if r.status == 200 else None
        if cookie:
            s = self.server.client()
            s.cookie, s.csrf = cookie, r.json()["csrfToken"]
            self._rec("logout", s.post("/auth/logout"))
        r = anon.post("/auth/login", body={"email": self.fx["victim"], "password": "wrong-" + uuid.uuid4().hex})
        self._rec("login.bad", r)


def set_up(admin, api):
    """Pools, users (some with passwords), a group with standing access; returns the fixture dict."""
    pools = [admin.create_pool(name=api.uniq("soak-pool")) for _ in range(10)]
    users = [admin.create_user(email=f"{api.uniq('soak')}@example.com") for _ in range(30)]
    login_users = []
    for _ in range(3):
        pw = "soak-pw-" + uuid.uuid4().hex
        u = admin.create_user(email=f"{api.uniq('soak-login')}@example.com", password=pw)
        u["password"] = pw
        login_users.append(u)
    admin.create_group(member_ids=[u["id"] for u in users[:10]],
                       pool_access=[(p["id"], "STANDARD") for p in pools[:3]])
    victim = admin.create_user(email=f"{api.uniq('soak-victim')}@example.com", password="x" * 20)
    return {"pools": pools, "users": users, "login_users": login_users, "victim": victim["email"]}


def quiesce(pid, seconds=1.5):
    """Waits until the server's fd count stops changing (closed connections are gone)."""
    last, stable_since = fd_count(pid), time.time()
    deadline = time.time() + 15
    while time.time() < deadline:
        time.sleep(0.1)
        now = fd_count(pid)
        if now != last:
            last, stable_since = now, time.time()
        elif time.time() - stable_since >= seconds:
            break
    return last


def run(seconds, warmup, sample_every, out=sys.stdout):
    api = load_api_helpers()
    tally = Tally()
    samples = []  # (t, phase, rss_kb, fds)
    with tempfile.TemporaryDirectory(prefix="jitgate-soak-") as d:
        server = api.Server(d, args=["--login-max-failures", "10", "--log-level", "warn"])
        server.start()
        pid = server.proc.pid
        try:
            admin = server.admin(keepalive=True)
            fixture = set_up(admin, api)
            admin.close()
            load = Load(api, server, fixture, tally)
            t0 = time.time()
            phase = ["warm-up"]
            stop_sampling = threading.Event()

            def sampler():
                while not stop_sampling.wait(sample_every):
                    samples.append((time.time() - t0, phase[0], rss_kb(pid), fd_count(pid)))

            sampling = threading.Thread(target=sampler, daemon=True)
            sampling.start()
            load.start()
            time.sleep(warmup)
            load.pause()
            quiesce(pid)
            base_rss, base_targets = rss_kb(pid), fd_targets(pid)
            phase[0] = "main"
            load.resume()
            time.sleep(max(0.0, seconds - warmup))
            load.pause()
            quiesce(pid)
            end_rss, end_targets = rss_kb(pid), fd_targets(pid)
            load.finish()
            stop_sampling.set()
            sampling.join(10)
            alive = server.proc.poll() is None
        finally:
            rc = server.stop()
    base_fds, base_store = split_fds(base_targets, d)
    end_fds, end_store = split_fds(end_targets, d)
    figures = {"requests": sum(tally.by_kind.values()), "errors": tally.errors + (0 if alive else 1),
               "base_rss_kb": base_rss, "end_rss_kb": end_rss, "base_fds": base_fds, "end_fds": end_fds,
               "base_store_fds": base_store, "end_store_fds": end_store}
    report(figures, tally, samples, seconds, out)
    if len(end_targets) > len(base_targets):
        new = {fd: t for fd, t in end_targets.items() if base_targets.get(fd) != t}
        print(f"  fds open at the end and not after warm-up: {new}", file=out)
    reasons = judge(figures, env_float("SOAK_RSS_GROWTH", 0.10),
                    env_float("SOAK_RSS_SLACK_MB", 8) * 1024)
    if rc != 0:
        reasons.append(f"the server exited {rc} on SIGTERM")
    for r in reasons:
        print(f"SOAK FAILED: {r}", file=out)
    if not reasons:
        print("SOAK PASSED", file=out)
    return 0 if not reasons else 1


def report(figures, tally, samples, seconds, out):
    print(f"soak: {seconds:.0f} s, {figures['requests']} requests "
          f"({figures['requests'] / max(seconds, 1):.0f}/s)", file=out)
    for kind in EXPECTED:
        statuses = ", ".join(f"{s}: {n}" for (k, s), n in sorted(tally.statuses.items(), key=str) if k == kind)
        print(f"  {kind:<20} {tally.by_kind[kind]:>9}   {statuses}", file=out)
    print(f"  unexpected: {tally.errors}", file=out)
    for e in tally.examples:
        print(f"    {e}", file=out)
    print(f"  RSS  after warm-up {figures['base_rss_kb']} kB, at the end {figures['end_rss_kb']} kB", file=out)
    print(f"  fds  after warm-up {figures['base_fds']} + {figures['base_store_fds']} of the store, "
          f"at the end {figures['end_fds']} + {figures['end_store_fds']} (idle)", file=out)
    if samples:
        rss = [s[2] for s in samples]
        fds = [s[3] for s in samples]
        print(f"  under load: RSS {min(rss)}..{max(rss)} kB, fds {min(fds)}..{max(fds)} "
              f"({len(samples)} samples)", file=out)


def main():
    seconds = env_float("SOAK_SECONDS", 300)
    warmup = env_float("SOAK_WARMUP_SECONDS", min(60.0, max(5.0, seconds * 0.2)))
    sample_every = env_float("SOAK_SAMPLE_SECONDS", 5 if seconds >= 60 else 1)
    return run(seconds, warmup, sample_every)


if __name__ == "__main__":
    sys.exit(main())
