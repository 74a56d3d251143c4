#include "store/sqlite/sqlite_connection.h"

namespace jitgate {

Status SqliteStatus(int rc, sqlite3* db, std::string_view what) {
  const int primary = rc & 0xff;
  if (primary == SQLITE_OK || primary == SQLITE_DONE || primary == SQLITE_ROW) return Status::Ok();
  const std::string detail =
      std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (primary) {
    case SQLITE_CONSTRAINT:
      // Uniqueness and references are the caller's business (kConflict); any other broken
      // constraint (NOT NULL, CHECK) means a bug in the store.
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return Status::Conflict("already in use (" + detail + ")");
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return Status::Conflict("refers to an unknown object (" + detail + ")");
      return Status::Internal(detail);
    case SQLITE_FULL:
      return Status::Unavailable("the database is full (" + detail + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("the database is busy (" + detail + ")");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
      return Status::Unavailable("the database cannot be written (" + detail + ")");
    default:
      return Status::Internal(detail);
  }
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st = Status::Unavailable("cannot open " + path + ": " +
                                    (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return st;
  }
  std::unique_ptr<SqliteConnection> c(new SqliteConnection(db));
  sqlite3_extended_result_codes(db, 1);
  // WAL lets readers run beside the writer; synchronous=FULL makes every commit durable before
  // it returns (the WAL is fsynced at each commit).
  RETURN_IF_ERROR(
      c->Exec("PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
              "PRAGMA foreign_keys=ON;"));
  return c;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [_, s] : cache_) sqlite3_finalize(s);
  sqlite3_close_v2(db_);
}

Result<Stmt> SqliteConnection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(it->second);
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "prepare");
  cache_.emplace(sql, s);
  return Stmt(s);
}

Status SqliteConnection::Exec(const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  return SqliteStatus(rc, db_, "exec");
}

Status SqliteConnection::Run(Stmt& stmt, std::string_view what) {
  const int rc = stmt.Step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  return SqliteStatus(rc, db_, what);
}

}  // namespace jitgate
