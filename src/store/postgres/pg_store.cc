#include "store/postgres/pg_store.h"

#include <chrono>
#include <thread>

#include "store/guarded_call.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_tx.h"

namespace jitgate {
namespace {
constexpr size_t kMaxIdle = 16;

// Every Write takes this transaction-scoped advisory lock first ("jg-write" in ASCII), so writers
// are serialised across all connections and all replicas on the database. That is what makes the
// read-then-write steps exact: the active-grant limit (count, then insert), the audit chain (read
// the last hash, then append) and the gapless change-feed seq (MAX + 1). The alternative,
// SERIALIZABLE with retry, would also be exact but makes every concurrent grant creation a likely
// serialization failure (all of them read the same count and the same chain head), so under load
// most attempts would be thrown away and retried; writes are bound by the commit fsync anyway, so
// one writer at a time costs little and never livelocks. Reads never take the lock.
// Writes run at READ COMMITTED on purpose: every statement after the lock takes a fresh snapshot
// and so sees every write committed before the lock was granted (REPEATABLE READ would freeze the
// snapshot at the lock statement itself, i.e. before the previous holder's commit). Only deadlocks
// (40P01) can then make a Write retryable.
// The transaction id is taken at the start so that a COMMIT cut off by a lost connection can be
// looked up afterwards (txid_status) instead of leaving the outcome unknown.
constexpr const char* kBeginWrite =
    "BEGIN; SELECT pg_advisory_xact_lock(7667146881665430629); SELECT txid_current()";
constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url,
                                                           const PgConnectOptions& options) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(url, options));
  ASSIGN_OR_RETURN(auto c, PgConnection::Open(store->url_, store->options_));
  RETURN_IF_ERROR(MigratePostgres(*c));
  store->Give(std::move(c));
  return store;
}

Result<std::unique_ptr<PgConnection>> PostgresStore::Take() {
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return PgConnection::Open(url_, options_);
}

void PostgresStore::Give(std::unique_ptr<PgConnection> c) {
  std::lock_guard lock(pool_mu_);
  if (c->broken()) {
    idle_.clear();
    return;
  }
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(c));
}

Result<std::unique_ptr<PgConnection>> PostgresStore::Begin(const std::string& begin,
                                                            int64_t* value) {
  // A pooled connection may have died since its last use (e.g. the server restarted): then the
  // pool is emptied and the second attempt connects afresh.
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(auto c, Take());
    c->ClearTxError();
    Result<PgResult> r = c->ExecResult(begin, "begin");
    if (r.ok()) {
      if (value != nullptr && r->rows() > 0) *value = r->Int(0, 0);
      return c;
    }
    const bool broken = c->broken();
    if (!broken) (void)c->Exec("ROLLBACK", "roll back");
    Give(std::move(c));
    if (!broken || attempt >= 1) return r.status();
  }
}

Status PostgresStore::Read(const std::function<Status(ReadTx&)>& fn) {
  ASSIGN_OR_RETURN(auto c, Begin(kBeginRead));
  PgTx tx(*c);
  ReadTx& rtx = tx;
  Status st = RunGuarded<ReadTx>(fn, rtx);
  if (st.ok() && !c->tx_error().ok()) st = c->tx_error();
  Status end = c->Exec(st.ok() ? "COMMIT" : "ROLLBACK", "end read");
  Give(std::move(c));
  return st.ok() ? end : st;
}

Status PostgresStore::WriteOnce(PgConnection& c, int64_t xid,
                                const std::function<Status(WriteTx&)>& fn) {
  PgTx tx(c);
  WriteTx& wtx = tx;
  Status st = RunGuarded<WriteTx>(fn, wtx);
  // PostgreSQL aborted the transaction at its first SQL error: that error wins even if fn
  // swallowed it (COMMIT would silently roll back).
  if (!c.tx_error().ok()) st = c.tx_error();
  if (!st.ok()) {
    (void)c.Exec("ROLLBACK", "roll back");
    return st;
  }
  // The notification (delivered to listeners only if and when the transaction commits) goes in
  // the same round trip as the COMMIT; if it fails, the COMMIT after it does not run. With
  // synchronous_commit=on the commit returns after the WAL is flushed: durable.
  const std::string commit_sql =
      tx.last_change_seq() > 0 ? std::string("SELECT pg_notify('") + kPgChangeChannel + "', '" +
                                     std::to_string(tx.last_change_seq()) + "'); COMMIT"
                               : "COMMIT";
  Status commit = c.Exec(commit_sql, "commit");
  if (!commit.ok() && c.broken()) return CommittedAfterAll(xid, commit);
  if (!commit.ok()) {
    (void)c.Exec("ROLLBACK", "roll back");
    if (commit.code() == Code::kUnavailable) return commit;
    return Status::Unavailable("the change could not be committed: " + commit.message());
  }
  return Status::Ok();
}

Status PostgresStore::Write(const std::function<Status(WriteTx&)>& fn) {
  for (int attempt = 1;; ++attempt) {
    int64_t xid = 0;
    ASSIGN_OR_RETURN(auto c, Begin(kBeginWrite, &xid));
    Status st = WriteOnce(*c, xid, fn);
    const bool retry = !st.ok() && c->tx_retryable() && attempt < kMaxWriteAttempts;
    Give(std::move(c));
    if (!retry) return st;
  }
}

Status PostgresStore::CommittedAfterAll(int64_t xid, Status lost) {
  if (xid <= 0) return lost;
  auto c = PgConnection::Open(url_, options_);
  if (!c.ok()) return lost;  // the server is gone: the outcome cannot be known now
  // "in progress" means the server is still finishing that COMMIT: ask again for a moment.
  for (int i = 0; i < 40; ++i) {
    auto r = c.value()->Query("SELECT txid_status($1)", PgParams().Add(xid), "check commit");
    if (!r.ok() || r->rows() == 0) return lost;
    const std::string status = r->Text(0, 0);
    if (status == "committed") {
      Give(std::move(c).value());
      return Status::Ok();
    }
    if (status != "in progress") return lost;  // aborted: nothing was changed
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return lost;
}

Result<int64_t> PostgresStore::QueryInt(const std::string& sql, std::string_view what) {
  // Like Begin: a stale pooled connection gets one fresh retry.
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(auto c, Take());
    c->ClearTxError();
    Result<PgResult> r = c->Query(sql, PgParams(), what);
    const bool broken = c->broken();
    Give(std::move(c));
    if (r.ok()) {
      if (r->rows() == 0) return Status::Internal(std::string(what) + ": no row");
      return r->Int(0, 0);
    }
    if (!broken || attempt >= 1) return r.status();
  }
}

Status PostgresStore::Ping() {
  auto r = QueryInt("SELECT 1", "ping");
  return r.ok() ? Status::Ok() : r.status();
}

Result<Millis> PostgresStore::DatabaseTime() {
  return QueryInt("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint",
                  "read the database clock");
}

Status PostgresStore::WaitForChange(Millis timeout) { return listener_.Wait(timeout); }

}  // namespace jitgate
