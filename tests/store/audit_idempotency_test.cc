// Conformance: the hash-chained audit log and idempotency records.
#include "conformance.h"
#include "core/audit_chain.h"

namespace jitgate::testing {
namespace {

// Appends each event in its own Write and returns them as the store numbered them.
std::vector<AuditEvent> AppendAll(Store& store, std::vector<AuditEvent> events) {
  for (AuditEvent& ev : events) {
    Status st = store.Write([&](WriteTx& tx) { return tx.AppendAudit(ev); });
    EXPECT_TRUE(st.ok()) << st.message();
  }
  return events;
}

std::vector<int64_t> Seqs(const std::vector<AuditEvent>& events) {
  std::vector<int64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

std::vector<AuditEvent> SampleLog(Store& store) {
  return AppendAll(
      store,
      {MakeEvent("user.created", 100, Id(1), Id(2)), MakeEvent("group.created", 200, Id(1), Id(3)),
       MakeEvent("group.updated", 300, Id(2), Id(3)), MakeEvent("jit.granted", 400, Id(1), Id(4)),
       MakeEvent("groupie.x", 500, std::nullopt, Id(4))});
}

TEST_P(StoreConformance, AuditSeqIsContiguousAndHashesChainFromGenesis) {
  const std::vector<AuditEvent> appended = SampleLog(store());
  EXPECT_EQ(Seqs(appended), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  std::vector<AuditEvent> stored;
  ASSERT_OK(store().Read([&](ReadTx& tx) {
    return tx.ForEachAudit(0, [&](const AuditEvent& e) {
      stored.push_back(e);
      return true;
    });
  }));
  ASSERT_EQ(stored.size(), 5u);
  std::string prev = kAuditGenesisHash;
  for (size_t i = 0; i < stored.size(); ++i) {
    const AuditEvent& e = stored[i];
    EXPECT_EQ(e.seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(e.hash, AuditChainHash(prev, e)) << "seq " << e.seq;
    EXPECT_EQ(e.hash, appended[i].hash);
    EXPECT_EQ(e.at, appended[i].at);
    EXPECT_EQ(e.actor_id, appended[i].actor_id);
    EXPECT_EQ(e.actor_type, appended[i].actor_type);
    EXPECT_EQ(e.type, appended[i].type);
    EXPECT_EQ(e.target_id, appended[i].target_id);
    EXPECT_EQ(e.details_json, appended[i].details_json);
    prev = e.hash;
  }
}

TEST_P(StoreConformance, AuditEventsInOneWriteGetConsecutiveSeqs) {
  AuditEvent a = MakeEvent("a.one", 1), b = MakeEvent("a.two", 2);
  ASSERT_OK(store().Write([&](WriteTx& tx) -> Status {
    RETURN_IF_ERROR(tx.AppendAudit(a));
    return tx.AppendAudit(b);
  }));
  EXPECT_EQ(a.seq, 1);
  EXPECT_EQ(b.seq, 2);
  EXPECT_EQ(b.hash, AuditChainHash(a.hash, b));
}

TEST_P(StoreConformance, ForEachAuditStartsAfterSeqAndStopsWhenAsked) {
  SampleLog(store());
  std::vector<int64_t> seen;
  ASSERT_OK(store().Read([&](ReadTx& tx) {
    return tx.ForEachAudit(2, [&](const AuditEvent& e) {
      seen.push_back(e.seq);
      return e.seq < 4;
    });
  }));
  EXPECT_EQ(seen, (std::vector<int64_t>{3, 4}));
}

TEST_P(StoreConformance, ListAuditFiltersByTypeActorTargetAndTime) {
  SampleLog(store());
  auto list = [&](AuditQuery q) {
    q.limit = 100;
    return READ(ListAudit(q));
  };
  AuditQuery q;
  q.type = "group.updated";
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> exact, list(q));
  EXPECT_EQ(Seqs(exact.items), (std::vector<int64_t>{3}));
  q.type = "group.*";  // the prefix "group." only: not "groupie.x"
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> prefix, list(q));
  EXPECT_EQ(Seqs(prefix.items), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(prefix.total, 2);
  q = AuditQuery{};
  q.type = "group";  // exact match only, no implicit prefix
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> bare, list(q));
  EXPECT_EQ(bare.total, 0);
  q = AuditQuery{};
  q.actor_id = Id(1);
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> actor, list(q));
  EXPECT_EQ(Seqs(actor.items), (std::vector<int64_t>{1, 2, 4}));
  q = AuditQuery{};
  q.target_id = Id(4);
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> target, list(q));
  EXPECT_EQ(Seqs(target.items), (std::vector<int64_t>{4, 5}));
  q = AuditQuery{};
  q.since = 200;
  q.until = 400;  // half-open: at >= 200 and at < 400
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> window, list(q));
  EXPECT_EQ(Seqs(window.items), (std::vector<int64_t>{2, 3}));
  q.actor_id = Id(2);
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> combined, list(q));
  EXPECT_EQ(Seqs(combined.items), (std::vector<int64_t>{3}));
}

