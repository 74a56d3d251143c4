#include "pg_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace jitgate::testing {
namespace {

using std::chrono::steady_clock;
constexpr auto kSharedIdle = std::chrono::seconds(10);  // watchdog stops the server after this

std::string BinDir() {
  const char* env = std::getenv("JITGATE_PG_BIN");
  return env && *env ? env : "/usr/lib/postgresql/15/bin";
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

// Who runs initdb and postgres: ourselves, or (as root, which they refuse) an unprivileged user.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

RunAs PickUser() {
  RunAs r;
  if (geteuid() != 0) return r;
  for (const char* name : {"postgres", "nobody"}) {
    if (const passwd* pw = getpwnam(name)) {
      r.switch_user = true;
      r.uid = pw->pw_uid;
      r.gid = pw->pw_gid;
      return r;
    }
  }
  return r;
}

// In a forked child: output to `log`, stdin from /dev/null, no other inherited descriptors.
void RedirectChild(const std::string& log) {
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, 0);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
  }
  for (int i = 3; i < 1024; ++i) close(i);
}

// Forks and execs argv as `as`, output appended to `log`. With `tie_to_parent` the child gets
// SIGQUIT (immediate shutdown) if its parent dies. Returns the pid, or -1.
pid_t Spawn(const std::vector<std::string>& argv, const RunAs& as, const std::string& log,
            bool tie_to_parent) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  RedirectChild(log);
  if (as.switch_user && (setgroups(0, nullptr) != 0 || setgid(as.gid) != 0 || setuid(as.uid) != 0))
    _exit(126);
  // Set after setuid: changing credentials clears the parent-death signal.
  if (tie_to_parent && (prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || getppid() != parent)) _exit(125);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int WaitExit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Conninfo(int port) {
  return "host=127.0.0.1 port=" + std::to_string(port) +
         " dbname=postgres user=postgres connect_timeout=3";
}

bool WaitReady(int port, pid_t pid) {
  const auto deadline = steady_clock::now() + std::chrono::seconds(30);
  while (steady_clock::now() < deadline) {
    if (PQping(Conninfo(port).c_str()) == PQPING_OK) return true;
    if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::vector<std::string> PostgresArgs(const std::string& data, const std::string& sock, int port) {
  return {BinDir() + "/postgres", "-D", data, "-k", sock, "-c", "listen_addresses=127.0.0.1",
          "-p", std::to_string(port), "-c", "fsync=on", "-c", "max_connections=300"};
}

// initdb into `data` (inside `dir`, which is handed to the server user first).
bool InitDb(const std::string& dir, const std::string& data, std::string* error) {
  if (!PgInstalled()) {
    *error = "PostgreSQL binaries not found in " + BinDir() +
             " (install Debian's postgresql package, or set JITGATE_PG_BIN)";
    return false;
  }
  const RunAs as = PickUser();
  if (as.switch_user && chown(dir.c_str(), as.uid, as.gid) != 0) {
    *error = "cannot hand " + dir + " to the postgres user";
    return false;
  }
  const std::string log = dir + "/postgres.log";
  const int rc = WaitExit(Spawn({BinDir() + "/initdb", "-D", data, "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"},
                                as, log, false));
  if (rc != 0) *error = "initdb failed with " + std::to_string(rc) + ", see " + log;
  return rc == 0;
}

// ---- the shared server ----

std::string SharedDir() { return "/tmp/jg_pg_shared_" + std::to_string(geteuid()); }

int OpenLock(const std::string& path) { return open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); }

// The watchdog: owns the postmaster; stops it and removes its data once the users lock has been
// free for kSharedIdle (or when the server died). Runs in its own session; never returns.
[[noreturn]] void Watchdog(const std::string& dir, const std::string& data, int port) {
  setsid();
  RedirectChild(dir + "/watchdog.log");
  const pid_t pg = Spawn(PostgresArgs(data, dir, port), PickUser(), dir + "/postgres.log", true);
  const int start_fd = OpenLock(dir + "/start.lock");
  const int users_fd = OpenLock(dir + "/users.lock");
  std::optional<steady_clock::time_point> free_since;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    flock(start_fd, LOCK_EX);
    const bool died = waitpid(pg, nullptr, WNOHANG) == pg;
    bool stop = died;
    if (!died && flock(users_fd, LOCK_EX | LOCK_NB) == 0) {
      if (!free_since) free_since = steady_clock::now();
      stop = steady_clock::now() - *free_since >= kSharedIdle;
      if (!stop) flock(users_fd, LOCK_UN);
    } else {
      free_since.reset();
    }
    if (stop) {
      if (!died) {
        kill(pg, SIGINT);
        WaitExit(pg);
      }
      std::error_code ec;
      std::filesystem::remove(dir + "/port", ec);
      std::filesystem::remove_all(data, ec);
      _exit(0);  // exiting releases both locks
    }
    flock(start_fd, LOCK_UN);
  }
}

