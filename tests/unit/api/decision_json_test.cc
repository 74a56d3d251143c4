// DecisionJson must write exactly what the general JSON view writes, for every shape of decision.
#include "api/decision_json.h"

#include <gtest/gtest.h>

#include "api/json_view.h"

namespace jitgate {
namespace {

std::string ViaTree(const AccessDecision& d) {
  return ToJson(d).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(DecisionJsonTest, DeniedWithNothing) {
  AccessDecision d;
  EXPECT_EQ(DecisionJson(d), R"({"allowed":false,"role":null,"sources":[],"validUntil":null})");
  EXPECT_EQ(DecisionJson(d), ViaTree(d));
}

TEST(DecisionJsonTest, EveryKindOfSourceMatchesTheJsonView) {
  AccessDecision d;
  d.allowed = true;
  d.role = Role::kPrivileged;
  d.sources = {{AccessSource::Type::kGroup, "6754d37e-6d2b-46b2-b84a-32e2ab8d407d", std::nullopt},
               {AccessSource::Type::kJit, "3361f125-f311-4ac9-a7d0-2a6e99c72e93", 1795521600123},
               {AccessSource::Type::kJit, "j2", std::nullopt}};
  d.valid_until = 1795521600123;
  EXPECT_EQ(DecisionJson(d), ViaTree(d));
  EXPECT_NE(DecisionJson(d).find(R"("validUntil":"2026-11-24T)"), std::string::npos);
  d.role = Role::kStandard;
  d.allowed = false;
  d.valid_until.reset();
  EXPECT_EQ(DecisionJson(d), ViaTree(d));
}

TEST(DecisionJsonTest, IdsNeedingEscapesAreEscapedLikeTheJsonView) {
  AccessDecision d;
  d.role = Role::kStandard;
  for (const char* id : {"quote\"d", "back\\slash", "ctl\x01", "caf\xc3\xa9", "bad\xff"}) {
    d.sources = {{AccessSource::Type::kGroup, id, std::nullopt}};
    EXPECT_EQ(DecisionJson(d), ViaTree(d)) << id;
  }
}

}  // namespace
}  // namespace jitgate

namespace jitgate {
namespace {

TEST(DecisionJsonTest, InstantsAreWrittenLikeFormatRfc3339) {
  // 1970 to 9999 in steps of 13 days, 1 hour and 1 ms (so the time of day and the day of the
  // month both drift through every value), and the edges.
  AccessDecision d;
  d.role = Role::kStandard;
  d.allowed = true;
  int compared = 0;
  for (Millis t = 0; t < 253'402'300'800'000; t += 13 * 86'400'000 + 3'600'000 + 1) {
    d.valid_until = t;
    ASSERT_EQ(DecisionJson(d), ViaTree(d)) << t;
    ++compared;
  }
  for (Millis t : {Millis{-1}, Millis{253'402'300'799'999}, Millis{253'402'300'800'000}}) {
    d.valid_until = t;
    EXPECT_EQ(DecisionJson(d), ViaTree(d)) << t;
  }
  EXPECT_GT(compared, 200'000);
}

}  // namespace
}  // namespace jitgate
