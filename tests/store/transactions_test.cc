// Conformance: transactions (rollback, snapshots, concurrency), LoadDirectory, durability across
// reopen, and migrations.
#include <atomic>
#include <thread>

#include "conformance.h"
#include "core/audit_chain.h"

namespace jitgate::testing {
namespace {

constexpr Millis kNow = 1'700'000'000'000;

TEST_P(StoreConformance, PingAnswers) { ASSERT_OK(store().Ping()); }

TEST_P(StoreConformance, WriteSeesItsOwnChanges) {
  ASSERT_OK(store().Write([&](WriteTx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertUser(MakeUser(1, "ada@example.com")));
    ASSIGN_OR_RETURN(User u, tx.GetUser(Id(1)));
    EXPECT_EQ(u.email, "ada@example.com");
    ASSIGN_OR_RETURN(Page<User> page, tx.ListUsers(UserQuery{}));
    EXPECT_EQ(page.total, 1);
    return Status::Ok();
  }));
}

TEST_P(StoreConformance, FailedWriteReturnsFnStatusAndChangesNothing) {
  const Status refused(Code::kGrantLimit, "the maximum of active grants is reached");
  Status st = store().Write([&](WriteTx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertUser(MakeUser(1, "ada@example.com")));
    RETURN_IF_ERROR(tx.InsertPool(MakePool(2, "pool")));
    RETURN_IF_ERROR(tx.InsertGrant(MakeGrant(3, {Id(1)}, {Id(2)}, kNow, kNow + 1000)));
    AuditEvent ev = MakeEvent("jit.granted", kNow, Id(1), Id(3));
    RETURN_IF_ERROR(tx.AppendAudit(ev));
    return refused;
  });
  EXPECT_EQ(st.code(), Code::kGrantLimit);
  EXPECT_EQ(st.message(), refused.message());
  EXPECT_CODE(READ(GetUser(Id(1))), kNotFound);
  EXPECT_CODE(READ(GetPool(Id(2))), kNotFound);
  EXPECT_CODE(READ(GetGrant(Id(3))), kNotFound);
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> audit, READ(ListAudit(AuditQuery{})));
  EXPECT_EQ(audit.total, 0);
  // The rolled-back event did not use up seq 1.
  AuditEvent next = MakeEvent("user.created", kNow);
  ASSERT_OK(WRITE(AppendAudit(next)));
  EXPECT_EQ(next.seq, 1);
  EXPECT_EQ(next.hash, AuditChainHash(kAuditGenesisHash, next));
}

TEST_P(StoreConformance, WriteFailingHalfwayOnAConflictChangesNothing) {
  Put(MakeUser(1, "taken@example.com"));
  Status st = store().Write([&](WriteTx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertUser(MakeUser(2, "new@example.com")));
    return tx.InsertUser(MakeUser(3, "TAKEN@example.com"));
  });
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_CODE(READ(GetUser(Id(2))), kNotFound);
  // The store is still usable afterwards.
  Put(MakeUser(4, "later@example.com"));
}

