#include "pg_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace jitgate::testing {
namespace {

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

// Forks and execs argv as `as`, output appended to `log`. With `tie_to_parent` the child gets
// SIGQUIT (immediate shutdown) if this process dies. Returns the pid, or -1.
pid_t Spawn(const std::vector<std::string>& argv, const RunAs& as, const std::string& log,
            bool tie_to_parent) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, 0);
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

std::mutex g_mu;
PgTestServer* g_server = nullptr;
std::string g_error;
bool g_tried = false;

void StopAtExit() {
  if (g_server != nullptr) g_server->Stop();
}

}  // namespace

bool PgRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

PgTestServer* PgTestServer::Get() {
  std::lock_guard lock(g_mu);
  if (!g_tried) {
    g_tried = true;
    auto* s = new PgTestServer();
    if (s->Start(&g_error)) {
      g_server = s;
      std::atexit(StopAtExit);
    } else {
      s->Stop();
      delete s;
    }
  }
  return g_server;
}

const std::string& PgTestServer::Error() { return g_error; }

std::string PgTestServer::Url(const std::string& db) const {
  return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

bool PgTestServer::Start(std::string* error) {
  const std::string bin = BinDir();
  if (access((bin + "/initdb").c_str(), X_OK) != 0 || access((bin + "/postgres").c_str(), X_OK) != 0) {
    *error = "PostgreSQL binaries not found in " + bin +
             " (install Debian's postgresql package, or set JITGATE_PG_BIN)";
    return false;
  }
  // /tmp rather than $TMPDIR: the unprivileged server user must be able to reach it.
  std::string dir = "/tmp/jg_pg_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    *error = "mkdtemp failed";
    return false;
  }
  dir_ = dir;
  const RunAs as = PickUser();
  if (as.switch_user && chown(dir_.c_str(), as.uid, as.gid) != 0) {
    *error = "cannot hand " + dir_ + " to the postgres user";
    return false;
  }
  const std::string log = dir_ + "/postgres.log";
  const int init_rc = WaitExit(Spawn({bin + "/initdb", "-D", dir_ + "/data", "-U", "postgres",
                                      "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"},
                                     as, log, false));
  if (init_rc != 0) {
    *error = "initdb failed with " + std::to_string(init_rc) + ", see " + log;
    return false;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {  // another process may take the port first
    port_ = FreePort();
    pid_ = Spawn({bin + "/postgres", "-D", dir_ + "/data", "-k", dir_, "-c",
                  "listen_addresses=127.0.0.1", "-p", std::to_string(port_), "-c", "fsync=on",
                  "-c", "max_connections=300"},
                 as, log, true);
    const std::string conninfo =
        "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=postgres user=postgres";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(conninfo.c_str()) == PQPING_OK) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (pid_ > 0) {
      kill(pid_, SIGQUIT);
      WaitExit(pid_);
      pid_ = -1;
    }
  }
  *error = "postgres did not start, see " + log;
  return false;
}

void PgTestServer::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGINT);  // fast shutdown: disconnect clients, checkpoint, exit
    WaitExit(pid_);
    pid_ = -1;
  }
  if (!dir_.empty() && std::getenv("JITGATE_PG_KEEP") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
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
