// SqliteStore: the embedded single-machine store. One writer connection and a pool of reader
// connections (WAL lets them read a consistent snapshot beside the writer).
// Writes use group commit: concurrent Write calls queue up, and whichever caller finds no batch
// running leads the next one: it runs up to kMaxBatch queued fns in one BEGIN IMMEDIATE ... COMMIT
// (one fsync for all), each fn inside its own SAVEPOINT so that a failing fn rolls back only its
// own changes. Every caller is answered after its batch's COMMIT returned (durable, with
// synchronous=FULL); when the COMMIT fails, every fn of the batch gets the error.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_connection.h"
#include "store/store.h"

namespace jitgate {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and applies pending migrations.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);

  Status Read(const std::function<Status(ReadTx&)>& fn) override;
  Status Write(const std::function<Status(WriteTx&)>& fn) override;
  Status Ping() override;
  // One process owns the file, so there is nothing to wait for: sleeps for `timeout`.
  Status WaitForChange(Millis timeout) override;
  // The host's clock: the file lives on this machine.
  Result<Millis> DatabaseTime() override;
  StoreFeatures features() const override { return StoreFeatures{}; }

  // The most fns one commit carries.
  static constexpr size_t kMaxBatch = 64;

  // Commits made so far (one per batch that wrote something). Thread-safe.
  uint64_t commit_count() const { return commits_.load(std::memory_order_relaxed); }
  // Write calls waiting or running right now. Thread-safe; for tests that need a full queue.
  size_t queued_writes();
  // Tests only: the next `n` COMMITs fail (SQLite turns them into rollbacks).
  void FailNextCommitsForTesting(int n);

  // Runs `PRAGMA integrity_check`: OK when it answers "ok", else kInternal with its report.
  Status IntegrityCheck();

 private:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  Result<std::unique_ptr<SqliteConnection>> TakeReader();
  void ReturnReader(std::unique_ptr<SqliteConnection> c);

  // One Write call waiting in the queue; lives on the caller's stack.
  struct Writer {
    const std::function<Status(WriteTx&)>* fn;
    Status status;
    bool done = false;  // guarded by queue_mu_
    std::condition_variable cv;
  };
  // Runs `batch` in one transaction and sets every writer's status. Called by the leader only.
  void RunBatch(const std::vector<Writer*>& batch);
  // Runs one writer's fn inside a savepoint of the open transaction. Returns false when the
  // transaction itself is gone (SQLite rolled it back, or a savepoint statement failed).
  bool RunInSavepoint(Writer& w);

  const std::string path_;
  std::mutex queue_mu_;
  std::deque<Writer*> queue_;  // waiting writers, oldest first; the front one leads
  std::mutex write_mu_;        // the writer connection
  std::atomic<uint64_t> commits_{0};
  std::atomic<int> commits_to_fail_{0};
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
};

}  // namespace jitgate