// Joins the shared server or starts it; holds the users lock for the rest of the process.
bool JoinShared(PgTestServer* s, int* port, std::string* error) {
  const std::string dir = SharedDir();
  mkdir(dir.c_str(), 0755);
  const int start_fd = OpenLock(dir + "/start.lock");
  if (start_fd < 0 || flock(start_fd, LOCK_EX) != 0) {
    *error = "cannot lock " + dir + "/start.lock";
    return false;
  }
  bool ok = false;
  {
    std::ifstream in(dir + "/port");
    if (in >> *port) ok = PQping(Conninfo(*port).c_str()) == PQPING_OK;
  }
  if (!ok) {
    // A new data directory each time, so a dying old server never shares one with a new one.
    const std::string data = dir + "/data-" + std::to_string(getpid());
    ok = InitDb(dir, data, error);
    if (ok) {
      *port = FreePort();
      const pid_t wd = fork();
      if (wd == 0) Watchdog(dir, data, *port);
      ok = wd > 0 && WaitReady(*port, -1);
      if (ok) std::ofstream(dir + "/port") << *port << "\n";
      else *error = "postgres did not start, see " + dir + "/postgres.log";
      if (wd > 0) waitpid(wd, nullptr, WNOHANG);
    }
  }
  if (ok) {
    // Held (never closed) until this process exits: the watchdog waits for it to be free.
    const int users_fd = OpenLock(dir + "/users.lock");
    ok = users_fd >= 0 && flock(users_fd, LOCK_SH) == 0;
  }
  flock(start_fd, LOCK_UN);
  close(start_fd);
  return ok;
}

std::mutex g_mu;
PgTestServer* g_shared = nullptr;
std::string g_error;
bool g_tried = false;

}  // namespace

bool PgRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

bool PgInstalled() {
  return access((BinDir() + "/initdb").c_str(), X_OK) == 0 &&
         access((BinDir() + "/postgres").c_str(), X_OK) == 0;
}

PgTestServer* PgTestServer::Shared() {
  std::lock_guard lock(g_mu);
  if (!g_tried) {
    g_tried = true;
    auto* s = new PgTestServer();  // lives until exit, like the lock it holds
    s->shared_ = true;
    if (JoinShared(s, &s->port_, &g_error))
      g_shared = s;
    else
      delete s;
  }
  return g_shared;
}

const std::string& PgTestServer::Error() { return g_error; }

std::unique_ptr<PgTestServer> PgTestServer::StartPrivate(std::string* error) {
  std::string dir = "/tmp/jg_pg_XXXXXX";  // not $TMPDIR: the server user must reach it
  if (mkdtemp(dir.data()) == nullptr) {
    *error = "mkdtemp failed";
    return nullptr;
  }
  std::unique_ptr<PgTestServer> s(new PgTestServer());
  s->dir_ = dir;
  s->data_ = dir + "/data";
  if (!InitDb(dir, s->data_, error)) return nullptr;
  s->port_ = FreePort();
  if (!s->Restart(error)) return nullptr;
  return s;
}

PgTestServer::~PgTestServer() {
  if (shared_) return;
  Stop();
  if (!dir_.empty() && std::getenv("JITGATE_PG_KEEP") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

bool PgTestServer::Restart(std::string* error) {
  if (shared_) return false;
  Stop();
  pid_ = Spawn(PostgresArgs(data_, dir_, port_), PickUser(), dir_ + "/postgres.log", true);
  if (WaitReady(port_, pid_)) return true;
  *error = "postgres did not start, see " + dir_ + "/postgres.log";
  Stop();
  return false;
}

void PgTestServer::Stop() {
  if (shared_ || pid_ <= 0) return;
  kill(pid_, SIGINT);  // fast shutdown: disconnect clients, checkpoint, exit
  WaitExit(pid_);
  pid_ = -1;
}

std::string PgTestServer::Url(const std::string& db) const {
  return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

bool PgTestServer::Admin(const std::string& sql, std::string* error) {
  PGconn* c = PQconnectdb(Url("postgres").c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  if (ok) {
    PGresult* r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok && error) *error = PQresultErrorMessage(r);
    PQclear(r);
  } else if (error) {
    *error = PQerrorMessage(c);
  }
  PQfinish(c);
  return ok;
}

std::string PgTestServer::CreateDatabase(std::string* error) {
  static std::atomic<int> next{0};
  const std::string name = "jg_" + std::to_string(getpid()) + "_" + std::to_string(++next);
  std::string err;
  if (!Admin("CREATE DATABASE " + name, &err)) {
    if (error) *error = "CREATE DATABASE failed: " + err;
    return "";
  }
  return Url(name);
}

void PgTestServer::DropDatabase(const std::string& url) {
  const size_t slash = url.rfind('/');
  if (slash == std::string::npos) return;
  (void)Admin("DROP DATABASE IF EXISTS " + url.substr(slash + 1) + " WITH (FORCE)", nullptr);
}

}  // namespace jitgate::testing
