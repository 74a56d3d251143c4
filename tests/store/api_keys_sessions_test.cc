// Conformance: API keys and sessions.
#include "conformance.h"

namespace jitgate::testing {
namespace {

TEST_P(StoreConformance, ApiKeyReadsBackByIdAndPrefixWithEveryField) {
  Put(MakeUser(1, "ada@example.com"));
  ApiKey all_rights = MakeKey(10, Id(1), "jg_AAAA0001", 100);
  ApiKey scoped = MakeKey(11, Id(1), "jg_AAAA0002", 200);
  scoped.scopes = std::vector<std::string>{"access:check", "grants:read"};
  scoped.expires_at = 9000;
  scoped.last_used_at = 300;
  ApiKey no_scopes = MakeKey(12, Id(1), "jg_AAAA0003", 300);
  no_scopes.scopes = std::vector<std::string>{};  // no rights at all: distinct from nullopt
  for (const ApiKey& k : {all_rights, scoped, no_scopes}) Put(k);
  for (const ApiKey& k : {all_rights, scoped, no_scopes}) {
    ASSERT_OK_AND_ASSIGN(ApiKey by_id, READ(GetApiKey(k.id)));
    ExpectSameKey(k, by_id);
    ASSERT_OK_AND_ASSIGN(ApiKey by_prefix, READ(GetApiKeyByPrefix(k.prefix)));
    ExpectSameKey(k, by_prefix);
  }
}

TEST_P(StoreConformance, ApiKeyPrefixIsUnique) {
  Put(MakeUser(1, "ada@example.com"));
  Put(MakeKey(10, Id(1), "jg_SAME0000", 100));
  EXPECT_CODE(WRITE(InsertApiKey(MakeKey(11, Id(1), "jg_SAME0000", 200))), kConflict);
  EXPECT_CODE(READ(GetApiKey(Id(11))), kNotFound);
}

TEST_P(StoreConformance, MissingApiKeyIsNotFound) {
  EXPECT_CODE(READ(GetApiKey(Id(404))), kNotFound);
  EXPECT_CODE(READ(GetApiKeyByPrefix("jg_nothere")), kNotFound);
  EXPECT_CODE(WRITE(MarkApiKeyRevoked(Id(404), 5)), kNotFound);
  EXPECT_CODE(WRITE(TouchApiKey(Id(404), 5)), kNotFound);
}

TEST_P(StoreConformance, RevokedApiKeyIsUnlistedButStillFoundByPrefix) {
  Put(MakeUser(1, "ada@example.com"));
  Put(MakeKey(10, Id(1), "jg_KEEP0001", 100));
  Put(MakeKey(11, Id(1), "jg_GONE0001", 200));
  ASSERT_OK(WRITE(MarkApiKeyRevoked(Id(11), 500)));
  ASSERT_OK_AND_ASSIGN(Page<ApiKey> page, READ(ListApiKeys(ApiKeyQuery{Id(1), 0, 10})));
  EXPECT_EQ(Ids(page.items), (std::vector<std::string>{Id(10)}));
  EXPECT_EQ(page.total, 1);
  ASSERT_OK_AND_ASSIGN(ApiKey revoked, READ(GetApiKeyByPrefix("jg_GONE0001")));
  EXPECT_EQ(revoked.revoked_at, 500);
}

TEST_P(StoreConformance, ListApiKeysIsPerUserNewestFirstWithPages) {
  Put(MakeUser(1, "ada@example.com"));
  Put(MakeUser(2, "bob@example.com"));
  Put(MakeKey(10, Id(1), "jg_A0000010", 100));
  Put(MakeKey(11, Id(1), "jg_A0000011", 300));
  Put(MakeKey(12, Id(1), "jg_A0000012", 200));
  Put(MakeKey(13, Id(2), "jg_B0000013", 400));
  ASSERT_OK_AND_ASSIGN(Page<ApiKey> ada, READ(ListApiKeys(ApiKeyQuery{Id(1), 0, 10})));
  EXPECT_EQ(Ids(ada.items), (std::vector<std::string>{Id(11), Id(12), Id(10)}));
  EXPECT_EQ(ada.total, 3);
  ASSERT_OK_AND_ASSIGN(Page<ApiKey> page, READ(ListApiKeys(ApiKeyQuery{Id(1), 2, 2})));
  EXPECT_EQ(Ids(page.items), (std::vector<std::string>{Id(10)}));
  EXPECT_EQ(page.total, 3);
  ASSERT_OK_AND_ASSIGN(Page<ApiKey> nobody, READ(ListApiKeys(ApiKeyQuery{Id(99), 0, 10})));
  EXPECT_EQ(nobody.total, 0);
}

TEST_P(StoreConformance, TouchApiKeySetsLastUsed) {
  Put(MakeUser(1, "ada@example.com"));
  Put(MakeKey(10, Id(1), "jg_T0000010", 100));
  ASSERT_OK(WRITE(TouchApiKey(Id(10), 12345)));
  ASSERT_OK_AND_ASSIGN(ApiKey k, READ(GetApiKey(Id(10))));
  EXPECT_EQ(k.last_used_at, 12345);
}

TEST_P(StoreConformance, SessionRoundTripTouchAndDelete) {
  Put(MakeUser(1, "ada@example.com"));
  const Session s = MakeSession("hash-1", Id(1));
  Put(s);
  ASSERT_OK_AND_ASSIGN(Session got, READ(GetSession("hash-1")));
  EXPECT_EQ(got.token_hash, s.token_hash);
  EXPECT_EQ(got.csrf_hash, s.csrf_hash);
  EXPECT_EQ(got.user_id, s.user_id);
  EXPECT_EQ(got.created_at, s.created_at);
  EXPECT_EQ(got.last_seen_at, s.last_seen_at);
  EXPECT_EQ(got.expires_at, s.expires_at);
  ASSERT_OK(WRITE(TouchSession("hash-1", 2500)));
  ASSERT_OK_AND_ASSIGN(Session touched, READ(GetSession("hash-1")));
  EXPECT_EQ(touched.last_seen_at, 2500);
  EXPECT_EQ(touched.expires_at, s.expires_at);
  ASSERT_OK(WRITE(DeleteSession("hash-1")));
  EXPECT_CODE(READ(GetSession("hash-1")), kNotFound);
}

TEST_P(StoreConformance, MissingSessionIsNotFound) {
  EXPECT_CODE(READ(GetSession("nope")), kNotFound);
  EXPECT_CODE(WRITE(DeleteSession("nope")), kNotFound);
  EXPECT_CODE(WRITE(TouchSession("nope", 5)), kNotFound);
}

TEST_P(StoreConformance, DeleteSessionsOfUserLeavesOtherUsersSessions) {
  Put(MakeUser(1, "ada@example.com"));
  Put(MakeUser(2, "bob@example.com"));
  Put(MakeSession("ada-1", Id(1)));
  Put(MakeSession("ada-2", Id(1)));
  Put(MakeSession("bob-1", Id(2)));
  ASSERT_OK(WRITE(DeleteSessionsOfUser(Id(1))));
  EXPECT_CODE(READ(GetSession("ada-1")), kNotFound);
  EXPECT_CODE(READ(GetSession("ada-2")), kNotFound);
  ASSERT_OK(READ(GetSession("bob-1")));
  // A user without sessions is not an error.
  ASSERT_OK(WRITE(DeleteSessionsOfUser(Id(1))));
}

}  // namespace
}  // namespace jitgate::testing
