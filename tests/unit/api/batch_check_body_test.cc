// ReadBatchChecksFast reads the usual batch body and declines (nullopt) everything else, so the
// general path keeps deciding and wording every error.
#include "api/batch_check_body.h"

#include <gtest/gtest.h>

#include <string>

namespace jitgate {
namespace {

TEST(BatchCheckBodyTest, ReadsTheUsualShapeWithAnyWhitespaceAndFieldOrder) {
  const std::string body =
      " {\n\t\"checks\" : [ {\"userId\":\"u1\",\"agentPoolId\":\"p1\",\"permission\":\"USE\"},\r\n"
      "{ \"permission\" : \"IGNORE_QUOTA\" , \"agentPoolId\" : \"p2\", \"userId\": \"u2\" } ] } ";
  auto items = ReadBatchChecksFast(body, 1000);
  ASSERT_TRUE(items.has_value());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].user_id, "u1");
  EXPECT_EQ((*items)[0].pool_id, "p1");
  EXPECT_EQ((*items)[0].permission, Permission::kUse);
  EXPECT_EQ((*items)[1].user_id, "u2");
  EXPECT_EQ((*items)[1].pool_id, "p2");
  EXPECT_EQ((*items)[1].permission, Permission::kIgnoreQuota);
}

TEST(BatchCheckBodyTest, DeclinesAnythingElse) {
  const std::string ok = R"({"userId":"u","agentPoolId":"p","permission":"USE"})";
  const std::string long_id(257, 'a');
  for (const std::string& body : {
           std::string(R"({"checks":[]})"),                                  // empty
           R"({"checks":[)" + ok + "]",                                      // unterminated
           R"({"checks":[)" + ok + "]}x",                                    // trailing bytes
           R"({"checks":[)" + ok + R"(],"more":1})",                         // another field
           R"({"other":[)" + ok + "]}",                                      // wrong field
           std::string(R"({"checks":[{"userId":"u","agentPoolId":"p"}]})"),  // missing field
           std::string(
               R"({"checks":[{"userId":"u","agentPoolId":"p","permission":"USE","x":"y"}]})"),
           std::string(
               R"({"checks":[{"userId":"u","userId":"v","agentPoolId":"p","permission":"USE"}]})"),
           std::string(R"({"checks":[{"userId":"","agentPoolId":"p","permission":"USE"}]})"),
           R"({"checks":[{"userId":")" + long_id + R"(","agentPoolId":"p","permission":"USE"}]})",
           std::string(R"({"checks":[{"userId":"u\u0041","agentPoolId":"p","permission":"USE"}]})"),
           std::string("{\"checks\":[{\"userId\":\"caf\xc3\xa9\",\"agentPoolId\":\"p\","
                       "\"permission\":\"USE\"}]}"),
           std::string(R"({"checks":[{"userId":"u","agentPoolId":"p","permission":"use"}]})"),
           std::string(R"({"checks":[{"userId":1,"agentPoolId":"p","permission":"USE"}]})"),
           R"({"checks":[)" + ok + "," + ok + ",]}",  // trailing comma
           std::string(R"(["checks"])"),
       }) {
    EXPECT_FALSE(ReadBatchChecksFast(body, 1000).has_value()) << body;
  }
}

TEST(BatchCheckBodyTest, DeclinesMoreThanTheMaximum) {
  const std::string item = R"({"userId":"u","agentPoolId":"p","permission":"USE"})";
  std::string body = R"({"checks":[)" + item + "," + item + "," + item + "]}";
  EXPECT_TRUE(ReadBatchChecksFast(body, 3).has_value());
  EXPECT_FALSE(ReadBatchChecksFast(body, 2).has_value());
}

}  // namespace
}  // namespace jitgate
