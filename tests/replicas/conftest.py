"""Fixtures for the multi-replica suite: one real PostgreSQL (tests/pg/pg_harness.py) and several
`jitgate serve` replicas on one database, spoken to over real HTTP with tests/api's client."""

import importlib.util
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pg"))
import pg_harness  # noqa: E402


def _load_api_support():
    # tests/api/conftest.py holds the HTTP client and the server wrapper; loaded under another
    # name so it does not clash with this conftest.
    spec = importlib.util.spec_from_file_location("jg_api_support",
                                                  os.path.join(HERE, "..", "api", "conftest.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


api = _load_api_support()


class Replica(api.Server):
    """A jitgate replica on a given database URL; `admin_info` reuses an already initialised one."""

    def __init__(self, workdir, db_url, admin_info=None, args=(), env=None):
        self._db_url = db_url
        self._given_admin = admin_info
        super().__init__(workdir, args=args, env=env)

    def _init(self):
        self.db = self._db_url
        return self._given_admin or super()._init()

    def client(self, **kw):
        return api.Client(self.port, key=self.admin_info["apiKey"], **kw)


@pytest.fixture(scope="session")
def pg():
    pg_harness.require_pg()
    server = pg_harness.PgServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def replicas(pg, tmp_path):
    """Returns start(n, args=()) -> [Replica]: n replicas on one fresh database (stopped at the end)."""
    started = []

    def start(n=2, args=(), db_url=None, env=None):
        url = db_url or pg.create_database()
        first = Replica(str(tmp_path / "r0"), url, args=args, env=env)
        group = [first]
        for i in range(1, n):
            os.makedirs(tmp_path / f"r{i}", exist_ok=True)
            group.append(Replica(str(tmp_path / f"r{i}"), url, first.admin_info, args=args, env=env))
        for r in group:
            r.start()
            started.append(r)
        return group

    os.makedirs(tmp_path / "r0", exist_ok=True)
    yield start
    for r in started:
        try:
            r.stop()
        except AssertionError:
            pass
