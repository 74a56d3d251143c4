#include "core/grant_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace jitgate {
namespace {

using ::testing::HasSubstr;

constexpr Millis kStart = 1795521600000;  // 2026-11-24T12:00:00Z

class GrantRulesTest : public ::testing::Test {
 protected:
  // Pools "p*" exist; users "u*" exist and are enabled, "d*" exist and are disabled.
  GrantRulesTest() {
    lookup.pool_exists = [this](const std::string& id) {
      ++lookups;
      return !id.empty() && id[0] == 'p';
    };
    lookup.user_enabled = [this](const std::string& id) -> std::optional<bool> {
      ++lookups;
      if (!id.empty() && id[0] == 'd') return false;
      if (!id.empty() && id[0] == 'u') return true;
      return std::nullopt;
    };
  }

  static GrantRequest Valid() {
    GrantRequest r;
    r.name = "oncall-alice-fri";
    r.role = "STANDARD";
    r.agent_pool_ids = std::vector<std::string>{"p1"};
    r.user_ids = std::vector<std::string>{"u1"};
    r.expiration = Expiration{.hours = 8};
    r.reason = "INC-1234";
    return r;
  }

  Result<ValidGrant> Validate(const GrantRequest& r) {
    return ValidateGrant(r, clock.Now(), limits, lookup);
  }

  // The fields of the violations; expects kInvalidArgument whenever there is any.
  std::multiset<std::string> Fields(const GrantRequest& r) {
    auto v = Validate(r);
    std::multiset<std::string> out;
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), Code::kInvalidArgument);
      EXPECT_FALSE(v.status().details().empty());
      for (const auto& d : v.status().details()) {
        EXPECT_FALSE(d.message.empty()) << d.field;
        out.insert(d.field);
      }
    }
    return out;
  }

  // The single violation's message (fails unless there is exactly one).
  std::string OnlyMessage(const GrantRequest& r) {
    auto v = Validate(r);
    if (v.ok()) {
      ADD_FAILURE() << "accepted";
      return "";
    }
    EXPECT_EQ(v.status().code(), Code::kInvalidArgument);
    if (v.status().details().size() != 1) {
      ADD_FAILURE() << v.status().details().size() << " violations";
      return "";
    }
    return v.status().details()[0].message;
  }

  static std::vector<std::string> Ids(char prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
    return out;
  }

  static std::multiset<std::string> Only(const char* field) { return {field}; }

  FakeClock clock{kStart};
  Limits limits;
  GrantReferenceLookup lookup;
  int lookups = 0;
};

TEST_F(GrantRulesTest, AcceptsAValidRequestAndReturnsItsFields) {
  auto v = Validate(Valid());
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->name, "oncall-alice-fri");
  EXPECT_EQ(v->role, Role::kStandard);
  EXPECT_EQ(v->agent_pool_ids, std::vector<std::string>{"p1"});
  EXPECT_EQ(v->user_ids, std::vector<std::string>{"u1"});
  EXPECT_EQ(v->reason, "INC-1234");
  EXPECT_EQ(v->expires_at, kStart + 8 * kMillisPerHour);
}

TEST_F(GrantRulesTest, ExpiryIsComputedFromTheClock) {
  clock.Advance(12345);
  auto r = Valid();
  r.expiration = Expiration{.days = 2};
  auto v = Validate(r);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->expires_at, kStart + 12345 + 2 * kMillisPerDay);
}

TEST_F(GrantRulesTest, PrivilegedRoleAndAbsentReason) {
  auto r = Valid();
  r.role = "PRIVILEGED";
  r.reason.reset();
  auto v = Validate(r);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->role, Role::kPrivileged);
  EXPECT_EQ(v->reason, "");
}

TEST_F(GrantRulesTest, ThirtyOneDaysIsTheMaximum) {
  auto r = Valid();
  r.expiration = Expiration{.days = 31};
  EXPECT_TRUE(Fields(r).empty());
  r.expiration = Expiration{.days = 32};
  EXPECT_EQ(OnlyMessage(r), "expiry must be at most 31 days (744 hours) from now");
  r.expiration = Expiration{.at = kStart + 31 * kMillisPerDay};
  EXPECT_TRUE(Fields(r).empty());
  r.expiration = Expiration{.at = kStart + 31 * kMillisPerDay + 1};
  EXPECT_EQ(Fields(r), Only("expiration"));
}

