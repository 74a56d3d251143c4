// Conformance: the change feed replicas follow (store.h: Change, ListChangesAfter, LastChangeSeq).
#include "conformance.h"

namespace jitgate::testing {
namespace {

constexpr Millis kNow = 1'700'000'000'000;

std::vector<Change> ChangesAfter(StoreConformance* t, Store& s, int64_t seq) {
  std::vector<Change> out;
  Status st = s.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.ListChangesAfter(seq, 1000));
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

TEST_P(StoreConformance, EmptyFeedStartsAtZero) {
  ASSERT_OK_AND_ASSIGN(int64_t last, READ(LastChangeSeq()));
  EXPECT_EQ(last, 0);
  EXPECT_TRUE(ChangesAfter(this, store(), 0).empty());
}

TEST_P(StoreConformance, EveryMutationAppendsOneChangeInCommitOrder) {
  Put(MakeUser(1, "a@example.com"));
  Put(MakePool(2, "pool-a"));
  Put(MakeGroup(3, "group-a", {Id(1)}, {}));
  Put(MakeGrant(4, {Id(1)}, {Id(2)}, kNow, kNow + kMillisPerHour));
  ASSERT_OK(WRITE(MarkGrantRevoked(Id(4), kNow + 1, Id(1))));
  ASSERT_OK(WRITE(DeletePool(Id(2))));

  const std::vector<Change> got = ChangesAfter(this, store(), 0);
  const std::vector<std::pair<ChangeKind, std::string>> want = {
      {ChangeKind::kUser, Id(1)},  {ChangeKind::kPool, Id(2)},  {ChangeKind::kGroup, Id(3)},
      {ChangeKind::kGrant, Id(4)}, {ChangeKind::kGrant, Id(4)}, {ChangeKind::kPool, Id(2)}};
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].seq, static_cast<int64_t>(i + 1)) << i;
    EXPECT_EQ(got[i].kind, want[i].first) << i;
    EXPECT_EQ(got[i].id, want[i].second) << i;
  }
  ASSERT_OK_AND_ASSIGN(int64_t last, READ(LastChangeSeq()));
  EXPECT_EQ(last, 6);
  EXPECT_EQ(ChangesAfter(this, store(), 4).size(), 2u);
}

TEST_P(StoreConformance, FailedOrUnrecordedWritesAddNoChange) {
  Put(MakeUser(1, "a@example.com"));
  // A failed write rolls its change back with it.
  EXPECT_CODE(WRITE(InsertUser(MakeUser(2, "A@example.com"))), kConflict);
  EXPECT_CODE(WRITE(DeleteGroup(Id(99))), kNotFound);
  // Usage stamps, new sessions and audit events are not in the feed.
  Put(MakeSession("token-hash", Id(1)));
  ASSERT_OK(WRITE(TouchSession("token-hash", kNow)));
  ASSERT_OK_AND_ASSIGN(int64_t last, READ(LastChangeSeq()));
  EXPECT_EQ(last, 1);
  // Logging out is (other replicas must drop the session).
  ASSERT_OK(WRITE(DeleteSession("token-hash")));
  const std::vector<Change> got = ChangesAfter(this, store(), 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, ChangeKind::kSession);
}

TEST_P(StoreConformance, PruningKeepsTheLastSeq) {
  Put(MakePool(1, "pool-a"));
  Put(MakePool(2, "pool-b"));
  // Entries are stamped with the wall clock; a cut-off far in the future prunes all but the last.
  ASSERT_OK(WRITE(DeleteChangesBefore(std::numeric_limits<Millis>::max())));
  const std::vector<Change> left = ChangesAfter(this, store(), 0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].seq, 2);
  Put(MakePool(3, "pool-c"));
  ASSERT_OK_AND_ASSIGN(int64_t last, READ(LastChangeSeq()));
  EXPECT_EQ(last, 3);  // seqs never restart, so readers can tell what they missed
}

}  // namespace
}  // namespace jitgate::testing
