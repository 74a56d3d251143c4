// The backends the conformance suite runs against: one factory and one INSTANTIATE line each.
// A new backend (e.g. PostgreSQL) adds its factory here and nothing else in the suite.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "conformance.h"
#include "pg_test_server.h"

namespace jitgate::testing {
namespace {

// A fresh directory per test, so each test gets its own database file (plus -wal and -shm).
StoreBackend SqliteBackend() {
  StoreBackend b;
  b.name = "Sqlite";
  b.create_database = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/jg_store_test_XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) return std::string("sqlite:/nonexistent/mkdtemp-failed/db");
    return "sqlite:" + dir + "/jitgate.db";
  };
  b.drop_database = [](const std::string& url) {
    const std::filesystem::path file = url.substr(std::string("sqlite:").size());
    std::error_code ec;
    std::filesystem::remove_all(file.parent_path(), ec);
  };
  // SQLite honours every category.
  return b;
}

// A fresh database per test on the PostgreSQL server shared by the test processes (see
// pg_test_server.h). PostgreSQL honours every category.
StoreBackend PostgresBackend() {
  StoreBackend b;
  b.name = "Postgres";
  b.create_database = [] {
    PgTestServer* server = PgTestServer::Shared();
    if (server == nullptr) {
      ADD_FAILURE() << "PostgreSQL is required here but unavailable: " << PgTestServer::Error();
      return std::string("postgres://127.0.0.1:1/unavailable");
    }
    std::string error;
    std::string url = server->CreateDatabase(&error);
    if (url.empty()) ADD_FAILURE() << error;
    return url;
  };
  b.drop_database = [](const std::string& url) {
    if (PgTestServer* server = PgTestServer::Shared()) server->DropDatabase(url);
  };
  return b;
}

// The PostgreSQL instantiation exists when its binaries are installed, or always under CI=true
// (where a missing PostgreSQL must fail the suite, not skip it).
std::vector<StoreBackend> PostgresBackends() {
  if (!PgRequired() && !PgInstalled()) return {};
  return {PostgresBackend()};
}

std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance, ::testing::ValuesIn(PostgresBackends()),
                         BackendName);

}  // namespace jitgate::testing
