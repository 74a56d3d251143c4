#include "cli/client_grant_args.h"

#include <gtest/gtest.h>

namespace jitgate {
namespace {

GrantArgs Valid() {
  GrantArgs a;
  a.name = "oncall";
  a.role = "standard";
  a.pools = {"p1"};
  a.users = {"u1"};
  a.hours = 8;
  return a;
}

std::vector<std::string> Fields(const Status& s) {
  std::vector<std::string> out;
  for (const auto& d : s.details()) out.push_back(d.field);
  return out;
}

TEST(ValidateGrantArgsTest, AcceptsExactlyOneExpiry) {
  EXPECT_TRUE(ValidateGrantArgs(Valid()).ok());
  GrantArgs days = Valid();
  days.hours.reset();
  days.days = 2;
  EXPECT_TRUE(ValidateGrantArgs(days).ok());
  GrantArgs at = Valid();
  at.hours.reset();
  at.at = "2030-01-01T00:00:00Z";
  EXPECT_TRUE(ValidateGrantArgs(at).ok());
}

TEST(ValidateGrantArgsTest, NoExpiryIsRejected) {
  GrantArgs a = Valid();
  a.hours.reset();
  const Status s = ValidateGrantArgs(a);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"--days|--hours|--at"});
}

TEST(ValidateGrantArgsTest, TwoOrThreeExpiriesAreRejected) {
  GrantArgs two = Valid();
  two.days = 1;
  EXPECT_EQ(Fields(ValidateGrantArgs(two)), std::vector<std::string>{"--days|--hours|--at"});
  GrantArgs three = two;
  three.at = "2030-01-01T00:00:00Z";
  const Status s = ValidateGrantArgs(three);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(Fields(s), std::vector<std::string>{"--days|--hours|--at"});
}

TEST(ValidateGrantArgsTest, NonPositiveDurationsAreRejected) {
  GrantArgs a = Valid();
  a.hours = 0;
  EXPECT_EQ(Fields(ValidateGrantArgs(a)), std::vector<std::string>{"--hours"});
  a.hours.reset();
  a.days = -1;
  EXPECT_EQ(Fields(ValidateGrantArgs(a)), std::vector<std::string>{"--days"});
  a.days.reset();
  a.at = "";
  EXPECT_EQ(Fields(ValidateGrantArgs(a)), std::vector<std::string>{"--at"});
}

TEST(ValidateGrantArgsTest, ReportsEveryMissingArgumentAtOnce) {
  const Status s = ValidateGrantArgs(GrantArgs{});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"--name", "--role", "--pool", "--user",
                                                 "--days|--hours|--at"}));
}

TEST(ValidateGrantArgsTest, RoleMustBeStandardOrPrivilegedInAnyCase) {
  GrantArgs a = Valid();
  a.role = "PrIvIlEgEd";
  EXPECT_TRUE(ValidateGrantArgs(a).ok());
  a.role = "ADMIN";
  EXPECT_EQ(Fields(ValidateGrantArgs(a)), std::vector<std::string>{"--role"});
}

TEST(ValidateGrantArgsTest, BlankCommaListsCountAsMissing) {
  GrantArgs a = Valid();
  a.pools = {" , ,"};
  EXPECT_EQ(Fields(ValidateGrantArgs(a)), std::vector<std::string>{"--pool"});
}

TEST(BuildGrantBodyTest, ContractShape) {
  GrantArgs a = Valid();
  a.reason = "INC-1";
  const auto body = BuildGrantBody(a, {"pid1", "pid2"}, {"uid"});
  EXPECT_EQ(body, nlohmann::json::parse(R"({"name":"oncall","role":"STANDARD",
      "agentPoolIds":["pid1","pid2"],"userIds":["uid"],"expiration":{"hours":8},
      "reason":"INC-1"})"));
}

TEST(BuildGrantBodyTest, AtAndDaysAndNoReason) {
  GrantArgs a = Valid();
  a.hours.reset();
  a.at = "2030-01-01T10:00:00+02:00";
  auto body = BuildGrantBody(a, {"p"}, {"u"});
  EXPECT_EQ(body["expiration"], nlohmann::json({{"at", "2030-01-01T10:00:00+02:00"}}));
  EXPECT_FALSE(body.contains("reason"));
  a.at.reset();
  a.days = 3;
  EXPECT_EQ(BuildGrantBody(a, {"p"}, {"u"})["expiration"], nlohmann::json({{"days", 3}}));
}

}  // namespace
}  // namespace jitgate
