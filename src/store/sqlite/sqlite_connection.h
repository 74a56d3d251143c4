// SqliteConnection: one sqlite3 handle with a cache of prepared statements, and Stmt, a reset-on-
// destruction view of a cached statement with typed bind/column helpers. Not thread-safe: a
// connection is used by one thread at a time (the store hands them out).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace jitgate {

// Maps an SQLite result code to a Status; `what` says what was being done.
Status SqliteStatus(int rc, sqlite3* db, std::string_view what);

// A borrowed cached statement: the connection owns it; destruction resets it for the next use.
// Bind* return *this for chaining; indexes are 1-based, columns 0-based.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() {
    if (s_) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt(const Stmt&) = delete;

  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, bool v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindNull(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }

  // Steps once: SQLITE_ROW or SQLITE_DONE, anything else is an error code.
  int Step() { return sqlite3_step(s_); }

  std::string Text(int col) const {
    auto p = sqlite3_column_text(s_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(s_, col))
             : std::string();
  }
  std::optional<std::string> OptText(int col) const {
    if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::nullopt;
    return Text(col);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  std::optional<int64_t> OptInt(int col) const {
    if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::nullopt;
    return Int(col);
  }

 private:
  sqlite3_stmt* s_;
};

// One sqlite3 handle and its prepared-statement cache (hot statements are prepared once).
class SqliteConnection {
 public:
  // Opens `path` (created if missing) and applies the durability pragmas (WAL, synchronous=FULL,
  // foreign keys, busy timeout). kUnavailable when the file cannot be opened.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path);
  ~SqliteConnection();

  // A cached prepared statement for `sql`; kInternal on an SQL error.
  Result<Stmt> Prepare(const std::string& sql);
  // Runs one or more statements without results.
  Status Exec(const std::string& sql);
  // Runs a statement expecting SQLITE_DONE.
  Status Run(Stmt& stmt, std::string_view what);
  sqlite3* db() const { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace jitgate
