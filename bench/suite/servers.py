"""The servers under test: jitgate, the nginx baseline and PostgreSQL, each in a temp dir on a
free loopback port, all started through one Procs so they are stopped at the end."""

import json
import os
import shutil
import subprocess
import time

from procs import free_port, tail


class Jitgate:
    """`jitgate init` + `jitgate serve` on a store URL."""

    def __init__(self, procs, binary, workdir, name):
        self.procs, self.binary, self.name = procs, binary, name
        self.log = os.path.join(workdir, f"{name}.log")
        self.proc = self.port = None
        self.admin = None  # {"userId", "apiKey", ...} from init --json

    def init(self, db_url):
        """Creates the schema and the admin; raises RuntimeError with jitgate's message on failure."""
        r = subprocess.run([self.binary, "init", "--db", db_url, "--admin-email", "bench@example.com",
                            "--json"], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError((r.stderr or r.stdout).strip())
        self.admin = json.loads(r.stdout)
        self.db_url = db_url

    def serve(self, *flags, timeout_s=120, prefix=()):
        """Starts serve (under `prefix`, e.g. a profiler, if given) and waits for /readyz 200;
        returns the seconds from exec to ready."""
        self.port = free_port()
        t0 = time.monotonic()
        self.proc = self.procs.start(
            [*prefix, self.binary, "serve", "--db", self.db_url, "--listen", f"127.0.0.1:{self.port}",
             "--log-level", "warn", *flags], self.log)
        self.procs.wait_ready(self.proc, self.port, "/readyz", timeout_s, self.log)
        return time.monotonic() - t0

    def stop(self):
        if self.proc:
            self.procs.stop(self.proc)
            self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def key(self):
        return self.admin["apiKey"]


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 75s;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port} reuseport;
    location / {{
      default_type "application/json; charset=utf-8";
      return 200 '{body}';
    }}
  }}
}}
"""


def padded_json(size):
    """A JSON object shaped like a check answer, exactly `size` bytes long."""
    base = '{"allowed":false,"role":null,"sources":[],"validUntil":null,"pad":""}'
    return base[:-2] + "x" * max(0, size - len(base)) + '"}'


class Nginx:
    """nginx answering a fixed 200 JSON body on every path, keep-alive, one worker per core."""

    def __init__(self, procs, workdir):
        self.procs = procs
        self.dir = os.path.join(workdir, "nginx")
        os.makedirs(self.dir, exist_ok=True)
        self.proc = self.port = None

    def start(self, body_size):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(workers=os.cpu_count() or 1, dir=self.dir, port=self.port,
                                      body=padded_json(body_size)))
        log = os.path.join(self.dir, "stdout.log")
        # -e: the start-up error log too goes to the temp dir, not /var/log/nginx.
        self.proc = self.procs.start([binary, "-p", self.dir, "-c", conf, "-e",
                                      os.path.join(self.dir, "error.log")], log)
        self.procs.wait_ready(self.proc, self.port, "/", 20, os.path.join(self.dir, "error.log"))

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


class Postgres:
    """A throw-away PostgreSQL cluster run as the `postgres` user (initdb refuses root)."""

    def __init__(self, procs, workdir):
        self.procs = procs
        self.dir = os.path.join(workdir, "pg")
        self.proc = self.port = None

    def _as_postgres(self, argv):
        return argv if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *argv]

    def start(self):
        bindir = _pg_bindir()
        os.makedirs(self.dir, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(os.path.dirname(self.dir), 0o755)
        data = os.path.join(self.dir, "data")
        r = subprocess.run(self._as_postgres([f"{bindir}/initdb", "-D", data, "-U", "postgres",
                                              "--auth=trust", "-E", "UTF8", "--no-sync"]),
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"initdb: {r.stderr.strip()}")
        self.port = free_port()
        log = os.path.join(self.dir, "postgres.log")
        self.proc = self.procs.start(self._as_postgres(
            [f"{bindir}/postgres", "-D", data, "-c", "listen_addresses=127.0.0.1",
             "-c", f"port={self.port}", "-c", f"unix_socket_directories={self.dir}",
             "-c", "shared_buffers=256MB", "-c", "max_connections=50"]), log)
        deadline = time.monotonic() + 60
        while subprocess.run([f"{bindir}/pg_isready", "-h", "127.0.0.1", "-p", str(self.port)],
                             capture_output=True).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"postgres did not start: {tail(log)}")
            time.sleep(0.1)

    def psql(self, sql, db="postgres"):
        """Runs sql with psql (stop on the first error); returns its stdout."""
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                            "-d", db, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(f"psql: {r.stderr.strip()}")
        return r.stdout

    def url(self, db):
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"


def _pg_bindir():
    root = "/usr/lib/postgresql"
    versions = sorted(os.listdir(root), key=lambda v: int(v) if v.isdigit() else 0) \
        if os.path.isdir(root) else []
    if not versions:
        raise RuntimeError("PostgreSQL server binaries not found (make deps-bench)")
    return os.path.join(root, versions[-1], "bin")
