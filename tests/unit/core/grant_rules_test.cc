#include "core/grant_rules.h"

#include <gtest/gtest.h>

#include <set>

namespace jitgate {
namespace {

constexpr Millis kNow = 1795521600000;

class GrantRulesTest : public ::testing::Test {
 protected:
  GrantRequest Valid() {
    GrantRequest r;
    r.name = "oncall";
    r.role = "STANDARD";
    r.agent_pool_ids = std::vector<std::string>{"p1"};
    r.user_ids = std::vector<std::string>{"u1"};
    r.expiration = Expiration{.hours = 8};
    r.reason = "INC-1";
    return r;
  }
  GrantReferenceLookup lookup{
      [](const std::string& id) { return id[0] == 'p'; },
      [](const std::string& id) -> std::optional<bool> {
        if (id[0] == 'd') return false;
        if (id[0] == 'u') return true;
        return std::nullopt;
      }};
  Limits limits;

  std::set<std::string> Fields(const GrantRequest& r) {
    auto v = ValidateGrant(r, kNow, limits, lookup);
    std::set<std::string> out;
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), Code::kInvalidArgument);
      for (const auto& d : v.status().details()) out.insert(d.field);
    }
    return out;
  }
  static std::vector<std::string> Ids(char prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
    return out;
  }
};

TEST_F(GrantRulesTest, AcceptsAValidRequest) {
  auto v = ValidateGrant(Valid(), kNow, limits, lookup);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->expires_at, kNow + 8 * kMillisPerHour);
  EXPECT_EQ(v->role, Role::kStandard);
}

TEST_F(GrantRulesTest, ExpiryBoundaries) {
  auto r = Valid();
  r.expiration = Expiration{.days = 31};
  EXPECT_TRUE(Fields(r).empty());
  r.expiration = Expiration{.days = 32};
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
  r.expiration = Expiration{.hours = 744};
  EXPECT_TRUE(Fields(r).empty());
  r.expiration = Expiration{.hours = 745};
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
  r.expiration = Expiration{.at = kNow + 31 * kMillisPerDay};
  EXPECT_TRUE(Fields(r).empty());
  r.expiration = Expiration{.at = kNow + 31 * kMillisPerDay + 1};
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
  r.expiration = Expiration{.at = kNow};  // the same millisecond: not in the future
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
  r.expiration = Expiration{.at = kNow + 1};
  EXPECT_TRUE(Fields(r).empty());
  r.expiration = Expiration{.hours = 0};
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
  r.expiration = Expiration{.days = -1};
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
  r.expiration = Expiration{.days = 1'000'000'000'000'000'000};
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
  r.expiration = Expiration{.days = 1, .hours = 1};
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
  r.expiration = Expiration{};
  EXPECT_EQ(Fields(r), std::set<std::string>{"expiration"});
}

TEST_F(GrantRulesTest, UserAndPoolCounts) {
  auto r = Valid();
  r.user_ids = Ids('u', 50);
  r.agent_pool_ids = Ids('p', 20);
  EXPECT_TRUE(Fields(r).empty());
  r.user_ids = Ids('u', 51);
  r.agent_pool_ids = Ids('p', 21);
  EXPECT_EQ(Fields(r), (std::set<std::string>{"userIds", "agentPoolIds"}));
  r.user_ids = std::vector<std::string>{};
  r.agent_pool_ids = std::vector<std::string>{};
  EXPECT_EQ(Fields(r), (std::set<std::string>{"userIds", "agentPoolIds"}));
}

TEST_F(GrantRulesTest, DuplicatesUnknownAndDisabledAreNamed) {
  auto r = Valid();
  r.user_ids = std::vector<std::string>{"u1", "u1", "x9", "d1"};
  auto v = ValidateGrant(r, kNow, limits, lookup);
  ASSERT_FALSE(v.ok());
  std::string all;
  for (const auto& d : v.status().details()) {
    EXPECT_EQ(d.field, "userIds");
    all += d.message + "|";
  }
  EXPECT_NE(all.find("u1"), std::string::npos);
  EXPECT_NE(all.find("unknown user: x9"), std::string::npos);
  EXPECT_NE(all.find("disabled user: d1"), std::string::npos);
  r = Valid();
  r.agent_pool_ids = std::vector<std::string>{"p1", "zz"};
  EXPECT_EQ(Fields(r), std::set<std::string>{"agentPoolIds"});
}

TEST_F(GrantRulesTest, EveryViolationIsReportedTogether) {
  GrantRequest r;
  r.name = std::string(201, 'n');
  r.role = "ADMIN";
  r.reason = std::string(1001, 'r');
  EXPECT_EQ(Fields(r), (std::set<std::string>{"name", "role", "agentPoolIds", "userIds", "expiration", "reason"}));
}

TEST_F(GrantRulesTest, LengthsCountCharactersNotBytes) {
  auto r = Valid();
  std::string name;
  for (int i = 0; i < 200; ++i) name += "é";
  r.name = name;
  std::string reason;
  for (int i = 0; i < 1000; ++i) reason += "ü";
  r.reason = reason;
  EXPECT_TRUE(Fields(r).empty());
  r.name = "   ";
  EXPECT_EQ(Fields(r), std::set<std::string>{"name"});
}

TEST_F(GrantRulesTest, LimitsAreConfigurable) {
  limits.max_users_per_grant = 2;
  limits.max_grant_duration = 2 * kMillisPerHour;
  auto r = Valid();
  r.user_ids = Ids('u', 3);
  EXPECT_EQ(Fields(r), (std::set<std::string>{"userIds", "expiration"}));
}

}  // namespace
}  // namespace jitgate
