#include "app_fixture.h"

namespace jitgate::testing {
namespace {

TEST_F(AppTest, AuditChainVerifiesAfterChanges) {
  MakeUser("lee@example.com");
  MakePool("pool-x");
  auto v = app_->audit.Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->valid);
  EXPECT_EQ(v->checked, 4);  // bootstrap user + key, then user + pool
}

}  // namespace
}  // namespace jitgate::testing
