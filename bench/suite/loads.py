"""Load generators: wrk (HTTP), pgbench (SQL) and Google Benchmark (in-process), each bounded in
time, each returning plain numbers parsed from its output."""

import json
import os
import re
import subprocess
from typing import NamedTuple, Optional

LUA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lua")


def wrk(url, script, env, threads, conns, duration_s):
    """Runs wrk for duration_s; returns the script's JGRESULT numbers plus rps and ok_rps.

    ok_rps counts only 2xx/3xx answers (wrk's status errors are >= 400). Latencies in microseconds.
    """
    full_env = dict(os.environ, JG_LUA_DIR=LUA_DIR, **env)
    argv = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration_s}s", "--timeout", "5s",
            "-s", os.path.join(LUA_DIR, script), url]
    r = subprocess.run(argv, capture_output=True, text=True, env=full_env,
                       timeout=duration_s + 60)
    m = re.search(r"^JGRESULT (\{.*\})$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed ({r.returncode}): {r.stderr.strip()[-400:]} {r.stdout[-400:]}")
    res = json.loads(m.group(1))
    secs = res["duration_us"] / 1e6
    errors = res["connect_errors"] + res["read_errors"] + res["write_errors"] + res["timeouts"]
    res["rps"] = res["requests"] / secs
    res["ok_rps"] = (res["requests"] - res["status_errors"]) / secs
    res["socket_errors"] = errors
    return res


def pgbench(port, script, variables, clients, duration_s, db="postgres"):
    """Runs pgbench -M prepared over TCP; returns {"tps", "latency_ms"} (transactions = queries)."""
    argv = ["pgbench", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-n", "-M", "prepared",
            f"-c{clients}", f"-j{clients}", f"-T{duration_s}", "-f", script]
    for k, v in variables.items():
        argv += ["-D", f"{k}={v}"]
    r = subprocess.run(argv + [db], capture_output=True, text=True, timeout=duration_s + 60)
    tps = re.search(r"^tps = ([\d.]+) \(without initial connection time\)", r.stdout, re.M)
    lat = re.search(r"^latency average = ([\d.]+) ms", r.stdout, re.M)
    failed = re.search(r"number of failed transactions: (\d+)", r.stdout)
    if r.returncode != 0 or not tps:
        raise RuntimeError(f"pgbench failed ({r.returncode}): {r.stderr.strip()[-400:]}")
    if failed and int(failed.group(1)):
        raise RuntimeError(f"pgbench: {failed.group(1)} failed transactions")
    return {"tps": float(tps.group(1)), "latency_ms": float(lat.group(1)) if lat else None}


_UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class GbenchRun(NamedTuple):
    """One repetition of one benchmark; items_per_second is None unless it sets items processed."""
    real_ns: float
    cpu_ns: float
    items_per_second: Optional[float]


def google_benchmark(binary, repetitions, out_json, filter_regex=None):
    """Runs every benchmark of binary `repetitions` times; returns {run_name: [GbenchRun]}.

    Raises RuntimeError if the binary fails. Each repetition is one entry (not the aggregates).
    """
    argv = [binary, f"--benchmark_repetitions={repetitions}", f"--benchmark_out={out_json}",
            "--benchmark_out_format=json"]
    if filter_regex:
        argv.append(f"--benchmark_filter={filter_regex}")
    r = subprocess.run(argv, capture_output=True, text=True, timeout=1200)
    if r.returncode != 0:
        raise RuntimeError(f"{binary} failed ({r.returncode}): {r.stderr.strip()[-400:]}")
    with open(out_json) as f:
        data = json.load(f)
    runs = {}
    for b in data["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        k = _UNIT_NS[b.get("time_unit", "ns")]
        runs.setdefault(b["run_name"], []).append(
            GbenchRun(b["real_time"] * k, b["cpu_time"] * k, b.get("items_per_second")))
    return runs