TEST_P(StoreConformance, ListAuditPrefixTreatsLikeWildcardsLiterally) {
  AppendAll(store(), {MakeEvent("a_b.x", 1), MakeEvent("axb.y", 2), MakeEvent("a%b.z", 3)});
  AuditQuery q;
  q.type = "a_b.*";
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> page, READ(ListAudit(q)));
  EXPECT_EQ(Seqs(page.items), (std::vector<int64_t>{1}));
}

TEST_P(StoreConformance, ListAuditIsOldestFirstWithTotalAndPages) {
  SampleLog(store());
  ASSERT_OK_AND_ASSIGN(Page<AuditEvent> page,
                       READ(ListAudit(AuditQuery{"", "", "", {}, {}, 1, 2})));
  EXPECT_EQ(Seqs(page.items), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(page.total, 5);
}

TEST_P(StoreConformance, IdempotencyRecordRoundTripAndConflict) {
  const IdempotencyRecord r{Id(1), "key-1", "reqhash", "grant", Id(50), 1000};
  ASSERT_OK(WRITE(InsertIdempotency(r)));
  ASSERT_OK_AND_ASSIGN(IdempotencyRecord got, READ(GetIdempotency(Id(1), "key-1")));
  EXPECT_EQ(got.caller_id, r.caller_id);
  EXPECT_EQ(got.key, r.key);
  EXPECT_EQ(got.request_hash, r.request_hash);
  EXPECT_EQ(got.resource_type, r.resource_type);
  EXPECT_EQ(got.resource_id, r.resource_id);
  EXPECT_EQ(got.created_at, r.created_at);
  const IdempotencyRecord again{Id(1), "key-1", "other", "grant", Id(51), 2000};
  EXPECT_CODE(WRITE(InsertIdempotency(again)), kConflict);
  // The same key from another caller is a different record.
  ASSERT_OK(
      WRITE(InsertIdempotency(IdempotencyRecord{Id(2), "key-1", "h", "grant", Id(52), 1000})));
  EXPECT_CODE(READ(GetIdempotency(Id(3), "key-1")), kNotFound);
}

TEST_P(StoreConformance, DeleteIdempotencyBeforeForgetsOnlyOlderRecords) {
  ASSERT_OK(WRITE(InsertIdempotency(IdempotencyRecord{Id(1), "old", "h", "grant", Id(50), 999})));
  ASSERT_OK(WRITE(InsertIdempotency(IdempotencyRecord{Id(1), "edge", "h", "grant", Id(51), 1000})));
  ASSERT_OK(WRITE(DeleteIdempotencyBefore(1000)));
  EXPECT_CODE(READ(GetIdempotency(Id(1), "old")), kNotFound);
  ASSERT_OK(READ(GetIdempotency(Id(1), "edge")));
  ASSERT_OK(WRITE(InsertIdempotency(IdempotencyRecord{Id(1), "old", "h2", "grant", Id(53), 2000})));
}

}  // namespace
}  // namespace jitgate::testing
