// PgTestServer: a real PostgreSQL (Debian's postgresql package, /usr/lib/postgresql/15/bin) for
// tests, listening on 127.0.0.1 only. Tests get a fresh database each from CreateDatabase().
//
// Two flavours:
//  - Shared() is one server shared by every test process of this user: ctest runs each gtest
//    case as its own process, and an initdb per process would cost seconds each. The first
//    process creates it in /tmp/jg_pg_shared_<uid>; a small watchdog process (which owns the
//    server) stops it and removes its data once no test process has used it for ~10 s. Users
//    hold a shared flock for their lifetime, so the watchdog never stops it under a test.
//  - StartPrivate() is a server of one's own, for tests that stop and restart PostgreSQL.
//
// initdb and postgres refuse to run as root: as root they run as the `postgres` system user (or
// `nobody`) with the directory handed over to it. Servers get PR_SET_PDEATHSIG, so they die with
// their owner (the watchdog, or the test process for a private one) even after a crash.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace jitgate::testing {

class PgTestServer {
 public:
  // The shared server, started (or joined) on first use. nullptr when it cannot be started
  // (e.g. the binaries are missing); Error() says why.
  static PgTestServer* Shared();
  static const std::string& Error();
  // A server of one's own in a new temporary directory; nullptr and *error on failure.
  static std::unique_ptr<PgTestServer> StartPrivate(std::string* error);
  ~PgTestServer();

  // Creates an empty database with a unique name and returns its postgres:// URL; "" and a
  // message in *error on failure.
  std::string CreateDatabase(std::string* error = nullptr);
  // Drops the database of a URL made by CreateDatabase (forcing out leftover connections).
  void DropDatabase(const std::string& url);

  int port() const { return port_; }
  // postgres://postgres@127.0.0.1:<port>/<db>
  std::string Url(const std::string& db) const;

  // Private servers only: stops it (fast shutdown) / starts it again on the same data and port.
  void Stop();
  bool Restart(std::string* error);

 private:
  PgTestServer() = default;
  // Runs `sql` on the `postgres` database; false and *error on failure.
  bool Admin(const std::string& sql, std::string* error);

  bool shared_ = false;
  std::string dir_;   // holds data/, the socket and postgres.log
  std::string data_;  // the data directory
  int port_ = 0;
  pid_t pid_ = -1;  // private servers: the postmaster
};

// True when the suite must fail rather than skip when PostgreSQL is missing (CI=true).
bool PgRequired();
// True when the PostgreSQL binaries are installed (or JITGATE_PG_BIN names them).
bool PgInstalled();

}  // namespace jitgate::testing
