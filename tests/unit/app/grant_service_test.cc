#include <atomic>
#include <set>
#include <thread>

#include "app/idempotency.h"
#include "app_fixture.h"

namespace jitgate::testing {
namespace {

TEST_F(AppTest, GrantGivesAccessUntilExactlyExpiresAt) {
  const std::string u = MakeUser("alice@example.com");
  const std::string p = MakePool("prod-debug");
  auto g = app_->grants.Create(admin_, Request("oncall", {p}, {u}, 2), std::nullopt);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->expires_at, kT0 + 2 * kMillisPerHour);
  EXPECT_TRUE(app_->view().index().Check(u, p, Permission::kUse, clock_.Now()).allowed);
  EXPECT_TRUE(app_->view().index().Check(u, p, Permission::kUse, g->expires_at - 1).allowed);
  EXPECT_FALSE(app_->view().index().Check(u, p, Permission::kUse, g->expires_at).allowed);
  EXPECT_FALSE(app_->view().index().Check(u, p, Permission::kIgnoreQuota, clock_.Now()).allowed);
}

TEST_F(AppTest, RevokeEndsAccessAndSecondRevokeIsGrantNotActive) {
  const std::string u = MakeUser("bob@example.com");
  const std::string p = MakePool("pool-a");
  auto g = app_->grants.Create(admin_, Request("x", {p}, {u}, 1), std::nullopt);
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(app_->grants.Revoke(admin_, g->id).ok());
  EXPECT_FALSE(app_->view().index().Check(u, p, Permission::kUse, clock_.Now()).allowed);
  auto again = app_->grants.Revoke(admin_, g->id);
  EXPECT_EQ(again.code(), Code::kGrantNotActive);
  auto stored = app_->grants.Get(g->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, GrantStatus::kRevoked);
  EXPECT_EQ(stored->revoked_by, admin_.user_id);
  EXPECT_EQ(app_->grants.Revoke(admin_, "00000000-0000-4000-8000-000000000000").code(), Code::kNotFound);
}

TEST_F(AppTest, ActiveGrantLimitHoldsUnderConcurrency) {
  const std::string u = MakeUser("carol@example.com");
  const std::string p = MakePool("pool-b");
  std::atomic<int> created{0}, limited{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto g = app_->grants.Create(admin_, Request("g" + std::to_string(t * 100 + i), {p}, {u}, 1), std::nullopt);
        if (g.ok()) ++created;
        else if (g.status().code() == Code::kGrantLimit) ++limited;
        else ++other;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 100);
  EXPECT_EQ(limited.load(), 60);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(app_->view().ActiveGrantCount(clock_.Now()), 100);
}

TEST_F(AppTest, ExpiredGrantsFreeTheLimit) {
  max_active_grants_ = 100;
  const std::string u = MakeUser("dan@example.com");
  const std::string p = MakePool("pool-c");
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(app_->grants.Create(admin_, Request("g", {p}, {u}, 1), std::nullopt).ok());
  EXPECT_EQ(app_->grants.Create(admin_, Request("g", {p}, {u}, 1), std::nullopt).status().code(), Code::kGrantLimit);
  clock_.Advance(kMillisPerHour);  // all expire at this very instant
  EXPECT_TRUE(app_->grants.Create(admin_, Request("g", {p}, {u}, 1), std::nullopt).ok());
}

TEST_F(AppTest, ExpirerRecordsEachExpiryOnce) {
  const std::string u = MakeUser("erin@example.com");
  const std::string p = MakePool("pool-d");
  auto g = app_->grants.Create(admin_, Request("short", {p}, {u}, 1), std::nullopt);
  ASSERT_TRUE(g.ok());
  auto none = app_->expirer.RunOnce();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  clock_.Advance(kMillisPerHour);
  auto first = app_->expirer.RunOnce();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 1);
  auto second = app_->expirer.RunOnce();
  EXPECT_EQ(*second, 0);
  auto stored = app_->grants.Get(g->id);
  EXPECT_EQ(stored->status, GrantStatus::kExpired);
  AuditQuery q;
  q.type = "jit.expired";
  q.limit = 100;
  auto events = app_->audit.List(q);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->total, 1);
  EXPECT_EQ(events->items[0].target_id, g->id);
  EXPECT_EQ(events->items[0].actor_type, ActorType::kSystem);
}

