"""Fixtures for the hostile-client suite: real `jitgate` processes attacked over loopback.

The server helpers (Server, Client, assert_error, ...) are the API suite's: tests/api/conftest.py
is loaded under another module name so both suites can run in one pytest session.
"""

import importlib.util
import os
import resource
import socket
import tempfile
import time

import pytest

_API_CONFTEST = os.path.join(os.path.dirname(__file__), "..", "api", "conftest.py")
_spec = importlib.util.spec_from_file_location("jitgate_api_conftest", _API_CONFTEST)
api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api)

Server = api.Server
Client = api.Client
assert_error = api.assert_error
uniq = api.uniq
server_factory = api.server_factory  # the fixture, re-exported for this suite


def raise_fd_limit(needed):
    """Raises this process's soft RLIMIT_NOFILE towards the hard limit; fails if `needed` won't fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = hard if hard != resource.RLIM_INFINITY else needed
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    assert soft >= needed, f"need {needed} open files, the hard limit is {hard}"


# ----------------------------------------------------------------------------- raw sockets

class Raw:
    """What came back on one raw connection: the bytes, and how the connection ended."""

    def __init__(self, data, ended):
        self.data = data
        self.ended = ended  # "eof", "reset" or "timeout"

    def responses(self):
        """(status, head text, body bytes) of every response in `data`, in order."""
        out = []
        rest = self.data
        while rest.startswith(b"HTTP/"):
            head, sep, rest = rest.partition(b"\r\n\r\n")
            if not sep:
                break
            lines = head.split(b"\r\n")
            status = int(lines[0].split()[1])
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            body = b""
            if status >= 200:
                body, rest = rest[:length], rest[length:]
            out.append((status, head.decode("latin-1"), body))
        return out

    def statuses(self):
        """The status codes of every response in `data`, in order."""
        return [r[0] for r in self.responses()]

    def heads(self):
        """The response heads (status line and headers) as text, in order."""
        return [r[1] for r in self.responses()]

    def __repr__(self):
        return f"<Raw ended={self.ended} {self.data[:300]!r}>"


def send_raw(port, data, shut_wr=False, timeout=5.0, chunks=None):
    """Sends `data` (or each of `chunks`) on a fresh connection and reads until the server closes
    it or `timeout` seconds pass without a byte."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        for part in (chunks if chunks is not None else [data]):
            try:
                s.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server closed on what it already read; read its answer
        if shut_wr:
            s.shutdown(socket.SHUT_WR)
        return read_all(s, timeout)
    finally:
        s.close()


def read_all(s, timeout):
    s.settimeout(timeout)
    data = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                return Raw(data, "eof")
            data += b
    except socket.timeout:
        return Raw(data, "timeout")
    except ConnectionResetError:
        return Raw(data, "reset")


def assert_still_serving(server, admin=None, check=None):
    """The process is alive and a normal client is served: /healthz and, if given, an access check."""
    assert server.proc.poll() is None, f"server died ({server.proc.returncode}):\n{server.log_tail()}"
    r = server.client(timeout=10).get("/healthz")
    assert r.status == 200, r
    if admin is not None and check is not None:
        res = admin.check(*check)
        assert res["allowed"] is True, res


@pytest.fixture(scope="module")
def hostile_server():
    """One server per module with short timeouts so abandoned requests end quickly."""
    with tempfile.TemporaryDirectory(prefix="jitgate-hostile-") as d:
        s = Server(d, args=["--read-timeout", "2", "--idle-timeout", "5"])
        s.start()
        yield s
        rc = s.stop()
        assert rc == 0, f"server exited {rc} on SIGTERM:\n{s.log_tail()}"


@pytest.fixture(scope="module")
def granted(hostile_server):
    """(admin client, (userId, poolId)) where the user has access to the pool by a JIT grant."""
    admin = hostile_server.admin(keepalive=True)
    pool = admin.create_pool()
    user = admin.create_user()
    admin.create_grant([pool["id"]], [user["id"]])
    return admin, (user["id"], pool["id"])


def wait_until(predicate, timeout, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
