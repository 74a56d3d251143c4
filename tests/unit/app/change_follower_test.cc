// The access view follows the store's change feed: a second App on the same database (a replica)
// sees the first one's writes once it catches up, in commit order, and reloads after a gap.
#include "app/change_follower.h"

#include "app_fixture.h"

namespace jitgate::testing {
namespace {

class ReplicaTest : public AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    auto s = OpenStore("sqlite:" + (dir_ / "jitgate.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    replica_store_ = std::move(s).value();
    AppConfig config;
    replica_ = std::make_unique<App>(*replica_store_, clock_, config);
    ASSERT_TRUE(replica_->Start().ok());
  }
  void TearDown() override {
    replica_.reset();
    replica_store_.reset();
    AppTest::TearDown();
  }
  bool ReplicaAllows(const std::string& u, const std::string& p) {
    return replica_->view().index().Check(u, p, Permission::kUse, clock_.Now()).allowed;
  }

  std::unique_ptr<Store> replica_store_;
  std::unique_ptr<App> replica_;
};

TEST_F(ReplicaTest, ReplicaSeesGrantAndRevokeAfterCatchUp) {
  const std::string u = MakeUser("alice@example.com");
  const std::string p = MakePool("prod-debug");
  auto g = app_->grants.Create(admin_, Request("oncall", {p}, {u}, 2), std::nullopt);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_FALSE(ReplicaAllows(u, p));  // not yet followed

  ASSERT_TRUE(replica_->follower().CatchUp().ok());
  EXPECT_TRUE(ReplicaAllows(u, p));
  EXPECT_EQ(replica_->follower().applied_seq(), app_->follower().applied_seq());

  ASSERT_TRUE(app_->grants.Revoke(admin_, g->id).ok());
  ASSERT_TRUE(replica_->follower().CatchUp().ok());
  EXPECT_FALSE(ReplicaAllows(u, p));
}

TEST_F(ReplicaTest, ReplicaFollowsGroupsAndDeletedPools) {
  const std::string u = MakeUser("bob@example.com");
  const std::string p = MakePool("pool-a");
  GroupInput in;
  in.name = "oncall";
  in.member_ids = std::vector<std::string>{u};
  in.pool_access = std::vector<std::pair<std::string, std::string>>{{p, "STANDARD"}};
  auto grp = app_->groups.Create(admin_, in, std::nullopt);
  ASSERT_TRUE(grp.ok()) << grp.status().message();
  ASSERT_TRUE(replica_->follower().CatchUp().ok());
  EXPECT_TRUE(ReplicaAllows(u, p));

  ASSERT_TRUE(app_->groups.Delete(admin_, grp->id).ok());
  ASSERT_TRUE(app_->pools.Delete(admin_, p).ok());
  ASSERT_TRUE(replica_->follower().CatchUp().ok());
  EXPECT_FALSE(ReplicaAllows(u, p));
}

TEST_F(ReplicaTest, PrunedFeedMakesTheReplicaReloadEverything) {
  const std::string u = MakeUser("carol@example.com");
  const std::string p = MakePool("pool-b");
  ASSERT_TRUE(app_->grants.Create(admin_, Request("x", {p}, {u}, 1), std::nullopt).ok());
  MakePool("pool-c");
  // Everything but the last entry is pruned before the replica looks: it cannot replay, so it reloads.
  const int64_t behind = replica_->follower().applied_seq();
  ASSERT_TRUE(app_->follower().Prune(-kMillisPerHour).ok());
  ASSERT_TRUE(replica_->follower().CatchUp().ok());
  EXPECT_GT(app_->follower().applied_seq(), behind + 1);
  EXPECT_TRUE(ReplicaAllows(u, p));
  EXPECT_EQ(replica_->follower().applied_seq(), app_->follower().applied_seq());
}

TEST_F(ReplicaTest, RevokedKeyStopsWorkingOnTheReplicaAfterCatchUp) {
  auto before = replica_->auth.AuthenticateKey(admin_key_);
  ASSERT_TRUE(before.ok()) << before.status().message();
  ApiKeyQuery q;
  q.user_id = admin_.user_id;
  auto keys = app_->api_keys.List(q);
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  ASSERT_FALSE(keys->items.empty());
  ASSERT_TRUE(app_->api_keys.Revoke(admin_, keys->items[0].id).ok());
  ASSERT_TRUE(replica_->follower().CatchUp().ok());
  EXPECT_EQ(replica_->auth.AuthenticateKey(admin_key_).status().code(), Code::kUnauthenticated);
}

}  // namespace
}  // namespace jitgate::testing