TEST_F(GrantRulesTest, SevenHundredFortyFourHoursIsTheMaximum) {
  auto r = Valid();
  r.expiration = Expiration{.hours = 744};
  EXPECT_TRUE(Fields(r).empty());
  r.expiration = Expiration{.hours = 745};
  EXPECT_EQ(Fields(r), Only("expiration"));
}

TEST_F(GrantRulesTest, ExpiryMustBeStrictlyInTheFuture) {
  auto r = Valid();
  r.expiration = Expiration{.at = kStart};  // the same millisecond: already over
  EXPECT_EQ(OnlyMessage(r), "expiry must be in the future");
  r.expiration = Expiration{.at = kStart - 60000};
  EXPECT_EQ(Fields(r), Only("expiration"));
  r.expiration = Expiration{.at = kStart + 1};
  EXPECT_TRUE(Fields(r).empty());
}

TEST_F(GrantRulesTest, CountsMustBePositive) {
  auto r = Valid();
  for (int64_t n : {0, -1}) {
    r.expiration = Expiration{.hours = n};
    EXPECT_EQ(OnlyMessage(r), "hours must be a positive integer");
    r.expiration = Expiration{.days = n};
    EXPECT_EQ(OnlyMessage(r), "days must be a positive integer");
  }
}

TEST_F(GrantRulesTest, HugeCountsDoNotOverflow) {
  auto r = Valid();
  for (int64_t n : {int64_t{1'000'000'000'000'000'000}, std::numeric_limits<int64_t>::max()}) {
    r.expiration = Expiration{.days = n};
    EXPECT_EQ(Fields(r), Only("expiration")) << n;
    r.expiration = Expiration{.hours = n};
    EXPECT_EQ(Fields(r), Only("expiration")) << n;
  }
  EXPECT_EQ(ResolveExpiration(Expiration{.days = 1'000'000'000'000'000'000}, kStart),
            std::numeric_limits<Millis>::max());
}

TEST_F(GrantRulesTest, ExactlyOneKindOfExpiration) {
  auto r = Valid();
  r.expiration = Expiration{.days = 1, .hours = 1};
  EXPECT_EQ(OnlyMessage(r), "must have exactly one of days, hours or at");
  r.expiration = Expiration{.hours = 1, .at = kStart + 1000};
  EXPECT_EQ(Fields(r), Only("expiration"));
  r.expiration = Expiration{};
  EXPECT_EQ(Fields(r), Only("expiration"));
  r.expiration.reset();
  EXPECT_EQ(OnlyMessage(r), "is required: one of days, hours or at");
}

TEST_F(GrantRulesTest, ResolveExpiration) {
  EXPECT_EQ(ResolveExpiration(Expiration{.hours = 2}, 1000), 1000 + 2 * kMillisPerHour);
  EXPECT_EQ(ResolveExpiration(Expiration{.days = 1}, 1000), 1000 + kMillisPerDay);
  EXPECT_EQ(ResolveExpiration(Expiration{.at = 5}, 1000), 5);  // no range check here
  EXPECT_FALSE(ResolveExpiration(Expiration{.hours = 0}, 1000));
  EXPECT_FALSE(ResolveExpiration(Expiration{}, 1000));
  EXPECT_FALSE(ResolveExpiration(Expiration{.days = 1, .at = 5}, 1000));
}

TEST_F(GrantRulesTest, FiftyUsersIsTheMaximum) {
  auto r = Valid();
  r.user_ids = Ids('u', 50);
  EXPECT_TRUE(Fields(r).empty());
  r.user_ids = Ids('u', 51);
  EXPECT_EQ(OnlyMessage(r), "at most 50 users (got 51)");
}

TEST_F(GrantRulesTest, TwentyPoolsIsTheMaximum) {
  auto r = Valid();
  r.agent_pool_ids = Ids('p', 20);
  EXPECT_TRUE(Fields(r).empty());
  r.agent_pool_ids = Ids('p', 21);
  EXPECT_EQ(OnlyMessage(r), "at most 20 agent pools (got 21)");
}