TEST_F(AppTest, ValidationReportsEveryRuleAndChangesNothing) {
  const std::string u = MakeUser("fay@example.com");
  GrantRequest req = Request("", {"00000000-0000-4000-8000-000000000001"}, {u}, 745, "ADMIN");
  auto g = app_->grants.Create(admin_, req, std::nullopt);
  ASSERT_EQ(g.status().code(), Code::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& d : g.status().details()) fields.insert(d.field);
  EXPECT_EQ(fields, (std::set<std::string>{"name", "role", "agentPoolIds", "expiration"}));
  GrantQuery q;
  q.filter = GrantFilter::kAll;
  EXPECT_EQ(app_->grants.List(q)->total, 0);
}

TEST_F(AppTest, DisabledUserCannotBeGrantedAndLosesAccess) {
  const std::string u = MakeUser("gil@example.com");
  const std::string p = MakePool("pool-e");
  ASSERT_TRUE(app_->grants.Create(admin_, Request("g", {p}, {u}, 1), std::nullopt).ok());
  UserChange c;
  c.disabled = true;
  ASSERT_TRUE(app_->users.Update(admin_, u, c).ok());
  EXPECT_FALSE(app_->view().index().Check(u, p, Permission::kUse, clock_.Now()).allowed);
  auto g = app_->grants.Create(admin_, Request("g2", {p}, {u}, 1), std::nullopt);
  EXPECT_EQ(g.status().code(), Code::kInvalidArgument);
}

TEST_F(AppTest, UserAndPoolInActiveGrantCannotBeDeleted) {
  const std::string u = MakeUser("hal@example.com");
  const std::string p = MakePool("pool-f");
  auto g = app_->grants.Create(admin_, Request("g", {p}, {u}, 1), std::nullopt);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(app_->users.Delete(admin_, u).code(), Code::kConflict);
  EXPECT_EQ(app_->pools.Delete(admin_, p).code(), Code::kConflict);
  ASSERT_TRUE(app_->grants.Revoke(admin_, g->id).ok());
  EXPECT_TRUE(app_->users.Delete(admin_, u).ok());
  EXPECT_TRUE(app_->pools.Delete(admin_, p).ok());
}

TEST_F(AppTest, LastRoleManagerCannotDemoteOrDeleteThemselves) {
  UserChange demote;
  demote.role_manager = false;
  EXPECT_EQ(app_->users.Update(admin_, admin_.user_id, demote).status().code(), Code::kConflict);
  EXPECT_EQ(app_->users.Delete(admin_, admin_.user_id).code(), Code::kConflict);
  MakeUser("second@example.com", /*manager=*/true);
  EXPECT_TRUE(app_->users.Update(admin_, admin_.user_id, demote).ok());
}

TEST_F(AppTest, GroupGivesStandingAccessAndJitAddsOnTop) {
  const std::string u = MakeUser("ivy@example.com");
  const std::string p = MakePool("pool-g");
  GroupInput in;
  in.name = "devs";
  in.member_ids = std::vector<std::string>{u};
  in.pool_access = std::vector<std::pair<std::string, std::string>>{{p, "STANDARD"}};
  auto grp = app_->groups.Create(admin_, in, std::nullopt);
  ASSERT_TRUE(grp.ok()) << grp.status().message();
  auto d = app_->view().index().Check(u, p, Permission::kUse, clock_.Now());
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.role, Role::kStandard);
  EXPECT_FALSE(d.valid_until.has_value());
  auto g = app_->grants.Create(admin_, Request("g", {p}, {u}, 3, "PRIVILEGED"), std::nullopt);
  ASSERT_TRUE(g.ok());
  d = app_->view().index().Check(u, p, Permission::kIgnoreQuota, clock_.Now());
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.role, Role::kPrivileged);
  EXPECT_EQ(d.valid_until, g->expires_at);
  EXPECT_EQ(d.sources.size(), 2u);
}

TEST_F(AppTest, IdempotencyKeyRecordsTheCreatedGrant) {
  const std::string u = MakeUser("jo@example.com");
  const std::string p = MakePool("pool-h");
  IdempotencyKey k{admin_.user_id, "retry-1", "hash-a"};
  auto g = app_->grants.Create(admin_, Request("g", {p}, {u}, 1), k);
  ASSERT_TRUE(g.ok());
  auto found = FindIdempotency(*store_, k, clock_.Now(), app_->config().idempotency_ttl);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->found);
  EXPECT_TRUE(found->same_request);
  EXPECT_EQ(found->resource_id, g->id);
  // The same key again conflicts inside the transaction: nothing more is created.
  auto dup = app_->grants.Create(admin_, Request("g", {p}, {u}, 1), k);
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  GrantQuery q;
  EXPECT_EQ(app_->grants.List(q)->total, 1);
}

}  // namespace
}  // namespace jitgate::testing
