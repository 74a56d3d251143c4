// The backends the conformance suite runs against: one factory and one INSTANTIATE line each.
// A new backend (e.g. PostgreSQL) adds its factory here and nothing else in the suite.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "conformance.h"

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

std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, ::testing::Values(SqliteBackend()), BackendName);

}  // namespace jitgate::testing
