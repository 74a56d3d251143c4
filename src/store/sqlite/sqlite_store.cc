#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "store/guarded_call.h"
#include "store/sqlite/sqlite_migrations.h"
#include "store/sqlite/sqlite_tx.h"

namespace jitgate {
namespace {
constexpr size_t kMaxIdleReaders = 16;
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
  Writer w{&fn};
  std::unique_lock lock(queue_mu_);
  queue_.push_back(&w);
  while (!w.done && queue_.front() != &w) w.cv.wait(lock);
  if (w.done) return w.status;  // a leader ran this fn in its batch
  // This caller leads: it takes the head of the queue (itself first). Writers arriving meanwhile
  // queue up behind and form the next batch.
  const size_t n = std::min(queue_.size(), kMaxBatch);
  const std::vector<Writer*> batch(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
  lock.unlock();
  RunBatch(batch);
  lock.lock();
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
  // Each waiter returns only once it holds queue_mu_ again, so its Writer outlives the notify.
  for (Writer* x : batch) {
    x->done = true;
    if (x != &w) x->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next leader
  return w.status;
}

bool SqliteStore::RunInSavepoint(Writer& w) {
  if (Status st = writer_->Exec("SAVEPOINT jg_write"); !st.ok()) {
    w.status = st;
    return false;
  }
  SqliteTx tx(*writer_);
  WriteTx& wtx = tx;
  w.status = RunGuarded<WriteTx>(*w.fn, wtx);
  // Some errors (I/O, disk full) make SQLite roll back the whole transaction by itself.
  if (sqlite3_get_autocommit(writer_->db())) {
    if (w.status.ok()) w.status = Status::Unavailable("the transaction was rolled back");
    return false;
  }
  const Status end =
      writer_->Exec(w.status.ok() ? "RELEASE jg_write" : "ROLLBACK TO jg_write; RELEASE jg_write");
  if (!end.ok()) {
    if (w.status.ok()) w.status = end;
    return false;
  }
  return true;
}

void SqliteStore::RunBatch(const std::vector<Writer*>& batch) {
  std::lock_guard lock(write_mu_);
  if (Status begin = writer_->Exec("BEGIN IMMEDIATE"); !begin.ok()) {
    for (Writer* w : batch) w->status = begin;
    return;
  }
  bool any_ok = false;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (RunInSavepoint(*batch[i])) {
      any_ok = any_ok || batch[i]->status.ok();
      continue;
    }
    // The transaction is lost: nothing of this batch may count as written.
    if (!sqlite3_get_autocommit(writer_->db())) (void)writer_->Exec("ROLLBACK");
    const Status lost =
        Status::Unavailable("the change could not be written: " + batch[i]->status.message());
    for (size_t j = 0; j < batch.size(); ++j)
      if (j != i && (j > i || batch[j]->status.ok())) batch[j]->status = lost;
    return;
  }
  if (!any_ok) {
    (void)writer_->Exec("ROLLBACK");
    return;
  }
  // With synchronous=FULL the commit returns after the WAL is fsynced: durable.
  Status commit = writer_->Exec("COMMIT");
  if (commit.ok()) commits_.fetch_add(1, std::memory_order_relaxed);
  if (!commit.ok()) {
    if (!sqlite3_get_autocommit(writer_->db())) (void)writer_->Exec("ROLLBACK");
    if (commit.code() != Code::kUnavailable)
      commit = Status::Unavailable("the change could not be committed: " + commit.message());
    for (Writer* w : batch)
      if (w->status.ok()) w->status = commit;
  }
}

size_t SqliteStore::queued_writes() {
  std::lock_guard lock(queue_mu_);
  return queue_.size();
}

void SqliteStore::FailNextCommitsForTesting(int n) {
  std::lock_guard lock(write_mu_);
  commits_to_fail_.store(n);
  // A non-zero return from the hook turns the COMMIT into a ROLLBACK.
  sqlite3_commit_hook(
      writer_->db(),
      [](void* self) -> int {
        auto& left = static_cast<SqliteStore*>(self)->commits_to_fail_;
        return left.load() > 0 && left.fetch_sub(1) > 0 ? 1 : 0;
      },
      this);
}

Status SqliteStore::WaitForChange(Millis timeout) {
  std::this_thread::sleep_for(std::chrono::milliseconds(timeout));
  return Status::Ok();
}

Result<Millis> SqliteStore::DatabaseTime() { return SystemClock().Now(); }

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
