// PostgresStore: the shared store several jitgate replicas use at once. A small pool of libpq
// connections serves Read (REPEATABLE READ READ ONLY snapshots) and Write (one transaction that
// first takes a database-wide advisory lock, so writers are serialised across processes), and
// one dedicated connection LISTENs for the change notifications other replicas send.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_listener.h"
#include "store/store.h"

namespace jitgate {

class PostgresStore final : public Store {
 public:
  // Connects to `url` (a libpq URI, passed as is), applies pending migrations and returns the
  // store. kUnavailable when the database cannot be reached; messages never contain the URL's
  // password.
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url,
                                                     const PgConnectOptions& options = {});

  Status Read(const std::function<Status(ReadTx&)>& fn) override;
  // Retries fn (at most kMaxWriteAttempts times in all) on serialization failures and deadlocks.
  Status Write(const std::function<Status(WriteTx&)>& fn) override;
  // SELECT 1 on a pooled connection.
  Status Ping() override;
  // The server's clock_timestamp() in ms, so all replicas judge expiry by one clock.
  Result<Millis> DatabaseTime() override;
  // Waits for a NOTIFY on the jitgate_changes channel (see pg_listener.h).
  Status WaitForChange(Millis timeout) override;
  StoreFeatures features() const override { return StoreFeatures{true}; }

  static constexpr int kMaxWriteAttempts = 5;

 private:
  PostgresStore(std::string url, PgConnectOptions options)
      : url_(std::move(url)), options_(options), listener_(url_, options_) {}
  // An idle pooled connection, or a new one.
  Result<std::unique_ptr<PgConnection>> Take();
  // Returns a healthy connection to the pool; drops a broken one (and, since a server restart
  // breaks them all, every idle one too, so the next call connects afresh).
  void Give(std::unique_ptr<PgConnection> c);
  // Starts a transaction with `begin` on a pooled connection, replacing a stale one once. When
  // `begin` ends in a query returning one number, it is stored in *value.
  Result<std::unique_ptr<PgConnection>> Begin(const std::string& begin, int64_t* value = nullptr);
  // Runs one parameterless query outside any transaction, with one fresh retry on a stale
  // pooled connection; returns the first column of the first row.
  Result<int64_t> QueryInt(const std::string& sql, std::string_view what);
  // One attempt of a Write on `c`, whose transaction has id `xid`.
  Status WriteOnce(PgConnection& c, int64_t xid, const std::function<Status(WriteTx&)>& fn);
  // After the connection was lost during COMMIT: OK when transaction `xid` did commit after all
  // (asked on a new connection), else `lost`.
  Status CommittedAfterAll(int64_t xid, Status lost);

  const std::string url_;
  const PgConnectOptions options_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  PgListener listener_;
};

}  // namespace jitgate
