#include "cli/client_format.h"

#include <gtest/gtest.h>

namespace jitgate {
namespace {

using nlohmann::json;

const char* kGrant = R"({"id":"g1","name":"oncall","role":"STANDARD","agentPoolIds":["p1","p2"],
  "userIds":["u1"],"reason":"","status":"ACTIVE","createdAt":"2026-01-01T00:00:00.000Z",
  "createdBy":"u0","expiresAt":"2026-01-01T08:00:00.000Z","revokedAt":null,"revokedBy":null})";

TEST(JsonTextTest, StringsNumbersAndNulls) {
  const json j = json::parse(R"({"s":"x","n":3,"b":true,"z":null})");
  EXPECT_EQ(JsonText(j, "s"), "x");
  EXPECT_EQ(JsonText(j, "n"), "3");
  EXPECT_EQ(JsonText(j, "b"), "true");
  EXPECT_EQ(JsonText(j, "z"), "");
  EXPECT_EQ(JsonText(j, "missing"), "");
  EXPECT_EQ(JsonText(json::array(), "s"), "");
}

TEST(FormatGrantTest, FieldsWithNamesWhereKnown) {
  NameBook names;
  names.pools["p1"] = "pool-one";
  names.users["u0"] = "boss@example.com";
  EXPECT_EQ(FormatGrant(json::parse(kGrant), names),
            "ID          g1\n"
            "NAME        oncall\n"
            "ROLE        STANDARD\n"
            "STATUS      ACTIVE\n"
            "POOLS       pool-one, p2\n"
            "USERS       u1\n"
            "REASON      -\n"
            "EXPIRES     2026-01-01T08:00:00.000Z\n"
            "CREATED     2026-01-01T00:00:00.000Z\n"
            "CREATED BY  boss@example.com\n");
}

TEST(FormatGrantTest, RevokedGrantShowsWhoAndWhen) {
  json g = json::parse(kGrant);
  g["status"] = "REVOKED";
  g["revokedAt"] = "2026-01-01T01:00:00.000Z";
  g["revokedBy"] = "u9";
  const std::string text = FormatGrant(g, {});
  EXPECT_NE(text.find("REVOKED     2026-01-01T01:00:00.000Z\n"), std::string::npos) << text;
  EXPECT_NE(text.find("REVOKED BY  u9\n"), std::string::npos) << text;
}

TEST(FormatGrantTableTest, HeaderAndOneRowPerGrantWithLongListsShortened) {
  json g = json::parse(kGrant);
  g["agentPoolIds"] = {"a", "b", "c", "d", "e"};
  const std::string text = FormatGrantTable(json::array({g}), {});
  EXPECT_EQ(
      text,
      "ID  NAME    ROLE      STATUS  POOLS            USERS  EXPIRES                   CREATED BY\n"
      "g1  oncall  STANDARD  ACTIVE  a, b, c +2 more  u1     2026-01-01T08:00:00.000Z  u0\n");
  EXPECT_EQ(FormatGrantTable(json::array(), {}), "no grants found\n");
}

TEST(FormatDecisionTest, AllowedWithSources) {
  const json d = json::parse(R"({"allowed":true,"role":"PRIVILEGED","sources":[
      {"type":"GROUP","id":"g"},{"type":"JIT","id":"j","expiresAt":"2026-01-01T08:00:00.000Z"}],
      "validUntil":"2026-01-01T08:00:00.000Z"})");
  EXPECT_EQ(FormatDecision(d),
            "ALLOWED      yes\n"
            "ROLE         PRIVILEGED\n"
            "SOURCES      GROUP g; JIT j (expires 2026-01-01T08:00:00.000Z)\n"
            "VALID UNTIL  2026-01-01T08:00:00.000Z\n");
}

TEST(FormatDecisionTest, Denied) {
  const json d = json::parse(R"({"allowed":false,"role":null,"sources":[],"validUntil":null})");
  EXPECT_EQ(FormatDecision(d),
            "ALLOWED      no\n"
            "ROLE         -\n"
            "SOURCES      -\n"
            "VALID UNTIL  -\n");
}

TEST(FormatPoolsAndUsersTest, Tables) {
  EXPECT_EQ(FormatPools(json::parse(R"([{"id":"p1","name":"gpu","description":"big",
      "createdAt":"2026-01-01T00:00:00.000Z"}])")),
            "ID  NAME  DESCRIPTION  CREATED\n"
            "p1  gpu   big          2026-01-01T00:00:00.000Z\n");
  EXPECT_EQ(FormatUsers(json::parse(R"([{"id":"u1","email":"a@x","name":"A","roleManager":true,
      "disabled":false,"createdAt":"2026-01-01T00:00:00.000Z"}])")),
            "ID  EMAIL  NAME  ROLE MANAGER  DISABLED  CREATED\n"
            "u1  a@x    A     yes           no        2026-01-01T00:00:00.000Z\n");
  EXPECT_EQ(FormatPools(json::array()), "no agent pools found\n");
  EXPECT_EQ(FormatUsers(json::array()), "no users found\n");
}

TEST(FormatAuditEventsTest, ActorNamesAndShortenedDetails) {
  NameBook names;
  names.users["u1"] = "a@x";
  const json events = json::parse(R"([
      {"seq":1,"at":"T1","actorId":"u1","actorType":"USER","type":"pool.created","targetId":"p",
       "details":{"name":"gpu"},"hash":"h"},
      {"seq":2,"at":"T2","actorId":null,"actorType":"SYSTEM","type":"jit.expired","targetId":"g",
       "details":{"text":"0123456789012345678901234567890123456789012345678901234567890123456789"},"hash":"h"}])");
  EXPECT_EQ(FormatAuditEvents(events, names),
            "SEQ  AT  TYPE          ACTOR     TARGET  DETAILS\n"
            "1    T1  pool.created  user a@x  p       {\"name\":\"gpu\"}\n"
            "2    T2  jit.expired   system    g       "
            "{\"text\":\"012345678901234567890123456789012345678901234567...\n");  // 60 wide
}

TEST(FormatVerificationTest, ValidAndBroken) {
  EXPECT_EQ(FormatVerification(json::parse(R"({"valid":true,"checked":12})")),
            "audit log valid: 12 events checked\n");
  EXPECT_EQ(
      FormatVerification(json::parse(
          R"({"valid":false,"checked":4,"firstBadSeq":5,"seq":5,"reason":"hash mismatch"})")),
      "audit log INVALID: first bad event seq 5 (hash mismatch); 4 events checked before it\n");
}

TEST(FormatTruncationTest, OnlyWhenFewerThanTotal) {
  EXPECT_EQ(FormatTruncation(json::parse(R"({"items":[1,2],"total":2})")), "");
  EXPECT_EQ(FormatTruncation(json::parse(R"({"items":[1,2],"total":7})")),
            "showing 2 of 7 (use --limit to see more)\n");
}

TEST(FormatErrorTest, MessageThenEachDetail) {
  const Status s(Code::kInvalidArgument, "request validation failed",
                 {{"expiration", "at most 744 hours"}, {"userIds", "unknown user u\x1b"}});
  EXPECT_EQ(FormatError(s),
            "error: request validation failed\n"
            "  expiration: at most 744 hours\n"
            "  userIds: unknown user u?\n");
}

}  // namespace
}  // namespace jitgate
