#include "core/access_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <tuple>

namespace jitgate {
namespace {

constexpr Millis kNow = 1795521600000;

User MakeUser(const std::string& id, bool disabled = false) {
  User u;
  u.id = id;
  u.disabled = disabled;
  return u;
}

Grant MakeGrant(const std::string& id, Role role, std::vector<std::string> users,
                std::vector<std::string> pools, Millis expires) {
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

TEST_F(AccessIndexTest, GroupStandardPlusJitPrivilegedLastsUntilTheGrantEnds) {
  dir.groups = {Group{"grp", "devs", {"alice"}, {PoolAccess{"p1", Role::kStandard}}, 0}};
  dir.active_grants = {MakeGrant("j1", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 500)};
  auto idx = Build();
  auto d = idx->Check("alice", "p1", Permission::kIgnoreQuota, kNow);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.role, Role::kPrivileged);
  EXPECT_EQ(d.valid_until, kNow + 500);
  ASSERT_EQ(d.sources.size(), 2u);
  EXPECT_EQ(d.sources[0].type, AccessSource::Type::kGroup);
  EXPECT_EQ(d.sources[0].id, "grp");
  EXPECT_FALSE(d.sources[0].expires_at.has_value());
  EXPECT_EQ(d.sources[1].type, AccessSource::Type::kJit);
  EXPECT_EQ(d.sources[1].id, "j1");
  EXPECT_EQ(d.sources[1].expires_at, kNow + 500);
  // At the grant's expiry the group's STANDARD remains, for good.
  d = idx->Check("alice", "p1", Permission::kIgnoreQuota, kNow + 500);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.role, Role::kStandard);
  EXPECT_FALSE(d.valid_until.has_value());
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0].id, "grp");
  EXPECT_TRUE(idx->Check("alice", "p1", Permission::kUse, kNow + 500).allowed);
}

TEST_F(AccessIndexTest, TwoPrivilegedGrantsValidUntilTheLater) {
  dir.active_grants = {MakeGrant("j2", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 200),
                       MakeGrant("j1", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 100)};
  auto d = Build()->Check("alice", "p1", Permission::kUse, kNow);
  EXPECT_EQ(d.role, Role::kPrivileged);
  EXPECT_EQ(d.valid_until, kNow + 200);
  EXPECT_EQ(d.sources.size(), 2u);
}

TEST_F(AccessIndexTest, ShortPrivilegedOverLongStandardChangesAtTheShortOne) {
  dir.active_grants = {MakeGrant("std", Role::kStandard, {"alice"}, {"p1"}, kNow + 900),
                       MakeGrant("priv", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 100)};
  auto idx = Build();
  auto d = idx->Check("alice", "p1", Permission::kUse, kNow);
  EXPECT_EQ(d.role, Role::kPrivileged);
  EXPECT_EQ(d.valid_until, kNow + 100);  // PRIVILEGED -> STANDARD
  d = idx->Check("alice", "p1", Permission::kUse, kNow + 100);
  EXPECT_EQ(d.role, Role::kStandard);
  EXPECT_EQ(d.valid_until, kNow + 900);  // STANDARD -> nothing
  d = idx->Check("alice", "p1", Permission::kUse, kNow + 900);
  EXPECT_EQ(d.role, Role::kNone);
  EXPECT_TRUE(d.sources.empty());
  EXPECT_FALSE(d.valid_until.has_value());
}

TEST_F(AccessIndexTest, GroupPrivilegedHidesJitExpiry) {
  dir.groups = {Group{"grp", "ops", {"alice"}, {PoolAccess{"p1", Role::kPrivileged}}, 0}};
  dir.active_grants = {MakeGrant("j1", Role::kStandard, {"alice"}, {"p1"}, kNow + 100)};
  auto d = Build()->Check("alice", "p1", Permission::kUse, kNow);
  EXPECT_EQ(d.role, Role::kPrivileged);
  EXPECT_FALSE(d.valid_until.has_value());  // the role never changes
  EXPECT_EQ(d.sources.size(), 2u);          // but both sources are listed
}

TEST_F(AccessIndexTest, GrantsPastExpiryAreHeldButGiveNothing) {
  dir.active_grants = {MakeGrant("old", Role::kPrivileged, {"alice"}, {"p1"}, kNow - 1)};
  auto idx = Build();
  EXPECT_EQ(idx->grant_count(), 1u);
  auto d = idx->Check("alice", "p1", Permission::kUse, kNow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.role, Role::kNone);
  EXPECT_TRUE(d.sources.empty());
  EXPECT_TRUE(idx->AccessOf("alice", kNow).empty());
}

