// SQLite-only behaviour: OpenStore URL parsing, pragmas, migrations bookkeeping, error mapping,
// integrity check, and a locked database reported as kUnavailable.
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include "conformance.h"
#include "sqlite_test_util.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_migrations.h"

namespace jitgate::testing {
namespace {

// Runs `sql` on a raw connection and returns the first column of the first row ("" if none).
std::string QueryOne(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW) {
    auto p = sqlite3_column_text(s, 0);
    if (p) out = reinterpret_cast<const char*>(p);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

TEST(OpenStore, RejectsUnknownSchemesAndEmptyPaths) {
  EXPECT_CODE(OpenStore("mysql://localhost/db"), kInvalidArgument);
  EXPECT_CODE(OpenStore("sqlite:"), kInvalidArgument);
  EXPECT_CODE(OpenStore(""), kInvalidArgument);
}

TEST(OpenStore, UnopenablePathIsUnavailable) {
  EXPECT_CODE(OpenStore("sqlite:/nonexistent-dir/for/sure/jitgate.db"), kUnavailable);
}

TEST(OpenStore, SqliteUrlOpensAMigratedStore) {
  TempDir dir;
  auto store = OpenStore("sqlite:" + dir.File("a.db"));
  ASSERT_OK(store);
  ASSERT_OK(store.value()->Ping());
  EXPECT_FALSE(store.value()->features().shared_between_processes);
}

TEST(SqliteStore, UsesWalAndRecordsEveryMigrationOnce) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  for (int i = 0; i < 3; ++i) ASSERT_OK(SqliteStore::Open(path));
  EXPECT_EQ(QueryOne(path, "PRAGMA journal_mode"), "wal");
  const auto& migrations = SqliteMigrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(QueryOne(path, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(migrations.size()));
  EXPECT_EQ(QueryOne(path, "SELECT MAX(version) FROM schema_migrations"),
            std::to_string(migrations.back().version));
}

TEST(SqliteStore, MigrationVersionsAreStrictlyIncreasing) {
  int last = 0;
  for (const Migration& m : SqliteMigrations()) {
    EXPECT_GT(m.version, last);
    last = m.version;
  }
}

TEST(SqliteStore, IntegrityCheckPassesOnAFreshDatabase) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("a.db"));
  ASSERT_OK(store);
  ASSERT_OK(store.value()->IntegrityCheck());
}

TEST(SqliteStore, LockedDatabaseMakesWriteUnavailableAndChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  auto opened = SqliteStore::Open(path);
  ASSERT_OK(opened);
  SqliteStore& store = *opened.value();
  // Another process (here: a raw connection) holds the write lock past the busy timeout.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Status st =
      store.Write([](WriteTx& tx) { return tx.InsertUser(MakeUser(1, "ada@example.com")); });
  EXPECT_EQ(st.code(), Code::kUnavailable) << st.message();
  // Reads still work beside the locked writer (WAL).
  ASSERT_OK(store.Ping());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  Status get = store.Read([](ReadTx& tx) { return tx.GetUser(Id(1)).status(); });
  EXPECT_EQ(get.code(), Code::kNotFound);
  // And the store recovers once the lock is gone.
  ASSERT_OK(store.Write([](WriteTx& tx) { return tx.InsertUser(MakeUser(1, "ada@example.com")); }));
}

TEST(SqliteStore, ExceptionInsideWriteRollsBackAndLeavesTheStoreUsable) {
  TempDir dir;
  auto opened = SqliteStore::Open(dir.File("a.db"));
  ASSERT_OK(opened);
  SqliteStore& store = *opened.value();
  Status st = store.Write([](WriteTx& tx) -> Status {
    (void)tx.InsertUser(MakeUser(1, "ada@example.com"));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(st.code(), Code::kInternal);
  EXPECT_EQ(store.Read([](ReadTx& tx) { return tx.GetUser(Id(1)).status(); }).code(),
            Code::kNotFound);
  ASSERT_OK(store.Write([](WriteTx& tx) { return tx.InsertUser(MakeUser(2, "bob@example.com")); }));
}

TEST(SqliteStatusMapping, MapsDriverCodesToStoreCodes) {
  EXPECT_EQ(SqliteStatus(SQLITE_OK, nullptr, "x").code(), Code::kOk);
  EXPECT_EQ(SqliteStatus(SQLITE_DONE, nullptr, "x").code(), Code::kOk);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_UNIQUE, nullptr, "x").code(), Code::kConflict);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_PRIMARYKEY, nullptr, "x").code(), Code::kConflict);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_FOREIGNKEY, nullptr, "x").code(), Code::kConflict);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_NOTNULL, nullptr, "x").code(), Code::kInternal);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY, nullptr, "x").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_LOCKED, nullptr, "x").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_IOERR_FSYNC, nullptr, "x").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_CANTOPEN, nullptr, "x").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_CORRUPT, nullptr, "x").code(), Code::kInternal);
  const Status full = SqliteStatus(SQLITE_FULL, nullptr, "commit");
  EXPECT_EQ(full.code(), Code::kUnavailable);
  EXPECT_NE(full.message().find("database is full"), std::string::npos) << full.message();
}

}  // namespace
}  // namespace jitgate::testing
