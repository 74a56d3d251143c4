// PgTestServer: a real PostgreSQL (Debian's postgresql package, /usr/lib/postgresql/15/bin) for
// tests, started once per process in a temporary directory, listening on 127.0.0.1 only, and
// stopped at exit. Tests get a fresh database each from CreateDatabase().
//
// initdb and postgres refuse to run as root: when the test runs as root they run as the
// `postgres` system user (or `nobody`) with the directory handed over to it. The server is
// started with PR_SET_PDEATHSIG, so it dies with the test process even after a crash.
#pragma once

#include <sys/types.h>

#include <string>

namespace jitgate::testing {

class PgTestServer {
 public:
  // The process-wide server, started on first use. nullptr when it cannot be started (e.g. the
  // binaries are missing); Error() says why.
  static PgTestServer* Get();
  static const std::string& Error();

  // Creates an empty database with a unique name and returns its postgres:// URL; "" and a
  // message in *error on failure.
  std::string CreateDatabase(std::string* error = nullptr);
  // Drops the database of a URL made by CreateDatabase (forcing out leftover connections).
  void DropDatabase(const std::string& url);

  int port() const { return port_; }
  // postgres://postgres@127.0.0.1:<port>/<db>
  std::string Url(const std::string& db) const;
  // The directory holding data/, the socket and the log.
  const std::string& dir() const { return dir_; }

  // Stops the server (fast shutdown). Called at exit.
  void Stop();

 private:
  PgTestServer() = default;
  bool Start(std::string* error);
  // Runs `sql` on the `postgres` database; false and *error on failure.
  bool Admin(const std::string& sql, std::string* error);

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// True when the suite must fail rather than skip when PostgreSQL is missing (CI=true).
bool PgRequired();

}  // namespace jitgate::testing
