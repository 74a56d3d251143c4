// Conformance: agent pools.
#include "conformance.h"

namespace jitgate::testing {
namespace {

TEST_P(StoreConformance, InsertedPoolReadsBackByIdAndName) {
  const AgentPool p = MakePool(1, "build-linux");
  Put(p);
  ASSERT_OK_AND_ASSIGN(AgentPool by_id, READ(GetPool(p.id)));
  EXPECT_EQ(by_id.id, p.id);
  EXPECT_EQ(by_id.name, p.name);
  EXPECT_EQ(by_id.description, p.description);
  EXPECT_EQ(by_id.created_at, p.created_at);
  ASSERT_OK_AND_ASSIGN(AgentPool by_name, READ(GetPoolByName("build-linux")));
  EXPECT_EQ(by_name.id, p.id);
}

TEST_P(StoreConformance, PoolNamesAreUniqueAndCaseSensitive) {
  Put(MakePool(1, "build"));
  EXPECT_CODE(WRITE(InsertPool(MakePool(2, "build"))), kConflict);
  ASSERT_OK(WRITE(InsertPool(MakePool(3, "Build"))));
  EXPECT_CODE(READ(GetPoolByName("BUILD")), kNotFound);
  ASSERT_OK_AND_ASSIGN(AgentPool upper, READ(GetPoolByName("Build")));
  EXPECT_EQ(upper.id, Id(3));
}

TEST_P(StoreConformance, MissingPoolIsNotFound) {
  EXPECT_CODE(READ(GetPool(Id(404))), kNotFound);
  EXPECT_CODE(READ(GetPoolByName("nope")), kNotFound);
  EXPECT_CODE(WRITE(UpdatePool(MakePool(404, "nope"))), kNotFound);
  EXPECT_CODE(WRITE(DeletePool(Id(404))), kNotFound);
}

TEST_P(StoreConformance, UpdatePoolChangesNameAndDescription) {
  Put(MakePool(1, "old"));
  AgentPool p = MakePool(1, "new");
  p.description = "renamed";
  ASSERT_OK(WRITE(UpdatePool(p)));
  ASSERT_OK_AND_ASSIGN(AgentPool got, READ(GetPool(Id(1))));
  EXPECT_EQ(got.name, "new");
  EXPECT_EQ(got.description, "renamed");
  EXPECT_CODE(READ(GetPoolByName("old")), kNotFound);
}

TEST_P(StoreConformance, UpdatePoolToATakenNameIsAConflict) {
  Put(MakePool(1, "a"));
  Put(MakePool(2, "b"));
  EXPECT_CODE(WRITE(UpdatePool(MakePool(2, "a"))), kConflict);
  ASSERT_OK_AND_ASSIGN(AgentPool got, READ(GetPool(Id(2))));
  EXPECT_EQ(got.name, "b");
}

TEST_P(StoreConformance, ListPoolsIsOrderedByNameIgnoringCaseWithSearchTotalAndPages) {
  Put(MakePool(1, "web-prod"));
  Put(MakePool(2, "build"));
  Put(MakePool(3, "Web-staging"));
  Put(MakePool(4, "web_x"));
  ASSERT_OK_AND_ASSIGN(Page<AgentPool> all, READ(ListPools(PoolQuery{"", 0, 10})));
  EXPECT_EQ(all.total, 4);
  ASSERT_EQ(all.items.size(), 4u);
  // By name, case-insensitively (ASCII), then exactly.
  EXPECT_EQ(Ids(all.items), (std::vector<std::string>{Id(2), Id(1), Id(3), Id(4)}));
  ASSERT_OK_AND_ASSIGN(Page<AgentPool> web, READ(ListPools(PoolQuery{"WEB", 0, 10})));
  EXPECT_EQ(web.total, 3);
  ASSERT_OK_AND_ASSIGN(Page<AgentPool> page, READ(ListPools(PoolQuery{"web", 1, 1})));
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(page.items.size(), 1u);
  ASSERT_OK_AND_ASSIGN(Page<AgentPool> underscore, READ(ListPools(PoolQuery{"b_", 0, 10})));
  EXPECT_EQ(Ids(underscore.items), (std::vector<std::string>{Id(4)}));
  ASSERT_OK_AND_ASSIGN(Page<AgentPool> pct, READ(ListPools(PoolQuery{"%", 0, 10})));
  EXPECT_EQ(pct.total, 0);
}

TEST_P(StoreConformance, DeletePoolRemovesItFromEveryGroupsAccess) {
  Put(MakePool(1, "a"));
  Put(MakePool(2, "b"));
  Put(MakeGroup(10, "g1", {}, {{Id(1), Role::kStandard}, {Id(2), Role::kPrivileged}}));
  Put(MakeGroup(11, "g2", {}, {{Id(1), Role::kPrivileged}}));
  ASSERT_OK(WRITE(DeletePool(Id(1))));
  EXPECT_CODE(READ(GetPool(Id(1))), kNotFound);
  ASSERT_OK_AND_ASSIGN(Group g1, READ(GetGroup(Id(10))));
  EXPECT_EQ(g1.pool_access, (std::vector<PoolAccess>{{Id(2), Role::kPrivileged}}));
  ASSERT_OK_AND_ASSIGN(Group g2, READ(GetGroup(Id(11))));
  EXPECT_TRUE(g2.pool_access.empty());
}

}  // namespace
}  // namespace jitgate::testing