TEST_F(GrantRulesTest, AnOverlongListIsNotLookedUp) {
  auto r = Valid();
  r.user_ids = Ids('x', 10000);  // none exists, but the count alone refuses them
  lookups = 0;
  EXPECT_EQ(OnlyMessage(r), "at most 50 users (got 10000)");
  EXPECT_EQ(lookups, 1);  // the one pool
}

TEST_F(GrantRulesTest, ListsAreRequiredAndNonEmpty) {
  auto r = Valid();
  r.user_ids = std::vector<std::string>{};
  r.agent_pool_ids = std::vector<std::string>{};
  EXPECT_EQ(Fields(r), (std::multiset<std::string>{"agentPoolIds", "userIds"}));
  r.agent_pool_ids = std::vector<std::string>{"p1"};
  EXPECT_EQ(OnlyMessage(r), "must name at least 1 user");
  r.user_ids.reset();
  EXPECT_EQ(OnlyMessage(r), "is required");
}

TEST_F(GrantRulesTest, DuplicatesAreRefusedAndNamed) {
  auto r = Valid();
  r.user_ids = std::vector<std::string>{"u1", "u2", "u1", "u1"};
  EXPECT_EQ(OnlyMessage(r), "must not name the same user twice: u1");
  r = Valid();
  r.agent_pool_ids = std::vector<std::string>{"p2", "p1", "p2", "p1"};
  EXPECT_EQ(OnlyMessage(r), "must not name the same agent pool twice: p2, p1");
}

TEST_F(GrantRulesTest, UnknownPoolsAreNamed) {
  auto r = Valid();
  r.agent_pool_ids = std::vector<std::string>{"p1", "zz", "p2", "yy"};
  EXPECT_EQ(OnlyMessage(r), "unknown agent pools: zz, yy");
  r.agent_pool_ids = std::vector<std::string>{"zz"};
  EXPECT_EQ(OnlyMessage(r), "unknown agent pool: zz");
}

TEST_F(GrantRulesTest, UnknownAndDisabledUsersAreNamedSeparately) {
  auto r = Valid();
  r.user_ids = std::vector<std::string>{"u1", "x9", "d1", "d2"};
  auto v = Validate(r);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(v.status().details(), (std::vector<FieldError>{{"userIds", "unknown user: x9"},
                                                           {"userIds", "disabled users: d1, d2"}}));
}

TEST_F(GrantRulesTest, LongListsAreCutInMessages) {
  auto r = Valid();
  r.user_ids = Ids('x', 12);
  EXPECT_EQ(OnlyMessage(r), "unknown users: x0, x1, x2, x3, x4, x5, x6, x7, x8, x9 and 2 more");
}

TEST_F(GrantRulesTest, LongIdsAreShortenedInMessages) {
  auto r = Valid();
  r.user_ids = std::vector<std::string>{std::string(5000, 'x')};
  const std::string m = OnlyMessage(r);
  EXPECT_THAT(m, HasSubstr("unknown user: xxxx"));
  EXPECT_LT(m.size(), 100u);
}

TEST_F(GrantRulesTest, EveryViolationIsReportedTogether) {
  GrantRequest r;
  r.name = std::string(201, 'n');
  r.role = "ADMIN";
  r.agent_pool_ids = std::vector<std::string>{"zz", "zz"};
  r.user_ids = std::vector<std::string>{"d1", "x1"};
  r.expiration = Expiration{.days = 40};
  r.reason = std::string(1001, 'r');
  EXPECT_EQ(Fields(r), (std::multiset<std::string>{"name", "role", "agentPoolIds", "agentPoolIds",
                                                   "userIds", "userIds", "expiration", "reason"}));
}

TEST_F(GrantRulesTest, EverythingMissingIsReportedPerField) {
  EXPECT_EQ(Fields(GrantRequest{}),
            (std::multiset<std::string>{"name", "role", "agentPoolIds", "userIds", "expiration"}));
}

