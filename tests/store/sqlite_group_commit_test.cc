// SqliteStore's group commit: concurrent Writes share one transaction and one fsync, yet each
// keeps the Store::Write contract on its own: OK only once durable, a failing fn changes nothing
// and does not disturb its neighbours, a failed COMMIT fails every fn of the batch.
#include <atomic>
#include <chrono>
#include <thread>

#include "conformance.h"
#include "sqlite_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace jitgate::testing {
namespace {

using std::chrono_literals::operator""ms;

#define EXPECT_OK(status) EXPECT_EQ((status).code(), ::jitgate::Code::kOk) << (status).message()

class SqliteGroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    Open();
  }
  void Open() {
    store_.reset();
    auto opened = SqliteStore::Open(dir_.File("group.db"));
    ASSERT_OK(opened);
    store_ = std::move(opened).value();
  }
  bool HasUser(int n) {
    bool found = false;
    const Status st = store_->Read([&](ReadTx& tx) -> Status {
      found = tx.GetUser(Id(n)).ok();
      return Status::Ok();
    });
    EXPECT_OK(st);
    return found;
  }
  Status InsertUser(int n) {
    const User u = MakeUser(n, "user" + std::to_string(n) + "@example.com");
    return store_->Write([&](WriteTx& tx) { return tx.InsertUser(u); });
  }
  // Starts Write(fn) on a new thread and waits until it is queued behind the ones before.
  std::thread StartQueued(std::function<Status(WriteTx&)> fn, Status* out) {
    const size_t before = store_->queued_writes();
    std::thread t([this, fn = std::move(fn), out] { *out = store_->Write(fn); });
    while (store_->queued_writes() == before) std::this_thread::sleep_for(1ms);
    return t;
  }
  // Holds the writer until `n` writes are queued (itself included), so that the next batch
  // holds exactly the writes started meanwhile.
  std::function<Status(WriteTx&)> Blocker(size_t n, Status result = Status::Ok()) {
    return [this, n, result](WriteTx&) {
      while (store_->queued_writes() < n) std::this_thread::sleep_for(1ms);
      return result;
    };
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteGroupCommitTest, ConcurrentWritesAreAllDurableAndVisible) {
  constexpr int kThreads = 16, kEach = 25;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        if (!InsertUser(1 + t * kEach + i).ok()) ++failed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  const uint64_t commits = store_->commit_count();
  std::printf("[ group commit ] %d writes in %llu commits\n", kThreads * kEach,
              static_cast<unsigned long long>(commits));
  EXPECT_LE(commits, static_cast<uint64_t>(kThreads * kEach));
  Open();  // what was acknowledged is on disk
  for (int n = 1; n <= kThreads * kEach; ++n) ASSERT_TRUE(HasUser(n)) << n;
  ASSERT_OK(store_->IntegrityCheck());
}

TEST_F(SqliteGroupCommitTest, AFailingFnInsideABatchLeavesItsNeighboursWritten) {
  Status a, b, c, d;
  std::thread ta = StartQueued(Blocker(4), &a);
  const uint64_t commits_before = store_->commit_count();
  std::thread tb =
      StartQueued([](WriteTx& tx) { return tx.InsertUser(MakeUser(1, "b@x.com")); }, &b);
  // c writes a user, then breaks a uniqueness rule: its own insert must vanish with it.
  std::thread tc = StartQueued(
      [](WriteTx& tx) -> Status {
        RETURN_IF_ERROR(tx.InsertUser(MakeUser(2, "c@x.com")));
        return tx.InsertUser(MakeUser(3, "b@x.com"));
      },
      &c);
  std::thread td =
      StartQueued([](WriteTx& tx) { return tx.InsertUser(MakeUser(4, "d@x.com")); }, &d);
  for (std::thread* t : {&ta, &tb, &tc, &td}) t->join();
  EXPECT_OK(a);
  EXPECT_OK(b);
  EXPECT_EQ(c.code(), Code::kConflict) << c.message();
  EXPECT_OK(d);
  // a's batch, then one batch for b, c and d.
  EXPECT_EQ(store_->commit_count() - commits_before, 2u);
  Open();
  EXPECT_TRUE(HasUser(1));
  EXPECT_FALSE(HasUser(2));
  EXPECT_FALSE(HasUser(3));
  EXPECT_TRUE(HasUser(4));
}

TEST_F(SqliteGroupCommitTest, AFailedCommitFailsEveryWriteOfTheBatch) {
  Status a, b, c, d;
  store_->FailNextCommitsForTesting(1);
  // a fails by itself, so its batch rolls back without a COMMIT; b, c and d form the next batch,
  // whose COMMIT fails.
  std::thread ta = StartQueued(Blocker(4, Status::Invalid("a", "fails by itself")), &a);
  std::thread tb =
      StartQueued([](WriteTx& tx) { return tx.InsertUser(MakeUser(1, "b@x.com")); }, &b);
  std::thread tc = StartQueued([](WriteTx&) { return Status::NotFound("c fails by itself"); }, &c);
  std::thread td =
      StartQueued([](WriteTx& tx) { return tx.InsertUser(MakeUser(2, "d@x.com")); }, &d);
  for (std::thread* t : {&ta, &tb, &tc, &td}) t->join();
  EXPECT_EQ(a.code(), Code::kInvalidArgument);
  EXPECT_EQ(b.code(), Code::kUnavailable) << b.message();
  EXPECT_EQ(c.code(), Code::kNotFound) << c.message();  // its own error, not the commit's
  EXPECT_EQ(d.code(), Code::kUnavailable) << d.message();
  EXPECT_FALSE(HasUser(1));
  EXPECT_FALSE(HasUser(2));
  // The store keeps working.
  EXPECT_OK(InsertUser(5));
  Open();
  EXPECT_FALSE(HasUser(1));
  EXPECT_TRUE(HasUser(5));
}

TEST_F(SqliteGroupCommitTest, AnExceptionInsideAFnFailsOnlyThatWrite) {
  Status a, b, c;
  std::thread ta = StartQueued(Blocker(3), &a);
  std::thread tb = StartQueued(
      [](WriteTx& tx) -> Status {
        RETURN_IF_ERROR(tx.InsertUser(MakeUser(1, "b@x.com")));
        throw std::runtime_error("boom");
      },
      &b);
  std::thread tc =
      StartQueued([](WriteTx& tx) { return tx.InsertUser(MakeUser(2, "c@x.com")); }, &c);
  for (std::thread* t : {&ta, &tb, &tc}) t->join();
  EXPECT_EQ(b.code(), Code::kInternal);
  EXPECT_OK(c);
  EXPECT_FALSE(HasUser(1));
  EXPECT_TRUE(HasUser(2));
}

}  // namespace
}  // namespace jitgate::testing
