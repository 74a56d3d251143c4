// Conformance: JIT grants, their effective status at a given `now`, and the expiry queries.
#include "conformance.h"

namespace jitgate::testing {
namespace {

constexpr Millis kNow = 1'700'000'000'000;

TEST_P(StoreConformance, InsertedGrantReadsBackWithUsersAndPoolsInOrder) {
  const Grant g =
      MakeGrant(1, {Id(103), Id(101), Id(102)}, {Id(202), Id(201)}, kNow, kNow + kMillisPerHour);
  Put(g);
  ASSERT_OK_AND_ASSIGN(Grant got, READ(GetGrant(g.id)));
  ExpectSameGrant(g, got);
  EXPECT_FALSE(got.revoked_at.has_value());
  EXPECT_FALSE(got.revoked_by.has_value());

  const Grant revoked = MakeGrant(2, {Id(101)}, {Id(201)}, kNow, kNow + 10, GrantStatus::kRevoked);
  Put(revoked);
  ASSERT_OK_AND_ASSIGN(Grant got_revoked, READ(GetGrant(revoked.id)));
  ExpectSameGrant(revoked, got_revoked);
}

TEST_P(StoreConformance, MissingGrantIsNotFound) {
  EXPECT_CODE(READ(GetGrant(Id(404))), kNotFound);
  EXPECT_CODE(WRITE(MarkGrantRevoked(Id(404), kNow, Id(1))), kNotFound);
  EXPECT_CODE(WRITE(MarkGrantExpired(Id(404))), kNotFound);
}

// Five grants, one per status case, each created one second apart (1 oldest).
void PutStatusCases(const std::function<void(const Grant&)>& put) {
  put(MakeGrant(1, {Id(101)}, {Id(201)}, kNow - 5000, kNow + 1000));  // active
  put(MakeGrant(2, {Id(101)}, {Id(201)}, kNow - 4000, kNow));         // boundary: expired
  put(MakeGrant(3, {Id(102)}, {Id(202)}, kNow - 3000, kNow - 1));     // expired
  put(MakeGrant(4, {Id(102)}, {Id(201)}, kNow - 2000, kNow - 500,
                GrantStatus::kExpired));  // recorded expired
  put(MakeGrant(5, {Id(101)}, {Id(202)}, kNow - 1000, kNow + 1000,
                GrantStatus::kRevoked));  // revoked
}

std::vector<std::string> IdsOf(std::initializer_list<int> ns) {
  std::vector<std::string> out;
  for (int n : ns) out.push_back(Id(n));
  return out;
}

TEST_P(StoreConformance, ListGrantsFiltersByEffectiveStatusAtNow) {
  PutStatusCases([&](const Grant& g) { Put(g); });
  auto list = [&](GrantFilter f) { return READ(ListGrants(GrantQuery{f, kNow, "", "", 0, 100})); };
  ASSERT_OK_AND_ASSIGN(Page<Grant> active, list(GrantFilter::kActive));
  EXPECT_EQ(Ids(active.items), IdsOf({1}));
  EXPECT_EQ(active.total, 1);
  ASSERT_OK_AND_ASSIGN(Page<Grant> expired, list(GrantFilter::kExpired));
  EXPECT_EQ(Ids(expired.items), IdsOf({4, 3, 2}));
  EXPECT_EQ(expired.total, 3);
  ASSERT_OK_AND_ASSIGN(Page<Grant> revoked, list(GrantFilter::kRevoked));
  EXPECT_EQ(Ids(revoked.items), IdsOf({5}));
  ASSERT_OK_AND_ASSIGN(Page<Grant> all, list(GrantFilter::kAll));
  EXPECT_EQ(Ids(all.items), IdsOf({5, 4, 3, 2, 1}));
  EXPECT_EQ(all.total, 5);
  // Lists carry the stored status; callers apply EffectiveStatus.
  EXPECT_EQ(expired.items[1].status, GrantStatus::kActive);
  EXPECT_EQ(expired.items[0].status, GrantStatus::kExpired);
  EXPECT_EQ(EffectiveStatus(expired.items[2], kNow), GrantStatus::kExpired);
}

TEST_P(StoreConformance, ListGrantsJudgesStatusAtTheGivenNow) {
  PutStatusCases([&](const Grant& g) { Put(g); });
  // One millisecond earlier the boundary grant (2) is still active.
  ASSERT_OK_AND_ASSIGN(
      Page<Grant> active,
      READ(ListGrants(GrantQuery{GrantFilter::kActive, kNow - 1, "", "", 0, 100})));
  EXPECT_EQ(Ids(active.items), IdsOf({2, 1}));
}

TEST_P(StoreConformance, ListGrantsFiltersByUserAndPool) {
  PutStatusCases([&](const Grant& g) { Put(g); });
  ASSERT_OK_AND_ASSIGN(Page<Grant> user,
                       READ(ListGrants(GrantQuery{GrantFilter::kAll, kNow, Id(102), "", 0, 100})));
  EXPECT_EQ(Ids(user.items), IdsOf({4, 3}));
  ASSERT_OK_AND_ASSIGN(Page<Grant> pool,
                       READ(ListGrants(GrantQuery{GrantFilter::kAll, kNow, "", Id(202), 0, 100})));
  EXPECT_EQ(Ids(pool.items), IdsOf({5, 3}));
  ASSERT_OK_AND_ASSIGN(
      Page<Grant> both,
      READ(ListGrants(GrantQuery{GrantFilter::kExpired, kNow, Id(101), Id(201), 0, 100})));
  EXPECT_EQ(Ids(both.items), IdsOf({2}));
  EXPECT_EQ(both.total, 1);
  ASSERT_OK_AND_ASSIGN(Page<Grant> none,
                       READ(ListGrants(GrantQuery{GrantFilter::kAll, kNow, Id(999), "", 0, 100})));
  EXPECT_EQ(none.total, 0);
}

TEST_P(StoreConformance, ListGrantsIsNewestFirstThenIdDescendingWithPages) {
  Put(MakeGrant(1, {Id(101)}, {Id(201)}, kNow - 10, kNow + 1000));
  Put(MakeGrant(3, {Id(101)}, {Id(201)}, kNow, kNow + 1000));
  Put(MakeGrant(2, {Id(101)}, {Id(201)}, kNow, kNow + 1000));  // same instant as 3: id decides
  Put(MakeGrant(4, {Id(101)}, {Id(201)}, kNow - 20, kNow + 1000));
  ASSERT_OK_AND_ASSIGN(Page<Grant> all,
                       READ(ListGrants(GrantQuery{GrantFilter::kActive, kNow, "", "", 0, 10})));
  EXPECT_EQ(Ids(all.items), IdsOf({3, 2, 1, 4}));
  ASSERT_OK_AND_ASSIGN(Page<Grant> page,
                       READ(ListGrants(GrantQuery{GrantFilter::kActive, kNow, "", "", 1, 2})));
  EXPECT_EQ(Ids(page.items), IdsOf({2, 1}));
  EXPECT_EQ(page.total, 4);
  // Listed grants carry their members.
  EXPECT_EQ(page.items[0].user_ids, IdsOf({101}));
  EXPECT_EQ(page.items[0].agent_pool_ids, IdsOf({201}));
}

TEST_P(StoreConformance, CountActiveGrantsCountsOnlyStoredActiveBeforeExpiry) {
  ASSERT_OK_AND_ASSIGN(int64_t zero, READ(CountActiveGrants(kNow)));
  EXPECT_EQ(zero, 0);
  PutStatusCases([&](const Grant& g) { Put(g); });
  ASSERT_OK_AND_ASSIGN(int64_t now, READ(CountActiveGrants(kNow)));
  EXPECT_EQ(now, 1);
  ASSERT_OK_AND_ASSIGN(int64_t earlier, READ(CountActiveGrants(kNow - 1)));
  EXPECT_EQ(earlier, 2);
  ASSERT_OK_AND_ASSIGN(int64_t later, READ(CountActiveGrants(kNow + 1000)));
  EXPECT_EQ(later, 0);
}

TEST_P(StoreConformance, UserAndPoolInActiveGrantFollowEffectiveStatus) {
  PutStatusCases([&](const Grant& g) { Put(g); });
  EXPECT_TRUE(READ(UserInActiveGrant(Id(101), kNow)).value());
  EXPECT_FALSE(READ(UserInActiveGrant(Id(102), kNow)).value());  // only expired grants
  EXPECT_TRUE(READ(UserInActiveGrant(Id(102), kNow - 2)).value());
  EXPECT_FALSE(READ(UserInActiveGrant(Id(101), kNow + 1000)).value());
  EXPECT_FALSE(READ(UserInActiveGrant(Id(999), kNow)).value());
  EXPECT_TRUE(READ(PoolInActiveGrant(Id(201), kNow)).value());
  EXPECT_FALSE(READ(PoolInActiveGrant(Id(202), kNow)).value());  // expired (3) and revoked (5)
  EXPECT_TRUE(READ(PoolInActiveGrant(Id(202), kNow - 2)).value());
  EXPECT_FALSE(READ(PoolInActiveGrant(Id(999), kNow)).value());
}

TEST_P(StoreConformance, ListExpiredButActiveIsOldestExpiryFirstAndLimited) {
  PutStatusCases([&](const Grant& g) { Put(g); });
  Put(MakeGrant(6, {Id(103)}, {Id(203)}, kNow - 100, kNow - 2000));
  ASSERT_OK_AND_ASSIGN(std::vector<Grant> due, READ(ListExpiredButActive(kNow, 10)));
  EXPECT_EQ(Ids(due), IdsOf({6, 3, 2}));  // not 4 (recorded) nor 5 (revoked), and 2 at the boundary
  EXPECT_EQ(due[0].user_ids, IdsOf({103}));
  ASSERT_OK_AND_ASSIGN(std::vector<Grant> first, READ(ListExpiredButActive(kNow, 2)));
  EXPECT_EQ(Ids(first), IdsOf({6, 3}));
  ASSERT_OK_AND_ASSIGN(std::vector<Grant> none, READ(ListExpiredButActive(kNow - 5000, 10)));
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreConformance, NextActiveExpiryIsTheSmallestAmongStoredActive) {
  ASSERT_OK_AND_ASSIGN(std::optional<Millis> empty, READ(NextActiveExpiry()));
  EXPECT_FALSE(empty.has_value());
  Put(MakeGrant(1, {Id(101)}, {Id(201)}, kNow, kNow + 500));
  Put(MakeGrant(2, {Id(101)}, {Id(201)}, kNow, kNow + 100));
  Put(MakeGrant(3, {Id(101)}, {Id(201)}, kNow, kNow + 50, GrantStatus::kRevoked));
  Put(MakeGrant(4, {Id(101)}, {Id(201)}, kNow, kNow + 10, GrantStatus::kExpired));
  ASSERT_OK_AND_ASSIGN(std::optional<Millis> next, READ(NextActiveExpiry()));
  EXPECT_EQ(next, kNow + 100);
  ASSERT_OK(WRITE(MarkGrantExpired(Id(2))));
  ASSERT_OK_AND_ASSIGN(std::optional<Millis> after, READ(NextActiveExpiry()));
  EXPECT_EQ(after, kNow + 500);
}

TEST_P(StoreConformance, MarkGrantRevokedRecordsWhenAndWho) {
  Put(MakeGrant(1, {Id(101)}, {Id(201)}, kNow, kNow + 1000));
  ASSERT_OK(WRITE(MarkGrantRevoked(Id(1), kNow + 5, Id(7))));
  ASSERT_OK_AND_ASSIGN(Grant g, READ(GetGrant(Id(1))));
  EXPECT_EQ(g.status, GrantStatus::kRevoked);
  EXPECT_EQ(g.revoked_at, kNow + 5);
  EXPECT_EQ(g.revoked_by, Id(7));
  EXPECT_EQ(g.expires_at, kNow + 1000);
  ASSERT_OK_AND_ASSIGN(int64_t active, READ(CountActiveGrants(kNow)));
  EXPECT_EQ(active, 0);
}

TEST_P(StoreConformance, MarkGrantExpiredChangesOnlyTheStatus) {
  const Grant original = MakeGrant(1, {Id(101), Id(102)}, {Id(201)}, kNow, kNow + 1000);
  Put(original);
  ASSERT_OK(WRITE(MarkGrantExpired(Id(1))));
  ASSERT_OK_AND_ASSIGN(Grant g, READ(GetGrant(Id(1))));
  Grant want = original;
  want.status = GrantStatus::kExpired;
  ExpectSameGrant(want, g);
  ASSERT_OK_AND_ASSIGN(std::vector<Grant> due, READ(ListExpiredButActive(kNow + 2000, 10)));
  EXPECT_TRUE(due.empty());
}

}  // namespace
}  // namespace jitgate::testing
