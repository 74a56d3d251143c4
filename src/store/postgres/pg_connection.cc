#include "store/postgres/pg_connection.h"

#include <charconv>
#include <cstring>

namespace jitgate {
namespace {

// The first line of libpq's message, without the trailing newline.
std::string FirstLine(const char* msg) {
  if (msg == nullptr) return "";
  std::string s(msg);
  const size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

std::string ErrorText(const PGresult* r, PGconn* conn) {
  if (r != nullptr) {
    const char* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (m != nullptr) return m;
    const char* full = PQresultErrorMessage(r);
    if (full != nullptr && *full) return FirstLine(full);
  }
  return FirstLine(conn ? PQerrorMessage(conn) : "no connection");
}

// libpq prints server notices (e.g. "terminating connection due to administrator command") to
// stderr by default; errors reach callers as Status values instead.
void IgnoreNotice(void*, const char*) {}

}  // namespace

std::vector<const char*> PgParams::Pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(r_.get());
  int64_t v = 0;
  if (n != nullptr) std::from_chars(n, n + std::strlen(n), v);
  return v;
}

int64_t PgResult::Int(int row, int col) const {
  const char* p = PQgetvalue(r_.get(), row, col);
  int64_t v = 0;
  std::from_chars(p, p + PQgetlength(r_.get(), row, col), v);
  return v;
}

Status PgStatus(const PGresult* r, PGconn* conn, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string detail = std::string(what) + ": " + ErrorText(r, conn);
  if (state == nullptr || (conn != nullptr && PQstatus(conn) == CONNECTION_BAD))
    return Status::Unavailable("the database is unreachable (" + detail + ")");
  const std::string_view s(state);
  if (s == "23505") return Status::Conflict("already in use (" + detail + ")");
  if (s == "23503") return Status::Conflict("refers to an unknown object (" + detail + ")");
  if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03")
    return Status::Unavailable("the database is unreachable (" + detail + ")");
  if (s == "53100") return Status::Unavailable("the database is full (" + detail + ")");
  // Serialization failures, deadlocks, lock and statement timeouts: nothing was changed and a
  // later attempt may succeed.
  if (s == "40001" || s == "40P01" || s == "55P03" || s == "57014")
    return Status::Unavailable("the database is busy (" + detail + ")");
  return Status::Internal(detail);
}

std::string RedactPgUrl(const std::string& url) {
  // URI form: scheme://user:password@host... -> scheme://user:****@host...
  const size_t scheme = url.find("://");
  std::string out = url;
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t at = out.find('@', start);
    const size_t slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "****");
    }
  }
  // password=... as a query parameter or keyword.
  for (size_t p = out.find("password="); p != std::string::npos;
       p = out.find("password=", p + 1)) {
    const size_t v = p + std::strlen("password=");
    size_t end = out.find_first_of("& ", v);
    if (end == std::string::npos) end = out.size();
    out.replace(v, end - v, "****");
  }
  return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                         const PgConnectOptions& options) {
  const std::string timeout = std::to_string(options.connect_timeout_s);
  // Defaults come first so that the URL (expanded from dbname) overrides them.
  const char* keys[] = {"connect_timeout", "keepalives",   "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                        "application_name", "dbname",   nullptr};
  const char* values[] = {timeout.c_str(), "1", "10", "5", "3", "30000", "jitgate", url.c_str(),
                          nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (raw == nullptr) return Status::Unavailable("the database is unreachable (out of memory)");
  std::unique_ptr<PgConnection> c(new PgConnection(raw));
  PQsetNoticeProcessor(raw, IgnoreNotice, nullptr);
  if (PQstatus(raw) != CONNECTION_OK)
    return Status::Unavailable("the database is unreachable (" + FirstLine(PQerrorMessage(raw)) +
                               ")");
  // Commits must be durable whatever the database default; a statement may not run forever;
  // waiting for a lock (the writer lock included) gives up like SQLite's busy timeout, with
  // kUnavailable "busy"; an abandoned transaction must not hold locks.
  RETURN_IF_ERROR(c->Exec(
      "SET synchronous_commit = on; SET statement_timeout = " +
          std::to_string(options.statement_timeout_ms) +
          "; SET lock_timeout = " + std::to_string(options.lock_timeout_ms) +
          "; SET idle_in_transaction_session_timeout = 60000; SET client_min_messages = warning",
      "configure session"));
  return c;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Result<PgResult> PgConnection::Check(PGresult* r, std::string_view what) {
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return PgResult(r);
  Status err = PgStatus(r, conn_, what);
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (tx_error_.ok()) {
    tx_error_ = err;
    tx_retryable_ = state != nullptr && (std::strcmp(state, "40001") == 0 ||
                                         std::strcmp(state, "40P01") == 0);
  }
  // Lost, or told by the server that it is going away (admin shutdown, crash recovery).
  if (state == nullptr || PQstatus(conn_) == CONNECTION_BAD || std::strncmp(state, "08", 2) == 0 ||
      std::strncmp(state, "57P0", 4) == 0)
    broken_ = true;
  PQclear(r);
  return err;
}

Result<PgResult> PgConnection::Query(const std::string& sql, const PgParams& params,
                                     std::string_view what) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "jg" + std::to_string(prepared_.size());
    ASSIGN_OR_RETURN(PgResult prep,
                     Check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), what));
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  const std::vector<const char*> values = params.Pointers();
  return Check(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0),
               what);
}

Result<PgResult> PgConnection::ExecResult(const std::string& sql, std::string_view what) {
  return Check(PQexec(conn_, sql.c_str()), what);
}

Status PgConnection::Exec(const std::string& sql, std::string_view what) {
  auto r = Check(PQexec(conn_, sql.c_str()), what);
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace jitgate
