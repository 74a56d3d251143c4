"""Child processes of the suite: started in their own process group, all stopped at the end.

Every process is registered in one Procs; `stop_all` (called from run.py's finally, which also
runs on SIGINT/SIGTERM/SIGHUP) terminates each group, then kills what is left after 5 s.
"""

import http.client
import os
import signal
import socket
import subprocess
import time


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(port, path, timeout=2.0):
    """The status of GET http://127.0.0.1:port/path, or None if it could not be had."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", path)
        status = c.getresponse().status
        c.close()
        return status
    except OSError:
        return None


class Procs:
    """The suite's children. Not thread-safe: used from the main thread only."""

    def __init__(self):
        self._procs = []

    def start(self, argv, log_path, env=None):
        """Starts argv with stdout+stderr to log_path; raises if it cannot be started."""
        log = open(log_path, "ab")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, start_new_session=True)
        log.close()
        self._procs.append(p)
        return p

    def wait_ready(self, p, port, path, timeout_s, log_path):
        """Polls GET path every 5 ms until it answers 200. Returns the seconds since `started`.

        Raises RuntimeError (with the log's tail) if the process exits or the timeout passes.
        """
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if p.poll() is not None:
                raise RuntimeError(f"{p.args[0]} exited with {p.returncode}: {tail(log_path)}")
            if http_status(port, path, timeout=0.5) == 200:
                return
            time.sleep(0.005)
        raise RuntimeError(f"{p.args[0]} not ready on port {port} after {timeout_s}s: {tail(log_path)}")

    def stop(self, p, grace_s=5.0):
        """SIGTERM to p's process group, SIGKILL after grace_s; returns p's exit code."""
        if p.poll() is None:
            _signal_group(p, signal.SIGTERM)
            try:
                p.wait(grace_s)
            except subprocess.TimeoutExpired:
                _signal_group(p, signal.SIGKILL)
                p.wait()
        if p in self._procs:
            self._procs.remove(p)
        return p.returncode

    def stop_all(self):
        for p in list(reversed(self._procs)):
            self.stop(p)


def _signal_group(p, sig):
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass


def tail(path, n=600):
    try:
        with open(path, "rb") as f:
            return f.read()[-n:].decode(errors="replace")
    except OSError:
        return ""


def vm_rss_mb(pid):
    """The resident set size of pid in MB of 10^6 bytes (VmRSS is in KiB), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return None
