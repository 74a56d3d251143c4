"""A real PostgreSQL for tests, from Debian's postgresql package (/usr/lib/postgresql/15/bin).

    with PgServer() as pg:                 # initdb into a temp dir, start on 127.0.0.1:<free port>
        url = pg.create_database()         # postgres://postgres@127.0.0.1:<port>/<fresh db>
        pg.stop()                          # fault tests: stop PostgreSQL ...
        pg.start()                         # ... and start it again on the same data and port

or the session fixture `pg_server` (import it into a conftest.py). The server only ever listens on
127.0.0.1. initdb and postgres refuse to run as root: as root they run as the `postgres` system
user (or `nobody`) with the directory handed over to it. The server gets PR_SET_PDEATHSIG, so it
dies with the Python process even if teardown never runs.

When the binaries are missing: under CI=true `require_pg()` fails the test; otherwise it skips.
"""

import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

PG_BIN = os.environ.get("JITGATE_PG_BIN", "/usr/lib/postgresql/15/bin")
START_TIMEOUT_S = 30.0


def pg_installed():
    """True when initdb, postgres and psql are there."""
    return all(os.access(os.path.join(PG_BIN, b), os.X_OK) for b in ("initdb", "postgres", "psql"))


def pg_required():
    """Under CI=true a missing PostgreSQL is a failure, not a skip."""
    return os.environ.get("CI") == "true"


def require_pg():
    """Skips (or, under CI=true, fails) the calling test when PostgreSQL is not installed."""
    import pytest  # only needed here, so the module also works outside pytest
    if pg_installed():
        return
    msg = f"PostgreSQL binaries not found in {PG_BIN} (install Debian's postgresql package)"
    if pg_required():
        pytest.fail(msg)
    pytest.skip(msg)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as():
    """(uid, gid) to run PostgreSQL as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
            return pw.pw_uid, pw.pw_gid
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


def _die_with_parent():
    """preexec_fn: SIGQUIT (immediate shutdown) when the Python process dies."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGQUIT)


class PgServer:
    """One PostgreSQL cluster in its own temp directory; restartable on the same data and port."""

    def __init__(self, port=None):
        self.dir = None
        self.data = None
        self.port = port
        self.proc = None
        self._log = None
        self._dbs = 0

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self):
        """initdb on first start, then starts postgres and waits until it accepts connections."""
        if not pg_installed():
            raise RuntimeError(f"PostgreSQL binaries not found in {PG_BIN}")
        if self.dir is None:
            self._initdb()
        if self.running():
            return self
        last = None
        for _ in range(3):  # another process may take the free port between probe and bind
            self.port = self.port or _free_port()
            self._spawn()
            last = self._wait_ready()
            if last is None:
                return self
            self._kill(signal.SIGQUIT)
            self.port = None
        raise RuntimeError(f"postgres did not start: {last}\n{self.log_tail()}")

    def stop(self, mode="fast"):
        """Stops the server: "fast" (SIGINT: disconnect clients, checkpoint) or "immediate"
        (SIGQUIT: like a crash; recovery on the next start). The data stays for start()."""
        self._kill(signal.SIGQUIT if mode == "immediate" else signal.SIGINT)

    def restart(self, mode="fast"):
        self.stop(mode)
        return self.start()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        """Stops the server and removes its directory."""
        self.stop()
        if self.dir and not os.environ.get("JITGATE_PG_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    # --- databases ---------------------------------------------------------------------------

    def url(self, db="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def psql(self, sql, db="postgres", check=True):
        """Runs SQL with psql; returns its stdout (unaligned, tuples only)."""
        r = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t", "-v",
                            "ON_ERROR_STOP=1", "-d", self.url(db), "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError(f"psql failed ({r.returncode}): {r.stderr.strip()}")
        return r.stdout

    def create_database(self, name=None):
        """Creates an empty database; returns its postgres:// URL."""
        self._dbs += 1
        name = name or f"jg_{os.getpid()}_{self._dbs}_{uuid.uuid4().hex[:6]}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url):
        self.psql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)", check=False)

    def log_tail(self, n=4000):
        try:
            with open(os.path.join(self.dir, "postgres.log"), "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""

    # --- internals ---------------------------------------------------------------------------

    def _owner_kwargs(self):
        ids = _run_as()
        return {} if ids is None else {"user": ids[0], "group": ids[1], "extra_groups": []}

    def _initdb(self):
        # /tmp rather than $TMPDIR: the unprivileged server user must be able to reach it.
        self.dir = tempfile.mkdtemp(prefix="jg_pg_", dir="/tmp")
        self.data = os.path.join(self.dir, "data")
        ids = _run_as()
        if ids is not None:
            os.chown(self.dir, ids[0], ids[1])
        r = subprocess.run([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U", "postgres",
                            "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
                           capture_output=True, text=True, timeout=120, **self._owner_kwargs())
        if r.returncode != 0:
            raise RuntimeError(f"initdb failed ({r.returncode}): {r.stdout}\n{r.stderr}")

    def _spawn(self):
        self._log = open(os.path.join(self.dir, "postgres.log"), "ab")
        self.proc = subprocess.Popen(
            [os.path.join(PG_BIN, "postgres"), "-D", self.data, "-k", self.dir,
             "-c", "listen_addresses=127.0.0.1", "-p", str(self.port), "-c", "fsync=on",
             "-c", "max_connections=300"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent, **self._owner_kwargs())

    def _wait_ready(self):
        deadline = time.time() + START_TIMEOUT_S
        err = "timeout"
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return f"exited with {self.proc.returncode}"
            r = subprocess.run([os.path.join(PG_BIN, "pg_isready"), "-q", "-h", "127.0.0.1",
                                "-p", str(self.port), "-t", "2"], timeout=10)
            if r.returncode == 0:
                return None
            err = f"pg_isready {r.returncode}"
            time.sleep(0.05)
        return err

    def _kill(self, sig):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None


try:
    import pytest

    @pytest.fixture(scope="session")
    def pg_server():
        """One PostgreSQL for the whole pytest session (skips or, under CI=true, fails without
        the binaries). Tests take a fresh database each with pg_server.create_database()."""
        require_pg()
        with PgServer() as pg:
            yield pg
except ImportError:  # used as a plain module
    pass
