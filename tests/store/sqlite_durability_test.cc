// SQLite durability: a child process writes in a loop and reports every acknowledged write through
// a pipe; it is SIGKILLed at a random moment. After reopening, every acknowledged write must be
// there, the audit chain intact, and the file must pass integrity_check.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "conformance.h"
#include "core/audit_chain.h"
#include "sqlite_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace jitgate::testing {
namespace {

// The child: opens its own store and writes grant+audit pairs numbered from `first`, writing each
// number to `fd` only after Write returned OK. Never returns.
[[noreturn]] void WriteUntilKilled(const std::string& path, int first, int fd) {
  auto store = SqliteStore::Open(path);
  if (!store.ok()) _exit(2);
  for (int n = first;; ++n) {
    Status st = store.value()->Write([&](WriteTx& tx) -> Status {
      RETURN_IF_ERROR(tx.InsertGrant(MakeGrant(n, {Id(1), Id(2)}, {Id(3)}, n, n + 1000)));
      AuditEvent ev = MakeEvent("jit.granted", n, Id(1), Id(n));
      return tx.AppendAudit(ev);
    });
    if (!st.ok()) _exit(3);
    if (write(fd, &n, sizeof n) != sizeof n) _exit(4);
  }
}

// Forks the writer, kills it after `delay`, and returns the numbers it acknowledged.
std::vector<int> RunAndKill(const std::string& path, int first, std::chrono::milliseconds delay) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    WriteUntilKilled(path, first, fds[1]);
  }
  close(fds[1]);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child exited early, status " << status;
  std::vector<int> acked;
  int n;
  while (read(fds[0], &n, sizeof n) == sizeof n) acked.push_back(n);
  close(fds[0]);
  return acked;
}

TEST(SqliteDurability, EveryAcknowledgedWriteSurvivesSigkill) {
  TempDir dir;
  const std::string path = dir.File("crash.db");
  ASSERT_OK(SqliteStore::Open(path));  // create and migrate before the first crash
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(150, 700);
  std::set<int> acked_all;
  int next = 1;
  for (int round = 0; round < 4; ++round) {
    const std::vector<int> acked = RunAndKill(path, next, std::chrono::milliseconds(delay_ms(rng)));
    ASSERT_FALSE(acked.empty()) << "round " << round << ": the child acknowledged nothing";
    acked_all.insert(acked.begin(), acked.end());
    next = acked.back() + 1000;  // past anything the child may have written unacknowledged

    auto reopened = SqliteStore::Open(path);
    ASSERT_OK(reopened);
    SqliteStore& store = *reopened.value();
    ASSERT_OK(store.IntegrityCheck());
    ASSERT_OK(store.Read([&](ReadTx& tx) -> Status {
      for (int n : acked_all) {
        auto g = tx.GetGrant(Id(n));
        EXPECT_TRUE(g.ok()) << "acknowledged grant " << n << " lost in round " << round;
        if (g.ok()) {
          EXPECT_EQ(g->user_ids, (std::vector<std::string>{Id(1), Id(2)}));
        }
      }
      // The audit chain survived whole: contiguous seqs, every hash recomputes.
      std::string prev = kAuditGenesisHash;
      int64_t expect_seq = 1;
      int64_t events = 0;
      RETURN_IF_ERROR(tx.ForEachAudit(0, [&](const AuditEvent& e) {
        EXPECT_EQ(e.seq, expect_seq++);
        EXPECT_EQ(e.hash, AuditChainHash(prev, e)) << "seq " << e.seq;
        prev = e.hash;
        ++events;
        return true;
      }));
      EXPECT_GE(events, static_cast<int64_t>(acked_all.size()));
      return Status::Ok();
    }));
    std::printf("[ durability ] round %d: %zu writes acknowledged before SIGKILL, all present\n",
                round, acked.size());
  }
}

}  // namespace
}  // namespace jitgate::testing
