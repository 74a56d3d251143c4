#!/usr/bin/env python3
"""jitgate's side-by-side benchmark suite (`make bench`, or bench/run.sh).

Steps (each figure is the median of --runs runs, with min and max):
  1. in-process: bench/access_check_bench (Google Benchmark), every BM_* it has;
  2. start-up: a SQLite store seeded with 1,000,000 grants (100,000 active) at 100k users/10k pools/
     10k groups; `jitgate serve` timed until /readyz is 200, then VmRSS;
  3. checks over HTTP, in rounds so every ratio compares runs taken side by side: nginx (fixed body
     of the same size), jitgate GET /access/check (wrk -t2 -c64), jitgate at half that rate, jitgate
     POST /access/check with 100 checks a request, and the SQL alternative through pgbench;
  4. durable grant creations/s with 1 and 16 clients, on SQLite and on PostgreSQL when the binary
     supports it.
Prints one table, writes it to --out (markdown) and, with --update-doc, into the marked block of
docs/PERFORMANCE.md. Every server runs on 127.0.0.1 on a free port and is stopped at the end.
"""

import argparse
import http.client
import json
import os
import re
import signal
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dataset  # noqa: E402
import report  # noqa: E402
import rest_seed  # noqa: E402
import seed_sqlite  # noqa: E402
from figures import Figures  # noqa: E402
from loads import google_benchmark, pgbench, wrk  # noqa: E402
from procs import Procs, vm_rss_mb  # noqa: E402
from servers import Jitgate, Nginx, Postgres  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONNS, THREADS = 64, 2
MAX_ACTIVE = "1000000"  # the server's upper bound for --max-active-grants
PG_REST_USERS, PG_REST_POOLS = 200, 100


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Suite:
    def __init__(self, args, procs, tmp):
        self.args, self.procs, self.tmp = args, procs, tmp
        self.figs = Figures()
        self.notes = []
        self.binary = os.path.join(args.build, "jitgate")
        self.pairs = {}
        # --smoke: a tenth of the data, to try the suite out quickly; its figures are not comparable.
        d = 10 if args.smoke else 1
        L = dataset.LARGE
        self.large = dataset.Scale(L.users // d, L.pools // d, L.groups // d, L.active // d, L.history // d)
        self.pg = None
        self.sql_ready = False  # the SQL alternative's table is loaded

    def note(self, msg):
        log("NOTE: " + msg)
        self.notes.append(msg)

    def pairs_file(self, name, scale):
        if name not in self.pairs:
            path = os.path.join(self.tmp, f"pairs-{name}.txt")
            dataset.write_pairs_file(path, scale, 1 << 14)
            self.pairs[name] = path
        return self.pairs[name]

    # ------------------------------------------------------------------ 1. in-process
    def inprocess(self):
        """Every bench/*_bench binary, every BM_* in it, --runs repetitions each."""
        bench_dir = os.path.join(self.args.build, "bench")
        binaries = sorted(n for n in os.listdir(bench_dir) if n.endswith("_bench"))
        if "access_check_bench" not in binaries:
            raise RuntimeError(f"{bench_dir}/access_check_bench not built (JITGATE_BENCH=ON?)")
        runs = {}
        for name in binaries:
            log(f"in-process: {name}, {self.args.runs} repetitions of every BM_*")
            runs.update(google_benchmark(os.path.join(bench_dir, name), self.args.runs,
                                         os.path.join(self.tmp, f"{name}.json")))
        # CPU time is the figure: on a shared, loaded machine wall time also counts the time other
        # processes held the core (wall time is in the label). Throughput benchmarks (items/s,
        # e.g. durable writes from 16 threads) are shown as rates instead.
        for name, reps in runs.items():
            if all(r.items_per_second for r in reps):
                f = self.figs.declare(f"gbench.{name}", f"{name}", "items/s")
                for r in reps:
                    f.add(r.items_per_second)
                continue
            unit, k = _time_unit(_median([r.cpu_ns for r in reps]))
            f = self.figs.declare(f"gbench.{name}", f"{name} (cpu; wall median "
                                  f"{_median([r.real_ns for r in reps]) / k:,.1f} {unit})", unit, 1)
            for r in reps:
                f.add(r.cpu_ns / k)
        self._alias("inproc.check.small", "BM_Check/small", runs, "ns")
        self._alias("inproc.check.large", "BM_Check/large", runs, "ns")
        # "Applying one change": the slowest of the large-scale BM_Apply* benchmarks (a grant, a
        # revocation, a group member, a group's access, a user, a pool), else BM_WithGrants/large.
        apply = [n for n in runs if n.startswith("BM_Apply") and "large" in n]
        if apply:
            worst = max(apply, key=lambda n: _median([r.cpu_ns for r in runs[n]]))
            self._alias("inproc.change", worst, runs, "ms")
        elif any(n.startswith("BM_WithGrants/large") for n in runs):
            self._alias("inproc.change", "BM_WithGrants/large", runs, "ms")
        else:
            self.note("no 'apply one change' benchmark found in access_check_bench")

    def _alias(self, key, prefix, runs, unit):
        """A hidden figure for a target: the CPU times of the first benchmark named prefix*."""
        names = [n for n in runs if n.startswith(prefix)]
        if not names:
            self.note(f"benchmark {prefix} not found")
            return
        f = self.figs.declare(key, names[0], unit, 3 if unit == "ms" else 1)
        f.hidden = True
        for r in runs[names[0]]:
            f.add(r.cpu_ns / _UNITS[unit])

    # ------------------------------------------------------------------ 2. start-up
    def startup(self):
        scale = self.large
        j = Jitgate(self.procs, self.binary, self.tmp, "large")
        j.init(f"sqlite:{self.tmp}/large.db")
        log(f"seeding SQLite: {scale} (one transaction)")
        t0 = time.monotonic()
        seed_sqlite.seed(f"{self.tmp}/large.db", scale, j.admin["userId"])
        log(f"seeded in {time.monotonic() - t0:.1f} s; {os.path.getsize(f'{self.tmp}/large.db') / 1e6:,.0f} MB")
        secs = self.figs.declare("startup.seconds", f"start-up until /readyz 200 ({scale.active + scale.history:,} grants, {scale.active:,} active)", "s", 2)
        rss = self.figs.declare("startup.rss_mb", "resident memory (VmRSS) after start-up", "MB", 0)
        for r in range(self.args.runs):
            secs.add(j.serve("--max-active-grants", MAX_ACTIVE))
            rss.add(vm_rss_mb(j.proc.pid))
            log(f"start-up run {r + 1}: {secs.values[-1]:.2f} s, {rss.values[-1]:.0f} MB")
            if r + 1 < self.args.runs:
                j.stop()
        if self.args.profile:
            j.stop()
            self.profile_startup(j)
            j.serve("--max-active-grants", MAX_ACTIVE)
        return j  # left running: it serves the check benchmarks

    # ------------------------------------------------------------------ 3. checks
    def sql_alternative(self):
        """PostgreSQL with grants(user_id, pool_id, role, expires_at) of the same size, indexed."""
        s = self.large
        self.pg = Postgres(self.procs, self.tmp)
        self.pg.start()
        now = int(time.time() * 1000)
        self.pg.psql(f"""
CREATE TABLE grants (id bigint PRIMARY KEY, user_id int NOT NULL, pool_id int NOT NULL,
                     role smallint NOT NULL, expires_at bigint NOT NULL);
INSERT INTO grants
  SELECT i, (i * {dataset.USER_MUL} + {dataset.USER_ADD}) % {s.users},
         (i * {dataset.POOL_MUL} + {dataset.POOL_ADD}) % {s.pools}, 1 + i % 2,
         CASE WHEN i < {s.active} THEN {now} + 7 * 86400000::bigint + i ELSE {now} - 39 * 86400000::bigint END
  FROM generate_series(0::bigint, {s.active + s.history - 1}) AS i;
CREATE INDEX grants_check ON grants (user_id, pool_id, role, expires_at);""")
        self.pg.psql("VACUUM ANALYZE grants")  # visibility map set: index-only scans
        self.pg_vars = {"U": s.users, "P": s.pools, "A": s.active, "NOW": now}
        self.sql_ready = True

    def sql_agrees(self, sample):
        """Raises unless the SQL query and jitgate agree, on the sample, about which pairs have an
        active JIT grant: both must hold the same grants for the comparison to mean anything."""
        sql = open(os.path.join(ROOT, "bench", "sql", "check.sql")).read()
        query = sql[sql.index("SELECT"):].rstrip().rstrip(";")
        values = ",".join(f"({k},{int(u[:8], 16)},{int(p[:8], 16)})" for k, (u, p, _) in enumerate(sample))
        query = query.replace(":u", "q.u").replace(":p", "q.p").replace(":NOW", str(self.pg_vars["NOW"]))
        rows = self.pg.psql(f"SELECT r.role FROM (VALUES {values}) AS q(k, u, p) "
                            f"CROSS JOIN LATERAL ({query}) AS r ORDER BY q.k")
        sql_has = [bool(line.strip()) for line in rows.splitlines()]
        jg_has = [any(s["type"] == "JIT" for s in json.loads(a)["sources"]) for _, _, a in sample]
        if sql_has != jg_has or not any(jg_has):
            raise RuntimeError(f"SQL and jitgate disagree on active JIT grants: "
                               f"{sum(sql_has)} vs {sum(jg_has)} of {len(sample)} pairs")
        log(f"SQL and jitgate agree on {len(sample)} pairs ({sum(jg_has)} with an active grant)")

    def checks(self, j):
        args, s = self.args, self.large
        pairs = self.pairs_file("large", s)
        env = {"JG_PAIRS": pairs, "JG_KEY": j.key}
        sample = _sample_answers(j, pairs)
        body = round(sum(len(a) for _, _, a in sample) / len(sample))
        nginx = Nginx(self.procs, self.tmp)
        nginx.start(body)
        log(f"nginx on {nginx.url} with a {body}-byte body; jitgate on {j.url}")
        try:
            self.sql_alternative()
            self.sql_agrees(sample)
        except (RuntimeError, OSError) as e:
            self.sql_ready = False
            self.note(f"SQL alternative skipped: {e}")
        F = self.figs.declare
        f_ng = F("http.nginx.rps", "nginx, fixed 200 JSON body, GET (wrk -t2 -c64)", "req/s")
        f_ng_p99 = F("http.nginx.p99_ms", "  nginx latency p99", "ms", 3)
        f_get = F("http.get.rps", "jitgate GET /access/check (wrk -t2 -c64)", "req/s")
        f_p50 = F("http.get.p50_ms", "  latency p50", "ms", 3)
        f_p99 = F("http.get.p99_ms", "  latency p99", "ms", 3)
        f_p999 = F("http.get.p999_ms", "  latency p99.9", "ms", 3)
        f_vs = F("http.get.vs_nginx", "  ratio to nginx (same round)", "x", 2)
        f_half = F("http.half.rps", "jitgate GET at half load (think time, 64 conns)", "req/s")
        f_half_frac = F("http.half.fraction", "  its rate / the full-load rate (same round)", "x", 2)
        f_hp99 = F("http.half.p99_ms", "  latency p99 at half load", "ms", 3)
        f_hp999 = F("http.half.p999_ms", "  latency p99.9 at half load", "ms", 3)
        f_ng_half = F("http.nginx_half.rps", "nginx with the same think time", "req/s")
        f_ng_hp99 = F("http.nginx_half.p99_ms", "  nginx latency p99 with that think time", "ms", 3)
        f_batch = F("http.batch.checks", "jitgate POST /access/check, 100 checks a request", "checks/s")
        f_bp99 = F("http.batch.p99_ms", "  request latency p99", "ms", 2)
        f_sql = F("sql.checks", "SQL alternative: pgbench -M prepared -c2, one query a check", "checks/s")
        f_sqlat = F("sql.latency_ms", "  latency average", "ms", 3)
        f_r1 = F("ratio.get_vs_sql", "jitgate single check / SQL (same round)", "x", 2)
        f_rb = F("ratio.batch_vs_sql", "jitgate batch checks / SQL (same round)", "x", 2)
        d = args.duration
        log("warm-up: 2 s each")
        wrk(nginx.url, "check_get.lua", env, THREADS, CONNS, 2)
        wrk(j.url, "check_get.lua", env, THREADS, CONNS, 2)
        round_loads = []  # the 1-minute load average after each round
        overhead_ms = 0.3  # per-connection time a request takes besides the think time; learnt below
        for r in range(args.runs):
            ng = wrk(nginx.url, "check_get.lua", env, THREADS, CONNS, d)
            get = wrk(j.url, "check_get.lua", env, THREADS, CONNS, d)
            _expect_ok(get, "GET check")
            f_ng.add(ng["rps"]), f_ng_p99.add(ng["p99_us"] / 1e3)
            f_get.add(get["rps"]), f_vs.add(get["rps"] / ng["rps"])
            f_p50.add(get["p50_us"] / 1e3), f_p99.add(get["p99_us"] / 1e3), f_p999.add(get["p999_us"] / 1e3)
            # Half load: each of the 64 connections waits between a response and its next request
            # so that together they ask for half the rate just measured (wrk2 is not in Debian).
            # A 2 s calibration run first learns how long a request cycle takes besides the wait.
            cycle_ms = CONNS * 1000.0 / (get["rps"] / 2)
            for seconds in (2, d):
                delay = max(0.0, cycle_ms - overhead_ms)
                half = wrk(j.url, "check_get.lua", dict(env, JG_DELAY_MS=f"{delay:.3f}"), THREADS,
                           CONNS, seconds)
                overhead_ms = max(0.0, CONNS * 1000.0 / half["rps"] - delay)
            _expect_ok(half, "half-load check")
            f_half_frac.add(half["rps"] / get["rps"])
            # nginx under the same think time: what p99 this machine gives a trivial server.
            ng_half = wrk(nginx.url, "check_get.lua", dict(env, JG_DELAY_MS=f"{delay:.3f}"), THREADS,
                          CONNS, d)
            f_ng_hp99.add(ng_half["p99_us"] / 1e3), f_ng_half.add(ng_half["rps"])
            f_half.add(half["rps"]), f_hp99.add(half["p99_us"] / 1e3), f_hp999.add(half["p999_us"] / 1e3)
            batch = wrk(j.url, "check_batch.lua", dict(env, JG_BATCH="100"), THREADS, CONNS, d)
            _expect_ok(batch, "batch check")
            f_batch.add(batch["rps"] * 100), f_bp99.add(batch["p99_us"] / 1e3)
            line = (f"round {r + 1}: nginx {ng['rps']:,.0f}  GET {get['rps']:,.0f} (p99 "
                    f"{get['p99_us'] / 1e3:.2f} ms)  half {half['rps']:,.0f} (p99 {half['p99_us'] / 1e3:.2f} ms)"
                    f"  batch {batch['rps'] * 100:,.0f} checks/s")
            if self.sql_ready:
                sql = pgbench(self.pg.port, os.path.join(ROOT, "bench", "sql", "check.sql"),
                              self.pg_vars, 2, d)
                f_sql.add(sql["tps"]), f_sqlat.add(sql["latency_ms"])
                f_r1.add(get["rps"] / sql["tps"]), f_rb.add(batch["rps"] * 100 / sql["tps"])
                line += f"  SQL {sql['tps']:,.0f} checks/s"
            round_loads.append(report.loadavg().split()[0])
            log(line + f"  (load {round_loads[-1]})")
        self.notes.append(f"1-minute load average after each check round: {', '.join(round_loads)}")
        if args.profile:
            self.profile(j, "check", "check_get.lua", env, THREADS, CONNS)
            self.profile(j, "batch", "check_batch.lua", dict(env, JG_BATCH="100"), THREADS, CONNS)
        self.procs.stop(nginx.proc)

    # ------------------------------------------------------------------ 4. writes
    def writes(self, backend):
        s = dataset.SMALL
        pairs = self.pairs_file("small", s)
        for clients in (1, 16):
            f = self.figs.declare(f"writes.{backend}.{clients}",
                                  f"durable grant creations, {clients} client(s), {backend}", "grants/s")
            p99 = self.figs.declare(f"writes.{backend}.{clients}.p99_ms", "  latency p99", "ms", 2)
            for r in range(self.args.runs):
                # A fresh store each run, so every run starts from the same 100 active grants.
                j = Jitgate(self.procs, self.binary, self.tmp, f"w-{backend}-{clients}-{r}")
                url = self._fresh_store_url(backend, f"w{clients}r{r}")
                j.init(url)
                if backend == "sqlite":
                    seed_sqlite.seed(url[len("sqlite:"):], s, j.admin["userId"])
                j.serve("--max-active-grants", MAX_ACTIVE)
                if backend != "sqlite":
                    pairs = rest_seed.seed(j, PG_REST_USERS, PG_REST_POOLS,
                                           os.path.join(self.tmp, f"pairs-{backend}.txt"))
                res = wrk(j.url, "grant.lua", {"JG_PAIRS": pairs, "JG_KEY": j.key},
                          1 if clients == 1 else THREADS, clients, self.args.write_duration)
                if res["status_errors"] or res["socket_errors"]:
                    self.note(f"writes {backend}/{clients}: {res['status_errors']} non-2xx, "
                              f"{res['socket_errors']} socket errors (only 2xx counted)")
                f.add(res["ok_rps"]), p99.add(res["p99_us"] / 1e3)
                log(f"writes {backend} {clients} client(s) run {r + 1}: {res['ok_rps']:,.0f} grants/s, "
                    f"p99 {res['p99_us'] / 1e3:.2f} ms")
                if self.args.profile and clients == 16 and r == 0:
                    self.profile(j, f"write-{backend}", "grant.lua", {"JG_PAIRS": pairs, "JG_KEY": j.key},
                                 THREADS, 16)
                j.stop()

    def disk(self):
        """How many 4 KiB write + fdatasync pairs the temp dir's disk does per second, 1 thread,
        for 2 s: the ceiling for one client's durable commits (SQLite's WAL commit syncs once)."""
        f = self.figs.declare("disk.fsyncs", "disk: 4 KiB write + fdatasync, 1 thread (2 s)", "syncs/s")
        path = os.path.join(self.tmp, "fsync.probe")
        for _ in range(self.args.runs):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
            n, t0 = 0, time.monotonic()
            while time.monotonic() - t0 < 2:
                os.pwrite(fd, b"x" * 4096, (n % 256) * 4096)
                os.fdatasync(fd)
                n += 1
            f.add(n / (time.monotonic() - t0))
            os.close(fd)

    def _fresh_store_url(self, backend, name):
        if backend == "sqlite":
            return f"sqlite:{self.tmp}/{name}.db"
        self.pg.psql(f"CREATE DATABASE {name}")
        return self.pg.url(name)

    def writes_postgres(self):
        if not (self.pg and self.pg.port):
            self.note("PostgreSQL writes skipped: no PostgreSQL server")
            return
        probe = Jitgate(self.procs, self.binary, self.tmp, "pg-probe")
        self.pg.psql("CREATE DATABASE probe")
        try:
            probe.init(self.pg.url("probe"))
        except RuntimeError as e:
            self.note(f"PostgreSQL writes skipped: `jitgate init --db postgres://...` says: {e}")
            return
        self.note(f"PostgreSQL writes: directory of {PG_REST_USERS} users/{PG_REST_POOLS} pools "
                  "made through the API (the backend's schema is its own), SQLite's has 10k/1k/1k")
        self.writes("postgres")

    # ------------------------------------------------------------------ profiles
    def profile(self, j, name, script, env, threads, conns):
        """perf record of jitgate under load; writes the top entries to bench/results/profile-NAME.txt."""
        if not shutil.which("perf"):
            self.note("perf not installed: no profile (make deps-bench)")
            return
        data = os.path.join(self.tmp, f"perf-{name}.data")
        secs = min(8, self.args.duration)
        rec = self.procs.start(["perf", "record", "-F", "999", "-g", "-p", str(j.proc.pid), "-o", data,
                                "--", "sleep", str(secs)], os.path.join(self.tmp, f"perf-{name}.log"))
        wrk(j.url, script, env, threads, conns, secs + 1)
        rec.wait(timeout=60)
        self.procs.stop(rec)
        self._perf_report(data, name, f"jitgate during `{script}` ({conns} connections)")

    def profile_startup(self, j):
        """perf record of one `jitgate serve` from exec to /readyz 200."""
        if not shutil.which("perf"):
            return
        data = os.path.join(self.tmp, "perf-startup.data")
        secs = j.serve("--max-active-grants", MAX_ACTIVE,
                       prefix=["perf", "record", "-F", "999", "-g", "-o", data, "--"])
        j.stop()  # SIGTERM to the group: perf writes its data and exits with jitgate
        self._perf_report(data, "startup", f"`jitgate serve` from exec to /readyz 200 ({secs:.2f} s "
                          "under perf)")

    def _perf_report(self, data, name, what):
        out = os.path.join(ROOT, "bench", "results", f"profile-{name}.txt")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w") as f:
            f.write(f"# perf record -F 999 -g of {what}, "
                    f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
            for sort, limit in (("dso", "1"), ("dso,symbol", "0.7")):
                r = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio", "--sort",
                                    sort, "--percent-limit", limit, "-g", "none"],
                                   capture_output=True, text=True, timeout=300)
                f.write(f"\n## by {sort}\n")
                for line in r.stdout.splitlines():
                    line = re.sub(r"[\s-]+$", "", line)  # perf pads each line, then "-  -"
                    if line and not line.startswith("#"):
                        f.write(_shorten(line)[:200] + "\n")
        log(f"profile written to {out}")


_UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def _time_unit(ns):
    """The unit to show `ns` in, and its size in ns."""
    for unit in ("s", "ms", "us"):
        if ns >= 10 * _UNITS[unit]:
            return unit, _UNITS[unit]
    return "ns", 1.0


def _shorten(symbol_line):
    """Drops template arguments (Beast's run to thousands of characters) from a perf line."""
    out, depth = [], 0
    for ch in symbol_line:
        if ch == "<":
            depth += 1
            if depth == 1:
                out.append("<>")
        elif ch == ">" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def _median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def _expect_ok(res, what):
    if res["status_errors"] or res["requests"] == 0:
        raise RuntimeError(f"{what}: {res['status_errors']} non-2xx answers of {res['requests']}")


def _sample_answers(j, pairs_path, n=200):
    """jitgate's check answers for the first n pairs: [(user id, pool id, raw body)]."""
    c = http.client.HTTPConnection("127.0.0.1", j.port, timeout=10)
    out = []
    with open(pairs_path) as f:
        for line in list(f)[:n]:
            u, p = line.split()
            c.request("GET", f"/api/v1/access/check?userId={u}&agentPoolId={p}&permission=USE",
                      headers={"Authorization": f"Bearer {j.key}"})
            r = c.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError(f"check answered {r.status}: {data[:200]!r}")
            out.append((u, p, data))
    c.close()
    return out


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.environ.get("BUILD", "build/release"))
    p.add_argument("--runs", type=int, default=3, help="runs per figure (median, min, max); at least 3")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk/pgbench check run")
    p.add_argument("--write-duration", type=int, default=10, help="seconds per write run")
    p.add_argument("--only", default="inprocess,startup,checks,writes,postgres",
                   help="comma-separated steps to run")
    p.add_argument("--smoke", action="store_true", help="a tenth of the data set (to try the suite)")
    p.add_argument("--profile", action="store_true",
                   help="also perf-record jitgate under check and write load (bench/results/profile-*.txt)")
    p.add_argument("--out", default="bench/results/latest.md")
    p.add_argument("--update-doc", default=None, help="rewrite the figures block of this markdown file")
    p.add_argument("--command", default="make bench", help="the command named in the report")
    return p.parse_args()


