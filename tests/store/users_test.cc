// Conformance: users.
#include "conformance.h"

namespace jitgate::testing {
namespace {

TEST_P(StoreConformance, InsertedUserReadsBackByIdAndEmail) {
  User u = MakeUser(1, "ada@example.com", "Ada Lovelace");
  u.role_manager = true;
  Put(u);
  ASSERT_OK_AND_ASSIGN(User by_id, READ(GetUser(u.id)));
  ExpectSameUser(u, by_id);
  ASSERT_OK_AND_ASSIGN(User by_email, READ(GetUserByEmail("ada@example.com")));
  ExpectSameUser(u, by_email);
}

TEST_P(StoreConformance, EmailIsStoredLowerCasedAndMatchedCaseInsensitively) {
  Put(MakeUser(1, "Ada@Example.COM"));
  ASSERT_OK_AND_ASSIGN(User u, READ(GetUserByEmail("aDA@example.com")));
  EXPECT_EQ(u.email, "ada@example.com");
  ASSERT_OK_AND_ASSIGN(User by_id, READ(GetUser(Id(1))));
  EXPECT_EQ(by_id.email, "ada@example.com");
}

TEST_P(StoreConformance, DuplicateEmailIsAConflictWhateverItsCase) {
  Put(MakeUser(1, "ada@example.com"));
  EXPECT_CODE(WRITE(InsertUser(MakeUser(2, "ADA@example.com"))), kConflict);
  EXPECT_CODE(READ(GetUser(Id(2))), kNotFound);
}

TEST_P(StoreConformance, MissingUserIsNotFound) {
  EXPECT_CODE(READ(GetUser(Id(404))), kNotFound);
  EXPECT_CODE(READ(GetUserByEmail("nobody@example.com")), kNotFound);
  EXPECT_CODE(WRITE(UpdateUser(MakeUser(404, "nobody@example.com"))), kNotFound);
  EXPECT_CODE(WRITE(DeleteUser(Id(404))), kNotFound);
}

TEST_P(StoreConformance, UpdateUserReplacesEveryMutableField) {
  User u = MakeUser(1, "ada@example.com");
  Put(u);
  User changed = u;
  changed.email = "Lovelace@Example.com";
  changed.name = "Countess";
  changed.role_manager = true;
  changed.disabled = true;
  changed.password_hash = "";
  changed.created_at = 5;  // not mutable: the stored value stays
  ASSERT_OK(WRITE(UpdateUser(changed)));
  ASSERT_OK_AND_ASSIGN(User got, READ(GetUser(u.id)));
  EXPECT_EQ(got.email, "lovelace@example.com");
  EXPECT_EQ(got.name, "Countess");
  EXPECT_TRUE(got.role_manager);
  EXPECT_TRUE(got.disabled);
  EXPECT_EQ(got.password_hash, "");
  EXPECT_EQ(got.created_at, u.created_at);
  EXPECT_CODE(READ(GetUserByEmail("ada@example.com")), kNotFound);
}

TEST_P(StoreConformance, UpdateUserToATakenEmailIsAConflict) {
  Put(MakeUser(1, "ada@example.com"));
  Put(MakeUser(2, "bob@example.com"));
  User bob = MakeUser(2, "ADA@example.com");
  EXPECT_CODE(WRITE(UpdateUser(bob)), kConflict);
  ASSERT_OK_AND_ASSIGN(User got, READ(GetUser(Id(2))));
  EXPECT_EQ(got.email, "bob@example.com");
}

TEST_P(StoreConformance, ListUsersIsOrderedByEmailWithTotalAndPages) {
  Put(MakeUser(1, "carol@example.com"));
  Put(MakeUser(2, "alice@example.com"));
  Put(MakeUser(3, "bob@example.com"));
  Put(MakeUser(4, "dave@example.com"));
  ASSERT_OK_AND_ASSIGN(Page<User> all, READ(ListUsers(UserQuery{"", 0, 10})));
  EXPECT_EQ(all.total, 4);
  EXPECT_EQ(Ids(all.items), (std::vector<std::string>{Id(2), Id(3), Id(1), Id(4)}));
  ASSERT_OK_AND_ASSIGN(Page<User> page2, READ(ListUsers(UserQuery{"", 1, 2})));
  EXPECT_EQ(page2.total, 4);
  EXPECT_EQ(Ids(page2.items), (std::vector<std::string>{Id(3), Id(1)}));
  ASSERT_OK_AND_ASSIGN(Page<User> past, READ(ListUsers(UserQuery{"", 10, 2})));
  EXPECT_EQ(past.total, 4);
  EXPECT_TRUE(past.items.empty());
}

TEST_P(StoreConformance, ListUsersSearchesEmailAndNameCaseInsensitively) {
  Put(MakeUser(1, "ada@example.com", "Ada Lovelace"));
  Put(MakeUser(2, "grace@navy.mil", "Grace Hopper"));
  Put(MakeUser(3, "alan@example.org", "Alan Turing"));
  ASSERT_OK_AND_ASSIGN(Page<User> by_name, READ(ListUsers(UserQuery{"HOPP", 0, 10})));
  EXPECT_EQ(Ids(by_name.items), (std::vector<std::string>{Id(2)}));
  ASSERT_OK_AND_ASSIGN(Page<User> by_email, READ(ListUsers(UserQuery{"EXAMPLE", 0, 1})));
  EXPECT_EQ(by_email.total, 2);
  EXPECT_EQ(Ids(by_email.items), (std::vector<std::string>{Id(1)}));
}

TEST_P(StoreConformance, ListUsersSearchTreatsLikeWildcardsLiterally) {
  Put(MakeUser(1, "percent@example.com", "100% sure"));
  Put(MakeUser(2, "under_score@example.com", "Under Score"));
  Put(MakeUser(3, "plain@example.com", "Plain"));
  Put(MakeUser(4, "back@example.com", "back\\slash"));
  ASSERT_OK_AND_ASSIGN(Page<User> pct, READ(ListUsers(UserQuery{"%", 0, 10})));
  EXPECT_EQ(Ids(pct.items), (std::vector<std::string>{Id(1)}));
  ASSERT_OK_AND_ASSIGN(Page<User> us, READ(ListUsers(UserQuery{"_", 0, 10})));
  EXPECT_EQ(Ids(us.items), (std::vector<std::string>{Id(2)}));
  ASSERT_OK_AND_ASSIGN(Page<User> bs, READ(ListUsers(UserQuery{"\\", 0, 10})));
  EXPECT_EQ(Ids(bs.items), (std::vector<std::string>{Id(4)}));
}

TEST_P(StoreConformance, CountEnabledRoleManagersIgnoresDisabledAndPlainUsers) {
  User a = MakeUser(1, "a@example.com");
  a.role_manager = true;
  User b = MakeUser(2, "b@example.com");
  b.role_manager = true;
  b.disabled = true;
  User c = MakeUser(3, "c@example.com");
  User d = MakeUser(4, "d@example.com");
  d.role_manager = true;
  for (const User& u : {a, b, c, d}) Put(u);
  ASSERT_OK_AND_ASSIGN(int64_t n, READ(CountEnabledRoleManagers()));
  EXPECT_EQ(n, 2);
}

TEST_P(StoreConformance, DeleteUserRemovesMembershipsKeysAndSessionsButGrantsKeepTheId) {
  Put(MakeUser(1, "ada@example.com"));
  Put(MakeUser(2, "bob@example.com"));
  Put(MakePool(10, "pool-a"));
  Put(MakeGroup(20, "team", {Id(1), Id(2)}, {{Id(10), Role::kStandard}}));
  Put(MakeKey(30, Id(1), "jg_ada00001", 100));
  Put(MakeSession("token-ada", Id(1)));
  Put(MakeSession("token-bob", Id(2)));
  Put(MakeGrant(40, {Id(2), Id(1)}, {Id(10)}, 100, 1'000'000));

  ASSERT_OK(WRITE(DeleteUser(Id(1))));

  EXPECT_CODE(READ(GetUser(Id(1))), kNotFound);
  ASSERT_OK_AND_ASSIGN(Group g, READ(GetGroup(Id(20))));
  EXPECT_EQ(g.member_ids, (std::vector<std::string>{Id(2)}));
  EXPECT_CODE(READ(GetApiKey(Id(30))), kNotFound);
  EXPECT_CODE(READ(GetApiKeyByPrefix("jg_ada00001")), kNotFound);
  EXPECT_CODE(READ(GetSession("token-ada")), kNotFound);
  ASSERT_OK(READ(GetSession("token-bob")));
  ASSERT_OK_AND_ASSIGN(Grant grant, READ(GetGrant(Id(40))));
  EXPECT_EQ(grant.user_ids, (std::vector<std::string>{Id(2), Id(1)}));
}

TEST_P(StoreConformance, DeletedUsersEmailCanBeReused) {
  Put(MakeUser(1, "ada@example.com"));
  ASSERT_OK(WRITE(DeleteUser(Id(1))));
  Put(MakeUser(2, "ada@example.com"));
  ASSERT_OK_AND_ASSIGN(User u, READ(GetUserByEmail("ada@example.com")));
  EXPECT_EQ(u.id, Id(2));
}

}  // namespace
}  // namespace jitgate::testing