TEST_P(StoreConformance, LoadDirectoryHasEverythingTheIndexNeeds) {
  User ada = MakeUser(1, "ada@example.com");
  ada.role_manager = true;
  User bob = MakeUser(2, "bob@example.com");
  bob.disabled = true;
  Put(ada);
  Put(bob);
  Put(MakePool(11, "p1"));
  Put(MakePool(12, "p2"));
  const Group team = MakeGroup(20, "team", {Id(2), Id(1)},
                               {{Id(12), Role::kPrivileged}, {Id(11), Role::kStandard}});
  Put(team);
  const Grant live = MakeGrant(31, {Id(2), Id(1)}, {Id(12), Id(11)}, kNow, kNow + 1000);
  const Grant overdue = MakeGrant(32, {Id(1)}, {Id(11)}, kNow - 10, kNow - 1);  // stored ACTIVE
  Put(live);
  Put(overdue);
  Put(MakeGrant(33, {Id(1)}, {Id(11)}, kNow, kNow + 1000, GrantStatus::kRevoked));
  Put(MakeGrant(34, {Id(1)}, {Id(11)}, kNow - 10, kNow - 1, GrantStatus::kExpired));

  ASSERT_OK_AND_ASSIGN(Directory d, READ(LoadDirectory()));
  ASSERT_EQ(d.users.size(), 2u);
  for (const User& u : d.users) {
    const User& want = u.id == ada.id ? ada : bob;
    EXPECT_EQ(u.email, want.email);
    EXPECT_EQ(u.role_manager, want.role_manager);
    EXPECT_EQ(u.disabled, want.disabled);
  }
  EXPECT_EQ(d.pools.size(), 2u);
  ASSERT_EQ(d.groups.size(), 1u);
  EXPECT_EQ(d.groups[0].member_ids, team.member_ids);
  EXPECT_EQ(d.groups[0].pool_access, team.pool_access);
  ASSERT_EQ(d.active_grants.size(), 2u);
  for (const Grant& g : d.active_grants) ExpectSameGrant(g.id == live.id ? live : overdue, g);
}

TEST_P(StoreConformance, ConcurrentCheckThenInsertWritesNeverExceedTheLimit) {
  SKIP_IF_CATEGORY("concurrency");
  constexpr int kThreads = 16, kAttemptsEach = 4, kLimit = 25;
  std::atomic<int> next_id{1000}, granted{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kAttemptsEach; ++i) {
        const int n = next_id++;
        Status st = store().Write([&](WriteTx& tx) -> Status {
          ASSIGN_OR_RETURN(int64_t active, tx.CountActiveGrants(kNow));
          if (active >= kLimit) return Status(Code::kGrantLimit, "limit reached");
          RETURN_IF_ERROR(tx.InsertGrant(MakeGrant(n, {Id(1)}, {Id(2)}, kNow, kNow + 1000)));
          AuditEvent ev = MakeEvent("jit.granted", kNow, Id(1), Id(n));
          return tx.AppendAudit(ev);
        });
        if (st.ok())
          ++granted;
        else if (st.code() == Code::kGrantLimit)
          ++refused;
        else
          ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(granted.load(), kLimit);
  EXPECT_EQ(refused.load(), kThreads * kAttemptsEach - kLimit);
  ASSERT_OK_AND_ASSIGN(int64_t active, READ(CountActiveGrants(kNow)));
  EXPECT_EQ(active, kLimit);
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> audit,
                       READ(ListAudit(AuditQuery{"", "", "", {}, {}, 0, 1000})));
  ASSERT_EQ(audit.total, kLimit);
  for (int64_t i = 0; i < kLimit; ++i) EXPECT_EQ(audit.items[i].seq, i + 1);
}

TEST_P(StoreConformance, TwoStoresOnOneDatabaseStillNeverExceedTheLimit) {
  SKIP_IF_CATEGORY("concurrency");
  auto second = OpenStore(url());
  ASSERT_OK(second);
  Store* stores[2] = {&store(), second.value().get()};
  constexpr int kThreads = 8, kAttemptsEach = 4, kLimit = 10;
  std::atomic<int> next_id{1000}, granted{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAttemptsEach; ++i) {
        const int n = next_id++;
        Status st = stores[t % 2]->Write([&](WriteTx& tx) -> Status {
          ASSIGN_OR_RETURN(int64_t active, tx.CountActiveGrants(kNow));
          if (active >= kLimit) return Status(Code::kGrantLimit, "limit reached");
          return tx.InsertGrant(MakeGrant(n, {Id(1)}, {Id(2)}, kNow, kNow + 1000));
        });
        if (st.ok())
          ++granted;
        else if (st.code() != Code::kGrantLimit)
          ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(granted.load(), kLimit);
  ASSERT_OK_AND_ASSIGN(int64_t active, READ(CountActiveGrants(kNow)));
  EXPECT_EQ(active, kLimit);
}

TEST_P(StoreConformance, ReadKeepsItsSnapshotWhileAWriteCommits) {
  SKIP_IF_CATEGORY("snapshot");
  Put(MakeUser(1, "ada@example.com"));
  Status writer_status;
  ASSERT_OK(store().Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(Page<User> before, tx.ListUsers(UserQuery{}));
    EXPECT_EQ(before.total, 1);
    // The write must complete while this read is open: readers never block the writer.
    std::thread writer([&] { writer_status = WRITE(InsertUser(MakeUser(2, "bob@example.com"))); });
    writer.join();
    ASSIGN_OR_RETURN(Page<User> after, tx.ListUsers(UserQuery{}));
    EXPECT_EQ(after.total, 1);
    EXPECT_EQ(CodeOf(tx.GetUser(Id(2))), Code::kNotFound);
    return Status::Ok();
  }));
  ASSERT_OK(writer_status);
  ASSERT_OK_AND_ASSIGN(Page<User> now, READ(ListUsers(UserQuery{})));
  EXPECT_EQ(now.total, 2);
}

