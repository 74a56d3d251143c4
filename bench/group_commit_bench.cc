// Durable writes per second through SqliteStore::Write with 1 and 16 threads: each write is one
// user insert plus its audit event, committed with synchronous=FULL (fsync at every COMMIT).
// Without group commit 16 threads cannot beat 1 (every Write waits for its own fsync); with it,
// concurrent writes share a commit.
// Run (the database goes to $TMPDIR or /tmp, which must be a real disk for the figure to mean
// anything): build/release/bench/group_commit_bench --benchmark_repetitions=3
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>

#include "store/sqlite/sqlite_store.h"

namespace jitgate {
namespace {

std::unique_ptr<SqliteStore> g_store;
std::string g_dir;
std::atomic<int> g_next{0};

void BM_DurableWrite(benchmark::State& state) {
  if (state.thread_index() == 0) {
    const char* tmp = std::getenv("TMPDIR");
    g_dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/jg_group_commit_XXXXXX";
    if (mkdtemp(g_dir.data()) == nullptr) state.SkipWithError("mkdtemp failed");
    auto opened = SqliteStore::Open(g_dir + "/bench.db");
    if (!opened.ok())
      state.SkipWithError(opened.status().message().c_str());
    else
      g_store = std::move(opened).value();
  }
  for (auto _ : state) {
    const int n = g_next.fetch_add(1);
    User u;
    u.id = "00000000-0000-4000-8000-" + std::to_string(100000000000 + n);
    u.email = "user" + std::to_string(n) + "@example.com";
    u.name = "bench";
    AuditEvent ev;
    ev.type = "user.created";
    ev.target_id = u.id;
    Status st = g_store->Write([&](WriteTx& tx) -> Status {
      RETURN_IF_ERROR(tx.InsertUser(u));
      return tx.AppendAudit(ev);
    });
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());  // summed over threads: durable writes/s
  if (state.thread_index() == 0) {
    g_store.reset();
    std::filesystem::remove_all(g_dir);
  }
}

BENCHMARK(BM_DurableWrite)->Threads(1)->Threads(16)->UseRealTime()->MinTime(3.0);

}  // namespace
}  // namespace jitgate

BENCHMARK_MAIN();
