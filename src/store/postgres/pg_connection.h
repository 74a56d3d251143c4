// PgConnection: one libpq connection with lazily prepared statements, and PgResult, an owning view
// of a query result with typed column helpers. Not thread-safe: a connection is used by one thread
// at a time (the store's pool hands them out).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace jitgate {

// Positional query parameters ($1, $2, ...) in libpq's text format; nullopt is SQL NULL.
class PgParams {
 public:
  PgParams& Add(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
  }
  PgParams& Add(const std::string& v) { return Add(std::string_view(v)); }
  PgParams& Add(const char* v) { return Add(std::string_view(v)); }
  PgParams& Add(int64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  PgParams& Add(int v) { return Add(static_cast<int64_t>(v)); }
  PgParams& Add(size_t v) { return Add(static_cast<int64_t>(v)); }
  PgParams& Add(bool v) {
    values_.emplace_back(v ? "true" : "false");
    return *this;
  }
  PgParams& AddNull() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  template <typename T>
  PgParams& Add(const std::optional<T>& v) {
    return v ? Add(*v) : AddNull();
  }
  size_t size() const { return values_.size(); }
  // Pointers for PQexecPrepared; valid while this object lives unchanged.
  std::vector<const char*> Pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// An owned PGresult of a successful command; columns are read as text and parsed.
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}

  int rows() const { return PQntuples(r_.get()); }
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t affected() const;
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col), PQgetlength(r_.get(), row, col));
  }
  std::optional<std::string> OptText(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Text(row, col);
  }
  int64_t Int(int row, int col) const;
  std::optional<int64_t> OptInt(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Int(row, col);
  }
  // PostgreSQL booleans arrive as "t" / "f".
  bool Bool(int row, int col) const { return PQgetvalue(r_.get(), row, col)[0] == 't'; }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

// Timeouts for every connection (TCP keepalives are added to the URL unless it sets them), so a
// dead or stuck server cannot hang a request forever.
struct PgConnectOptions {
  int connect_timeout_s = 5;
  int statement_timeout_ms = 30'000;
  int lock_timeout_ms = 5'000;  // bounds the wait for the writer lock, like SQLite's busy timeout
};

// One libpq connection.
class PgConnection {
 public:
  // Connects to `url` (passed to libpq as is) and applies the session settings.
  // kUnavailable "the database is unreachable (...)" when it cannot connect; the message never
  // contains the URL.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url,
                                                    const PgConnectOptions& options = {});
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` (prepared once per connection, then reused) with `params`.
  // Errors are mapped by PgStatus; `what` says what was being done.
  Result<PgResult> Query(const std::string& sql, const PgParams& params, std::string_view what);
  // Runs one or more statements without parameters (simple query protocol).
  Status Exec(const std::string& sql, std::string_view what);
  // Like Exec, returning the result of the last statement.
  Result<PgResult> ExecResult(const std::string& sql, std::string_view what);

  // True when the connection is lost; the store drops such connections and makes new ones.
  bool broken() const { return PQstatus(conn_) == CONNECTION_BAD || broken_; }
  // The first error since the last ClearTxError(), OK when none. PostgreSQL aborts a
  // transaction at its first error, so a Write must fail with that error whatever fn returns.
  const Status& tx_error() const { return tx_error_; }
  // True when the first error was a serialization failure or deadlock (40001 / 40P01): the
  // whole transaction may be retried.
  bool tx_retryable() const { return tx_retryable_; }
  void ClearTxError() {
    tx_error_ = Status::Ok();
    tx_retryable_ = false;
  }
  PGconn* raw() const { return conn_; }

 private:
  explicit PgConnection(PGconn* c) : conn_(c) {}
  // Checks a result; records the first failure of the transaction.
  Result<PgResult> Check(PGresult* r, std::string_view what);

  PGconn* conn_;
  bool broken_ = false;
  Status tx_error_;
  bool tx_retryable_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

// Maps a failed libpq result (or a NULL result on a lost connection) to a typed Status:
// 23505/23503 -> kConflict; connection loss, 08xxx, 57P01-57P03 -> kUnavailable "the database is
// unreachable"; 53100 -> kUnavailable "the database is full"; 40001/40P01/55P03/57014 ->
// kUnavailable "the database is busy"; anything else -> kInternal.
Status PgStatus(const PGresult* r, PGconn* conn, std::string_view what);

// `url` with any password replaced by "****", for messages and logs.
std::string RedactPgUrl(const std::string& url);

}  // namespace jitgate