TEST_P(StoreConformance, ConcurrentReadsAndWritesAllSucceed) {
  SKIP_IF_CATEGORY("concurrency");
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        auto page = READ(ListUsers(UserQuery{"", 0, 5}));
        if (!page.ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 50; ++i) Put(MakeUser(i + 1, "user" + std::to_string(i) + "@example.com"));
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(StoreConformance, ReopeningKeepsEverythingAndTheAuditChainContinues) {
  SKIP_IF_CATEGORY("reopen");
  Put(MakeUser(1, "ada@example.com"));
  Put(MakePool(2, "pool"));
  Put(MakeGroup(3, "team", {Id(1)}, {{Id(2), Role::kPrivileged}}));
  const Grant grant = MakeGrant(4, {Id(1)}, {Id(2)}, kNow, kNow + 1000);
  Put(grant);
  Put(MakeKey(5, Id(1), "jg_REOPEN01", kNow));
  Put(MakeSession("sess", Id(1)));
  ASSERT_OK(WRITE(InsertIdempotency(IdempotencyRecord{Id(1), "k", "h", "grant", Id(4), kNow})));
  AuditEvent first = MakeEvent("jit.granted", kNow, Id(1), Id(4));
  ASSERT_OK(WRITE(AppendAudit(first)));

  Reopen();

  ASSERT_OK(READ(GetUser(Id(1))));
  ASSERT_OK(READ(GetPool(Id(2))));
  ASSERT_OK_AND_ASSIGN(Group g, READ(GetGroup(Id(3))));
  EXPECT_EQ(g.pool_access, (std::vector<PoolAccess>{{Id(2), Role::kPrivileged}}));
  ASSERT_OK_AND_ASSIGN(Grant got, READ(GetGrant(Id(4))));
  ExpectSameGrant(grant, got);
  ASSERT_OK(READ(GetApiKeyByPrefix("jg_REOPEN01")));
  ASSERT_OK(READ(GetSession("sess")));
  ASSERT_OK(READ(GetIdempotency(Id(1), "k")));
  AuditEvent second = MakeEvent("jit.revoked", kNow + 1, Id(1), Id(4));
  ASSERT_OK(WRITE(AppendAudit(second)));
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(second.hash, AuditChainHash(first.hash, second));
}

TEST_P(StoreConformance, OpeningAMigratedDatabaseAgainIsANoOp) {
  SKIP_IF_CATEGORY("migrations");
  Put(MakeUser(1, "ada@example.com"));
  // A second store opened beside the first, then two more reopen cycles: migrations already
  // applied must not be applied again (that would fail or wipe data).
  auto beside = OpenStore(url());
  ASSERT_OK(beside);
  beside.value().reset();
  Reopen();
  Reopen();
  ASSERT_OK_AND_ASSIGN(User u, READ(GetUser(Id(1))));
  EXPECT_EQ(u.email, "ada@example.com");
  Put(MakeUser(2, "bob@example.com"));
}

}  // namespace
}  // namespace jitgate::testing
