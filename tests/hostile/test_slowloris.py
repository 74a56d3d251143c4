"""Slowloris: 500 clients trickle header bytes while a normal client's access checks stay fast; the
read timeout then closes every slow client and the server still serves."""

import contextlib
import resource
import selectors
import socket
import threading
import time

from conftest import assert_still_serving, raise_fd_limit

SLOW_CLIENTS = 500
READ_TIMEOUT_S = 6
CHECKS = 500
CHECK_PAUSE_S = 0.005
P99_BOUND_MS = 50.0  # the bound; a check normally takes well under 1 ms


@contextlib.contextmanager
def low_soft_fd_limit(soft):
    """Children started inside inherit a soft RLIMIT_NOFILE of `soft` (the hard limit unchanged)."""
    old = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, old[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, old)


def proc_fd_limits(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return soft, hard
    raise AssertionError("no open files line in /proc/pid/limits")


class Trickler:
    """SLOW_CLIENTS connections that send a request line, then one header byte every `interval`
    seconds, never finishing; records when the server closes each."""

    def __init__(self, port, n, interval=0.2):
        self.interval = interval
        self.socks = []
        self.started = {}  # socket -> time its first byte was sent
        self.closed = {}   # socket -> time the server closed it
        self.sel = selectors.DefaultSelector()
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            self.started[s] = time.monotonic()
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ)
            self.socks.append(s)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        next_byte = time.monotonic()
        while not self.stop.is_set() and len(self.closed) < len(self.socks):
            for key, _ in self.sel.select(timeout=0.05):
                self._mark_closed(key.fileobj)
            if time.monotonic() >= next_byte:
                next_byte += self.interval
                for s in self.socks:
                    if s not in self.closed:
                        try:
                            s.send(b"a")
                        except OSError:
                            self._mark_closed(s)

    def _mark_closed(self, s):
        if s in self.closed:
            return
        try:
            data = s.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        assert data == b"", f"a slow client got an answer: {data[:200]!r}"
        self.closed[s] = time.monotonic()
        self.sel.unregister(s)

    def close(self):
        self.stop.set()
        self.thread.join(10)
        for s in self.socks:
            s.close()


def test_slowloris(server_factory):
    raise_fd_limit(SLOW_CLIENTS * 2 + 200)
    # Started with a soft limit of 256 open files: the server must raise it itself to hold 500+.
    with low_soft_fd_limit(256):
        server = server_factory(args=["--read-timeout", str(READ_TIMEOUT_S), "--idle-timeout", "60"])
    soft, hard = proc_fd_limits(server.proc.pid)
    assert soft == hard, f"server kept a soft open-files limit of {soft} (hard {hard})"
    assert f"open files limit {soft}" in server.log_tail(), server.log_tail()

    admin = server.admin(keepalive=True)
    pool = admin.create_pool()
    user = admin.create_user()
    admin.create_grant([pool["id"]], [user["id"]])
    assert admin.check(user["id"], pool["id"])["allowed"] is True  # connection now kept alive

    slow = Trickler(server.port, SLOW_CLIENTS)
    try:
        opened = time.monotonic()
        latencies = []
        for _ in range(CHECKS):
            t0 = time.perf_counter()
            res = admin.check(user["id"], pool["id"])
            latencies.append((time.perf_counter() - t0) * 1000)
            assert res["allowed"] is True
            time.sleep(CHECK_PAUSE_S)  # spread the checks over many trickle rounds
        during = time.monotonic() - opened
        assert not slow.closed, f"{len(slow.closed)} slow clients closed before the checks ended"
        latencies.sort()
        p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]
        print(f"\n{CHECKS} checks beside {SLOW_CLIENTS} slow clients in {during:.2f}s: "
              f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms")
        assert p99 < P99_BOUND_MS, f"p99 {p99:.1f} ms with {SLOW_CLIENTS} slow clients"

        # Every slow client is closed by the read timeout: not before it, and not much after.
        slow.thread.join(READ_TIMEOUT_S + 20)
        assert len(slow.closed) == SLOW_CLIENTS, \
            f"{SLOW_CLIENTS - len(slow.closed)} slow clients still open {READ_TIMEOUT_S + 20}s later"
        lived = sorted(slow.closed[s] - slow.started[s] for s in slow.socks)
        print(f"slow clients closed after {lived[0]:.2f}..{lived[-1]:.2f}s (--read-timeout {READ_TIMEOUT_S})")
        assert lived[0] >= READ_TIMEOUT_S - 0.5, f"a slow client was closed after {lived[0]:.2f}s"
        assert lived[-1] <= READ_TIMEOUT_S + 10, f"a slow client lived {lived[-1]:.2f}s"
    finally:
        slow.close()
    assert admin.check(user["id"], pool["id"])["allowed"] is True
    assert_still_serving(server)
    admin.close()