TEST_F(GrantRulesTest, NameRules) {
  auto r = Valid();
  r.name = "";
  EXPECT_EQ(OnlyMessage(r), "must not be empty");
  r.name = " \t ";
  EXPECT_EQ(OnlyMessage(r), "must not be only whitespace");
  r.name = "\u00a0\u3000";  // no-break and ideographic spaces are blank too
  EXPECT_EQ(Fields(r), Only("name"));
  r.name = std::string(200, 'n');
  EXPECT_TRUE(Fields(r).empty());
  r.name = std::string(201, 'n');
  EXPECT_EQ(OnlyMessage(r), "must be at most 200 characters (got 201)");
  r.name = " padded ";  // kept as given: no trimming
  auto v = Validate(r);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->name, " padded ");
  r.name.reset();
  EXPECT_EQ(OnlyMessage(r), "is required");
}

TEST_F(GrantRulesTest, RoleRules) {
  auto r = Valid();
  for (const char* bad : {"ADMIN", "", "standard", "NONE"}) {
    r.role = bad;
    EXPECT_EQ(OnlyMessage(r), "must be STANDARD or PRIVILEGED") << bad;
  }
  r.role.reset();
  EXPECT_EQ(Fields(r), Only("role"));
}

TEST_F(GrantRulesTest, LengthsCountCharactersNotBytes) {
  auto r = Valid();
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\u00e9";  // 2 bytes each
  r.name = name;
  std::string reason;
  for (int i = 0; i < 1000; ++i) reason += "\U0001F600";  // 4 bytes each
  r.reason = reason;
  EXPECT_TRUE(Fields(r).empty());
  r.name = name + "\u00e9";
  r.reason = reason + "!";
  EXPECT_EQ(Fields(r), (std::multiset<std::string>{"name", "reason"}));
  EXPECT_EQ(Utf8Length("a\u00e9\u20ac\U0001F600"), 4u);
}

TEST_F(GrantRulesTest, ReasonRules) {
  auto r = Valid();
  r.reason = std::string(1000, 'r');
  EXPECT_TRUE(Fields(r).empty());
  r.reason = std::string(1001, 'r');
  EXPECT_EQ(OnlyMessage(r), "must be at most 1000 characters (got 1001)");
  r.reason = "";
  EXPECT_TRUE(Fields(r).empty());
}

TEST_F(GrantRulesTest, LimitsAreConfigurable) {
  limits.max_users_per_grant = 2;
  limits.max_pools_per_grant = 1;
  limits.max_grant_duration = 2 * kMillisPerHour;
  limits.max_grant_name_length = 3;
  limits.max_reason_length = 2;
  auto r = Valid();
  r.name = "abcd";
  r.reason = "xyz";
  r.user_ids = Ids('u', 3);
  r.agent_pool_ids = Ids('p', 2);
  r.expiration = Expiration{.hours = 3};
  auto v = Validate(r);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().details(),
            (std::vector<FieldError>{{"name", "must be at most 3 characters (got 4)"},
                                     {"agentPoolIds", "at most 1 agent pool (got 2)"},
                                     {"userIds", "at most 2 users (got 3)"},
                                     {"expiration", "expiry must be at most 2 hours from now"},
                                     {"reason", "must be at most 2 characters (got 3)"}}));
}

TEST_F(GrantRulesTest, DecodeErrorsComeFirstAndReplaceTheirFieldsRules) {
  auto r = Valid();
  r.expiration.reset();  // e.g. {"hours": "8"}: decoded as absent, reported by the decoder
  r.reason = std::string(1001, 'r');
  r.decode_errors = {{"expiration", "hours must be an integer"}, {"foo", "unknown field"}};
  auto v = Validate(r);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(v.status().details(),
            (std::vector<FieldError>{{"expiration", "hours must be an integer"},
                                     {"foo", "unknown field"},
                                     {"reason", "must be at most 1000 characters (got 1001)"}}));
}

TEST_F(GrantRulesTest, ADecodeErrorAloneRefusesTheRequest) {
  auto r = Valid();
  r.decode_errors = {{"status", "is read-only"}};
  EXPECT_EQ(Fields(r), Only("status"));
}

}  // namespace
}  // namespace jitgate