TEST_F(AccessIndexTest, RevokedOrExpiredStatusIsIgnored) {
  Grant revoked = MakeGrant("r", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 100);
  revoked.status = GrantStatus::kRevoked;
  Grant expired = MakeGrant("e", Role::kPrivileged, {"alice"}, {"p1"}, kNow + 100);
  expired.status = GrantStatus::kExpired;
  dir.active_grants = {revoked, expired};
  auto idx = Build();
  EXPECT_FALSE(idx->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_EQ(idx->grant_count(), 0u);
}

TEST_F(AccessIndexTest, UnknownIdsGetAnEmptyDecision) {
  dir.groups = {Group{"grp", "ops", {"alice"}, {PoolAccess{"p1", Role::kPrivileged}}, 0}};
  auto idx = Build();
  for (auto [user, pool] : {std::pair{"nobody", "p1"}, std::pair{"alice", "nowhere"},
                            std::pair{"", ""}, std::pair{"bob", "p1"}}) {
    auto d = idx->Check(user, pool, Permission::kUse, kNow);
    EXPECT_FALSE(d.allowed) << user << " " << pool;
    EXPECT_EQ(d.role, Role::kNone);
    EXPECT_TRUE(d.sources.empty());
    EXPECT_FALSE(d.valid_until.has_value());
  }
  EXPECT_TRUE(idx->AccessOf("nobody", kNow).empty());
  // Ids are compared exactly: no prefix, case or padding matches.
  EXPECT_FALSE(idx->Check("alic", "p1", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(idx->Check("ALICE", "p1", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(idx->Check("alice ", "p1", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(idx->Check("alice", "p1", Permission::kUse, kNow).allowed);
}

TEST_F(AccessIndexTest, DanglingReferencesAreIgnored) {
  dir.groups = {Group{"grp",
                      "ops",
                      {"alice", "ghost"},
                      {PoolAccess{"p1", Role::kStandard}, PoolAccess{"gone", Role::kStandard}},
                      0}};
  dir.active_grants = {
      MakeGrant("j1", Role::kStandard, {"ghost", "bob"}, {"gone", "p2"}, kNow + 9)};
  auto idx = Build();
  EXPECT_TRUE(idx->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(idx->Check("bob", "p2", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(idx->Check("ghost", "p1", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(idx->Check("alice", "gone", Permission::kUse, kNow).allowed);
}

TEST_F(AccessIndexTest, RepeatedMembershipIsOneSource) {
  dir.groups = {Group{"grp",
                      "ops",
                      {"alice", "alice"},
                      {PoolAccess{"p1", Role::kStandard}, PoolAccess{"p1", Role::kPrivileged}},
                      0}};
  auto idx = Build();  // source ids point into the index: keep it alive
  auto d = idx->Check("alice", "p1", Permission::kIgnoreQuota, kNow);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.role, Role::kPrivileged);
  ASSERT_EQ(d.sources.size(), 1u);
  EXPECT_EQ(d.sources[0].id, "grp");
}

TEST_F(AccessIndexTest, OneGrantCoversEveryUserAndPoolItNames) {
  dir.active_grants = {
      MakeGrant("j1", Role::kPrivileged, {"alice", "bob"}, {"p1", "p2"}, kNow + 9)};
  auto idx = Build();
  for (const char* user : {"alice", "bob"})
    for (const char* pool : {"p1", "p2"})
      EXPECT_TRUE(idx->Check(user, pool, Permission::kIgnoreQuota, kNow).allowed) << user << pool;
}

TEST_F(AccessIndexTest, ManyPoolsPerUserAreFoundByBinarySearch) {
  Group big{"big", "everything", {"alice"}, {}, 0};
  for (int i = 0; i < 100; ++i) {
    const std::string id = "pool" + std::to_string(i);
    dir.pools.push_back(AgentPool{id, id, "", 0});
    if (i % 2 == 0)
      big.pool_access.push_back({id, i % 4 == 0 ? Role::kPrivileged : Role::kStandard});
  }
  dir.groups = {big};
  auto idx = Build();
  for (int i = 0; i < 100; ++i) {
    const std::string id = "pool" + std::to_string(i);
    const Role want = i % 2 ? Role::kNone : i % 4 == 0 ? Role::kPrivileged : Role::kStandard;
    EXPECT_EQ(idx->Check("alice", id, Permission::kUse, kNow).role, want) << id;
  }
  EXPECT_EQ(idx->AccessOf("alice", kNow).size(), 50u);
}

TEST_F(AccessIndexTest, AccessOfIsOrderedByPoolIdNotDirectoryOrder) {
  dir.pools = {AgentPool{"zeta", "z", "", 0}, AgentPool{"alpha", "a", "", 0},
               AgentPool{"mid", "m", "", 0}};
  dir.groups = {Group{"grp",
                      "ops",
                      {"alice"},
                      {PoolAccess{"zeta", Role::kStandard}, PoolAccess{"mid", Role::kStandard}},
                      0}};
  dir.active_grants = {MakeGrant("j1", Role::kPrivileged, {"alice"}, {"alpha", "mid"}, kNow + 50)};
  auto idx = Build();  // pool ids point into the index: keep it alive
  auto list = idx->AccessOf("alice", kNow);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].agent_pool_id, "alpha");
  EXPECT_EQ(list[0].role, Role::kPrivileged);
  EXPECT_EQ(list[0].valid_until, kNow + 50);
  EXPECT_EQ(list[1].agent_pool_id, "mid");
  EXPECT_EQ(list[1].role, Role::kPrivileged);
  EXPECT_EQ(list[1].sources.size(), 2u);
  EXPECT_EQ(list[1].valid_until, kNow + 50);
  EXPECT_EQ(list[2].agent_pool_id, "zeta");
  EXPECT_EQ(list[2].role, Role::kStandard);
  EXPECT_FALSE(list[2].valid_until.has_value());
}

TEST_F(AccessIndexTest, Counts) {
  dir.groups = {Group{"grp", "ops", {"alice"}, {}, 0}};
  dir.active_grants = {MakeGrant("j1", Role::kStandard, {"alice"}, {"p1"}, kNow + 9)};
  auto idx = Build();
  EXPECT_EQ(idx->user_count(), 3u);
  EXPECT_EQ(idx->pool_count(), 2u);
  EXPECT_EQ(idx->group_count(), 1u);
  EXPECT_EQ(idx->grant_count(), 1u);
  auto empty = AccessIndex::Build(Directory{});
  EXPECT_EQ(empty->user_count(), 0u);
  EXPECT_FALSE(empty->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_FALSE(
      empty->WithGrants(dir.active_grants)->Check("alice", "p1", Permission::kUse, kNow).allowed);
}

TEST_F(AccessIndexTest, WithGrantsKeepsDisabledUsersOut) {
  auto idx =
      Build()->WithGrants({MakeGrant("j1", Role::kStandard, {"off", "alice"}, {"p1"}, kNow + 9)});
  EXPECT_FALSE(idx->Check("off", "p1", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(idx->Check("alice", "p1", Permission::kUse, kNow).allowed);
  // And an emptied grant list removes JIT access while groups stay.
  dir.groups = {Group{"grp", "ops", {"alice"}, {PoolAccess{"p2", Role::kStandard}}, 0}};
  dir.active_grants = {MakeGrant("j1", Role::kStandard, {"alice"}, {"p1"}, kNow + 9)};
  auto none = Build()->WithGrants(std::vector<Grant>{});
  EXPECT_FALSE(none->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(none->Check("alice", "p2", Permission::kUse, kNow).allowed);
}

// A reference model: the decision computed straight from the directory.
AccessDecision Expected(const Directory& dir, const std::string& user, const std::string& pool,
                        Permission permission, Millis now) {
  AccessDecision d;
  auto u =
      std::find_if(dir.users.begin(), dir.users.end(), [&](const User& x) { return x.id == user; });
  if (u == dir.users.end() || u->disabled) return d;
  std::vector<std::pair<Role, Millis>> live;  // role, expiry (INT64_MAX: never)
  for (const Group& g : dir.groups) {
    if (std::find(g.member_ids.begin(), g.member_ids.end(), user) == g.member_ids.end()) continue;
    Role best = Role::kNone;
    for (const PoolAccess& a : g.pool_access)
      if (a.agent_pool_id == pool) best = std::max(best, a.role);
    if (best == Role::kNone) continue;
    live.push_back({best, std::numeric_limits<Millis>::max()});
    d.sources.push_back({AccessSource::Type::kGroup, g.id, std::nullopt});
  }
  for (const Grant& g : dir.active_grants) {
    if (g.status != GrantStatus::kActive || g.expires_at <= now) continue;
    if (std::find(g.user_ids.begin(), g.user_ids.end(), user) == g.user_ids.end()) continue;
    if (std::find(g.agent_pool_ids.begin(), g.agent_pool_ids.end(), pool) == g.agent_pool_ids.end())
      continue;
    live.push_back({g.role, g.expires_at});
    d.sources.push_back({AccessSource::Type::kJit, g.id, g.expires_at});
  }
  for (const auto& [role, _] : live) d.role = std::max(d.role, role);
  d.allowed = RoleAllows(d.role, permission);
  // valid_until by brute force: the first expiry after which the strongest role differs.
  std::vector<Millis> instants;
  for (const auto& [_, until] : live)
    if (until != std::numeric_limits<Millis>::max()) instants.push_back(until);
  std::sort(instants.begin(), instants.end());
  for (Millis t : instants) {
    Role after = Role::kNone;
    for (const auto& [role, until] : live)
      if (until > t) after = std::max(after, role);
    if (after != d.role) {
      d.valid_until = t;
      break;
    }
  }
  return d;
}

// Directories of several hundred users (more than one chunk), random groups and grants; the index,
// built in one go or through WithGrants, must agree with the reference model everywhere.
TEST(AccessIndexModelTest, AgreesWithTheReferenceModel) {
  std::mt19937 rng(12345);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const int n_users = 600, n_pools = 12;
  Directory dir;
  for (int i = 0; i < n_users; ++i) {
    User u;
    u.id = "user-" + std::to_string(i);
    u.disabled = pick(10) == 0;
    dir.users.push_back(u);
  }
  for (int i = 0; i < n_pools; ++i)
    dir.pools.push_back(AgentPool{"pool-" + std::to_string(i), "", "", 0});
  for (int g = 0; g < 20; ++g) {
    Group grp{"group-" + std::to_string(g), "", {}, {}, 0};
    for (int k = 0; k < 30; ++k) grp.member_ids.push_back(dir.users[pick(n_users)].id);
    for (int k = 0; k < 2; ++k)
      grp.pool_access.push_back(
          {dir.pools[pick(n_pools)].id, pick(2) ? Role::kStandard : Role::kPrivileged});
    dir.groups.push_back(grp);
  }
  auto random_grants = [&](int n) {
    std::vector<Grant> out;
    for (int i = 0; i < n; ++i) {
      Grant g;
      g.id = "grant-" + std::to_string(rng());
      g.role = pick(2) ? Role::kStandard : Role::kPrivileged;
      for (int k = 0, m = 1 + pick(3); k < m; ++k)
        g.user_ids.push_back(dir.users[pick(n_users)].id);
      for (int k = 0, m = 1 + pick(2); k < m; ++k)
        g.agent_pool_ids.push_back(dir.pools[pick(n_pools)].id);
      g.expires_at = kNow + pick(5) * 1000 - 1000;  // some already over
      out.push_back(g);
    }
    return out;
  };
  dir.active_grants = random_grants(150);
  auto first = AccessIndex::Build(dir);
  const std::vector<Grant> other = random_grants(150);
  auto changed = first->WithGrants(other);
  Directory dir2 = dir;
  dir2.active_grants = other;
  auto rebuilt = AccessIndex::Build(dir2);

  auto same = [](const AccessDecision& got, const AccessDecision& want) {
    if (got.allowed != want.allowed || got.role != want.role ||
        got.valid_until != want.valid_until || got.sources.size() != want.sources.size())
      return false;
    auto key = [](const AccessSource& s) {
      return std::tuple(s.type, std::string(s.id), s.expires_at);
    };
    std::vector<decltype(key(got.sources[0]))> a, b;
    for (const auto& s : got.sources) a.push_back(key(s));
    for (const auto& s : want.sources) b.push_back(key(s));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  };
  int compared = 0, allowed = 0;
  for (Millis now : {kNow - 1, kNow, kNow + 1500, kNow + 5000}) {
    for (const User& u : dir.users) {
      for (const AgentPool& p : dir.pools) {
        for (Permission perm : {Permission::kUse, Permission::kIgnoreQuota}) {
          const AccessDecision want1 = Expected(dir, u.id, p.id, perm, now);
          const AccessDecision want2 = Expected(dir2, u.id, p.id, perm, now);
          ASSERT_TRUE(same(first->Check(u.id, p.id, perm, now), want1))
              << u.id << " " << p.id << " " << now;
          ASSERT_TRUE(same(changed->Check(u.id, p.id, perm, now), want2))
              << u.id << " " << p.id << " " << now;
          ASSERT_TRUE(same(rebuilt->Check(u.id, p.id, perm, now), want2))
              << u.id << " " << p.id << " " << now;
          ++compared;
          allowed += want2.allowed;
        }
      }
      // AccessOf lists exactly the pools with a role, in id order.
      std::vector<std::string> want_pools;
      for (const AgentPool& p : dir.pools)
        if (Expected(dir2, u.id, p.id, Permission::kUse, now).role != Role::kNone)
          want_pools.push_back(p.id);
      std::sort(want_pools.begin(), want_pools.end());
      std::vector<std::string> got_pools;
      for (const auto& s : changed->AccessOf(u.id, now)) got_pools.emplace_back(s.agent_pool_id);
      ASSERT_EQ(got_pools, want_pools) << u.id;
    }
  }
  EXPECT_GT(allowed, compared / 50);  // the data is not trivially empty
  EXPECT_LT(allowed, compared);
}

}  // namespace
}  // namespace jitgate
