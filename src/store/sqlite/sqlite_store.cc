#include "store/sqlite/sqlite_store.h"

#include <chrono>
#include <exception>
#include <thread>

#include "store/sqlite/sqlite_migrations.h"
#include "store/sqlite/sqlite_tx.h"

namespace jitgate {
namespace {
constexpr size_t kMaxIdleReaders = 16;

// Runs fn, turning an escaping exception into kInternal so the transaction is always ended
// (an exception must not leave the shared writer inside an open transaction).
template <typename Tx>
Status RunGuarded(const std::function<Status(Tx&)>& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("exception inside a store transaction: ") + e.what());
  } catch (...) {
    return Status::Internal("exception inside a store transaction");
  }
}
}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  std::unique_ptr<SqliteStore> store(new SqliteStore(path));
  ASSIGN_OR_RETURN(store->writer_, SqliteConnection::Open(path));
  RETURN_IF_ERROR(MigrateSqlite(*store->writer_));
  return store;
}

Result<std::unique_ptr<SqliteConnection>> SqliteStore::TakeReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      auto c = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return c;
    }
  }
  return SqliteConnection::Open(path_);
}

void SqliteStore::ReturnReader(std::unique_ptr<SqliteConnection> c) {
  std::lock_guard lock(readers_mu_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(c));
}

Status SqliteStore::Read(const std::function<Status(ReadTx&)>& fn) {
  ASSIGN_OR_RETURN(auto c, TakeReader());
  RETURN_IF_ERROR(c->Exec("BEGIN"));
  SqliteTx tx(*c);
  ReadTx& rtx = tx;
  Status st = RunGuarded<ReadTx>(fn, rtx);
  Status end = c->Exec(st.ok() ? "COMMIT" : "ROLLBACK");
  if (end.ok()) ReturnReader(std::move(c));
  return st.ok() ? end : st;
}

Status SqliteStore::Write(const std::function<Status(WriteTx&)>& fn) {
  std::lock_guard lock(write_mu_);
  RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
  SqliteTx tx(*writer_);
  WriteTx& wtx = tx;
  Status st = RunGuarded<WriteTx>(fn, wtx);
  if (!st.ok()) {
    (void)writer_->Exec("ROLLBACK");
    return st;
  }
  // With synchronous=FULL the commit returns after the WAL is fsynced: durable.
  Status commit = writer_->Exec("COMMIT");
  if (!commit.ok()) {
    (void)writer_->Exec("ROLLBACK");
    if (commit.code() == Code::kUnavailable) return commit;
    return Status::Unavailable("the change could not be committed: " + commit.message());
  }
  return Status::Ok();
}

Status SqliteStore::WaitForChange(Millis timeout) {
  std::this_thread::sleep_for(std::chrono::milliseconds(timeout));
  return Status::Ok();
}

Result<Millis> SqliteStore::DatabaseTime() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Status SqliteStore::Ping() {
  return Read([](ReadTx& tx) -> Status {
    auto n = tx.CountEnabledRoleManagers();
    return n.ok() ? Status::Ok() : n.status();
  });
}

Status SqliteStore::IntegrityCheck() {
  std::lock_guard lock(write_mu_);
  ASSIGN_OR_RETURN(Stmt s, writer_->Prepare("PRAGMA integrity_check"));
  if (s.Step() != SQLITE_ROW) return Status::Internal("integrity_check returned nothing");
  const std::string result = s.Text(0);
  if (result != "ok") return Status::Internal("integrity_check: " + result);
  return Status::Ok();
}

}  // namespace jitgate