def main():
    args = parse_args()
    os.chdir(ROOT)
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def on_signal(n, _frame):
        for sig in stop_signals:  # once: a second signal must not interrupt the clean-up
            signal.signal(sig, signal.SIG_IGN)
        sys.exit(128 + n)

    for sig in stop_signals:
        signal.signal(sig, on_signal)
    if args.runs < 3 and not args.smoke:
        sys.exit("bench: --runs must be at least 3 (median, min, max); --smoke for a quick try")
    procs = Procs()
    tmp = tempfile.mkdtemp(prefix="jitgate-bench-")
    os.chmod(tmp, 0o755)  # the postgres user must reach its own subdirectory
    suite = Suite(args, procs, tmp)
    steps = set(args.only.split(","))
    if args.smoke:
        suite.note("--smoke: a tenth of the data set and short runs; not the figures of record")
    started = time.time()
    machine = report.machine()
    failed = None
    try:
        if "inprocess" in steps:
            suite.inprocess()
        j = None
        if steps & {"startup", "checks"}:
            j = suite.startup()
        if "checks" in steps:
            suite.checks(j)
        if j:
            j.stop()
        if "writes" in steps:
            suite.disk()
            suite.writes("sqlite")
        if "postgres" in steps:
            suite.writes_postgres()
    except (RuntimeError, OSError) as e:
        failed = str(e)
        suite.note(f"stopped early: {e}")
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    machine["load_end"] = report.loadavg()
    machine["elapsed_s"] = time.time() - started
    text = report.markdown(suite.figs, suite.notes, machine, args)
    print(report.console_table(suite.figs))
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    log(f"wrote {args.out}")
    if args.update_doc:
        report.update_doc(args.update_doc, text)
        log(f"updated the figures block of {args.update_doc}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
