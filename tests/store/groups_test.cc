// Conformance: groups (standing access).
#include "conformance.h"

namespace jitgate::testing {
namespace {

// Users 1-3 and pools 11-13, which the groups below refer to.
std::vector<User> Users() {
  return {MakeUser(1, "a@example.com"), MakeUser(2, "b@example.com"), MakeUser(3, "c@example.com")};
}
std::vector<AgentPool> Pools() {
  return {MakePool(11, "p1"), MakePool(12, "p2"), MakePool(13, "p3")};
}

#define SEED()                          \
  for (const User& u : Users()) Put(u); \
  for (const AgentPool& p : Pools()) Put(p)

TEST_P(StoreConformance, GroupKeepsMembersAndPoolAccessInInsertionOrder) {
  SEED();
  const Group g = MakeGroup(20, "team", {Id(3), Id(1), Id(2)},
                            {{Id(13), Role::kPrivileged}, {Id(11), Role::kStandard}});
  Put(g);
  ASSERT_OK_AND_ASSIGN(Group got, READ(GetGroup(g.id)));
  EXPECT_EQ(got.name, "team");
  EXPECT_EQ(got.created_at, g.created_at);
  EXPECT_EQ(got.member_ids, g.member_ids);
  EXPECT_EQ(got.pool_access, g.pool_access);
}

TEST_P(StoreConformance, UpdateGroupReplacesNameMembersAndAccess) {
  SEED();
  Put(MakeGroup(20, "team", {Id(1), Id(2)}, {{Id(11), Role::kStandard}}));
  const Group changed = MakeGroup(20, "renamed", {Id(2), Id(3)},
                                  {{Id(12), Role::kPrivileged}, {Id(11), Role::kPrivileged}});
  ASSERT_OK(WRITE(UpdateGroup(changed)));
  ASSERT_OK_AND_ASSIGN(Group got, READ(GetGroup(Id(20))));
  EXPECT_EQ(got.name, "renamed");
  EXPECT_EQ(got.member_ids, changed.member_ids);
  EXPECT_EQ(got.pool_access, changed.pool_access);
}

TEST_P(StoreConformance, MissingGroupIsNotFound) {
  EXPECT_CODE(READ(GetGroup(Id(404))), kNotFound);
  EXPECT_CODE(WRITE(UpdateGroup(MakeGroup(404, "x", {}, {}))), kNotFound);
  EXPECT_CODE(WRITE(DeleteGroup(Id(404))), kNotFound);
}

TEST_P(StoreConformance, DeleteGroupRemovesIt) {
  SEED();
  Put(MakeGroup(20, "team", {Id(1)}, {{Id(11), Role::kStandard}}));
  ASSERT_OK(WRITE(DeleteGroup(Id(20))));
  EXPECT_CODE(READ(GetGroup(Id(20))), kNotFound);
  ASSERT_OK_AND_ASSIGN(Page<Group> page, READ(ListGroups(GroupQuery{0, 10})));
  EXPECT_EQ(page.total, 0);
  // The users and pools it named are untouched.
  ASSERT_OK(READ(GetUser(Id(1))));
  ASSERT_OK(READ(GetPool(Id(11))));
}

TEST_P(StoreConformance, ListGroupsIsOrderedByNameIgnoringCaseWithMembersTotalAndPages) {
  SEED();
  Put(MakeGroup(20, "ops", {Id(1)}, {}));
  Put(MakeGroup(21, "dev", {Id(2), Id(3)}, {{Id(12), Role::kStandard}}));
  Put(MakeGroup(22, "QA", {}, {}));  // by name ignoring case: dev, ops, QA
  ASSERT_OK_AND_ASSIGN(Page<Group> all, READ(ListGroups(GroupQuery{0, 10})));
  EXPECT_EQ(all.total, 3);
  EXPECT_EQ(Ids(all.items), (std::vector<std::string>{Id(21), Id(20), Id(22)}));
  EXPECT_EQ(all.items[0].member_ids, (std::vector<std::string>{Id(2), Id(3)}));
  EXPECT_EQ(all.items[0].pool_access, (std::vector<PoolAccess>{{Id(12), Role::kStandard}}));
  ASSERT_OK_AND_ASSIGN(Page<Group> page, READ(ListGroups(GroupQuery{1, 1})));
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(Ids(page.items), (std::vector<std::string>{Id(20)}));
}

}  // namespace
}  // namespace jitgate::testing
