#include "core/access_index.h"

#include <gtest/gtest.h>

namespace jitgate {
namespace {

constexpr Millis kNow = 1795521600000;

User MakeUser(const std::string& id, bool disabled = false) {
  User u;
  u.id = id;
  u.disabled = disabled;
  return u;
}

Grant MakeGrant(const std::string& id, Role role, std::vector<std::string> users, std::vector<std::string> pools,
                Millis expires) {
  Grant g;
  g.id = id;
  g.role = role;
  g.user_ids = std::move(users);
  g.agent_pool_ids = std::move(pools);
  g.expires_at = expires;
  return g;
}

class AccessIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir.users = {MakeUser("alice"), MakeUser("bob"), MakeUser("off", true)};
    dir.pools = {AgentPool{"p1", "one", "", 0}, AgentPool{"p2", "two", "", 0}};
  }
  std::shared_ptr<const AccessIndex> Build() { return AccessIndex::Build(dir); }
  Directory dir;
};

TEST_F(AccessIndexTest, JitGrantEndsAtTheSameMillisecondAsItsExpiry) {
  dir.active_grants = {MakeGrant("g1", Role::kStandard, {"alice"}, {"p1"}, kNow + 1000)};
  auto idx = Build();
  EXPECT_TRUE(idx->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(idx->Check("alice", "p1", Permission::kUse, kNow + 999).allowed);
  // Regression: an indexed entry must never outlive the grant.
  EXPECT_FALSE(idx->Check("alice", "p1", Permission::kUse, kNow + 1000).allowed);
  EXPECT_FALSE(idx->Check("alice", "p1", Permission::kUse, kNow + 5000).allowed);
  auto d = idx->Check("alice", "p1", Permission::kUse, kNow);
  EXPECT_EQ(d.role, Role::kStandard);
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0].type, AccessSource::Type::kJit);
  EXPECT_EQ(d.sources[0].id, "g1");
  EXPECT_EQ(d.sources[0].expires_at, kNow + 1000);
  EXPECT_EQ(d.valid_until, kNow + 1000);
}

TEST_F(AccessIndexTest, PermissionsFollowTheRole) {
  dir.active_grants = {MakeGrant("g1", Role::kStandard, {"alice"}, {"p1"}, kNow + 1000),
                       MakeGrant("g2", Role::kPrivileged, {"bob"}, {"p1"}, kNow + 1000)};
  auto idx = Build();
  EXPECT_FALSE(idx->Check("alice", "p1", Permission::kIgnoreQuota, kNow).allowed);
  EXPECT_EQ(idx->Check("alice", "p1", Permission::kIgnoreQuota, kNow).role, Role::kStandard);
  EXPECT_TRUE(idx->Check("bob", "p1", Permission::kIgnoreQuota, kNow).allowed);
  EXPECT_TRUE(idx->Check("bob", "p1", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(idx->Check("bob", "p2", Permission::kUse, kNow).allowed);
}

TEST_F(AccessIndexTest, StrongestRoleAndValidUntil) {
  Group g{"grp", "devs", {"alice"}, {PoolAccess{"p1", Role::kStandard}}, 0};
  dir.groups = {g};
  dir.active_grants = {MakeGrant("j1", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 100),
                       MakeGrant("j2", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 200),
                       MakeGrant("j3", Role::kStandard, {"alice"}, {"p1"}, kNow + 300)};
  auto idx = Build();
  auto d = idx->Check("alice", "p1", Permission::kIgnoreQuota, kNow);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.role, Role::kPrivileged);
  EXPECT_EQ(d.sources.size(), 4u);
  EXPECT_EQ(d.valid_until, kNow + 200);  // PRIVILEGED until the later of the two grants ends
  d = idx->Check("alice", "p1", Permission::kUse, kNow + 200);
  EXPECT_EQ(d.role, Role::kStandard);
  EXPECT_FALSE(d.valid_until.has_value());  // the group keeps STANDARD for good
}

TEST_F(AccessIndexTest, TwoStandardGrantsValidUntilTheLater) {
  dir.active_grants = {MakeGrant("j1", Role::kStandard, {"bob"}, {"p2"}, kNow + 100),
                       MakeGrant("j2", Role::kStandard, {"bob"}, {"p2"}, kNow + 300)};
  EXPECT_EQ(Build()->Check("bob", "p2", Permission::kUse, kNow).valid_until, kNow + 300);
}

TEST_F(AccessIndexTest, GroupOnlyAccessNeverExpires) {
  dir.groups = {Group{"grp", "ops", {"bob"}, {PoolAccess{"p2", Role::kPrivileged}}, 0}};
  auto d = Build()->Check("bob", "p2", Permission::kIgnoreQuota, kNow);
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.valid_until.has_value());
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0].type, AccessSource::Type::kGroup);
}

TEST_F(AccessIndexTest, DisabledAndUnknownHaveNoAccess) {
  dir.groups = {Group{"grp", "ops", {"off"}, {PoolAccess{"p1", Role::kPrivileged}}, 0}};
  dir.active_grants = {MakeGrant("j1", Role::kStandard, {"off"}, {"p1"}, kNow + 100)};
  auto idx = Build();
  auto d = idx->Check("off", "p1", Permission::kUse, kNow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.role, Role::kNone);
  EXPECT_TRUE(d.sources.empty());
  EXPECT_FALSE(idx->Check("nobody", "p1", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(idx->Check("alice", "nowhere", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(idx->AccessOf("off", kNow).empty());
}

TEST_F(AccessIndexTest, AccessOfListsEveryPoolWithARole) {
  dir.groups = {Group{"grp", "ops", {"alice"}, {PoolAccess{"p2", Role::kStandard}}, 0}};
  dir.active_grants = {MakeGrant("j1", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 100)};
  auto idx = Build();
  auto list = idx->AccessOf("alice", kNow);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].agent_pool_id, "p1");
  EXPECT_EQ(list[0].role, Role::kPrivileged);
  EXPECT_EQ(list[0].valid_until, kNow + 100);
  EXPECT_EQ(list[1].agent_pool_id, "p2");
  EXPECT_EQ(idx->AccessOf("alice", kNow + 100).size(), 1u);
}

}  // namespace
}  // namespace jitgate

namespace jitgate {
namespace {

TEST_F(AccessIndexTest, WithGrantsReplacesOnlyTheGrants) {
  dir.groups = {Group{"grp", "ops", {"bob"}, {PoolAccess{"p2", Role::kStandard}}, 0}};
  dir.active_grants = {MakeGrant("j1", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 100)};
  auto before = Build();
  auto after = before->WithGrants({MakeGrant("j2", Role::kStandard, {"bob"}, {"p1"}, kNow + 100)});
  // The old snapshot is untouched (readers may still hold it).
  EXPECT_TRUE(before->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(before->Check("bob", "p1", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(after->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(after->Check("bob", "p1", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(after->Check("bob", "p2", Permission::kUse, kNow).allowed);  // groups kept
  EXPECT_EQ(after->grant_count(), 1u);
  EXPECT_EQ(after->user_count(), 3u);
}

}  // namespace
}  // namespace jitgate
