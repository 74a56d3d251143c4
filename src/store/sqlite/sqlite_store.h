// SqliteStore: the embedded single-machine store. One writer connection (writes are serialised by
// a mutex and run as BEGIN IMMEDIATE transactions) and a pool of reader connections (WAL lets
// them read a consistent snapshot beside the writer).
#pragma once

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

  // Runs `PRAGMA integrity_check`: OK when it answers "ok", else kInternal with its report.
  Status IntegrityCheck();

 private:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  Result<std::unique_ptr<SqliteConnection>> TakeReader();
  void ReturnReader(std::unique_ptr<SqliteConnection> c);

  const std::string path_;
  std::mutex write_mu_;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
};

}  // namespace jitgate
