#include "http/message.h"

#include <gtest/gtest.h>

namespace jitgate {
namespace {

TEST(ParseQueryTest, DecodesPercentAndPlus) {
  auto q = ParseQuery("search=a%20b+c&limit=10&flag&&x=%2F%26");
  ASSERT_TRUE(q.ok());
  QueryParams want = {{"search", "a b c"}, {"limit", "10"}, {"flag", ""}, {"x", "/&"}};
  EXPECT_EQ(*q, want);
}

TEST(ParseQueryTest, KeepsRepeatsInOrder) {
  auto q = ParseQuery("id=1&id=2&other=x");
  ASSERT_TRUE(q.ok());
  HttpRequest r;
  r.query = *q;
  EXPECT_EQ(r.Query("id"), "1");
  EXPECT_EQ(r.QueryAll("id"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(r.QueryCount("id"), 2);
  EXPECT_EQ(r.QueryCount("other"), 1);
  EXPECT_EQ(r.Query("missing"), std::nullopt);
}

TEST(ParseQueryTest, RejectsBadEncodings) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "%g1=1", "a=%00", "a=1&b=%E"}) {
    auto q = ParseQuery(bad);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.status().code(), Code::kInvalidArgument) << bad;
    ASSERT_EQ(q.status().details().size(), 1u);
    EXPECT_EQ(q.status().details()[0].field, "query");
  }
}

TEST(ParseQueryTest, EmptyIsEmpty) {
  auto q = ParseQuery("");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->empty());
}

TEST(PercentDecodeTest, PlusOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a+b%2B", false), "a+b+");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
  EXPECT_EQ(PercentDecode("%2e%2E", false), "..");
  EXPECT_EQ(PercentDecode("x%00y", false), std::nullopt);
}

TEST(HttpRequestTest, HeaderLookupIgnoresCase) {
  HttpRequest r;
  r.headers = {{"Content-Type", "application/json"}, {"X-Thing", "1"}, {"x-thing", "2"}};
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("X-THING"), "1");
  EXPECT_EQ(r.Header("Authorization"), std::nullopt);
}

TEST(HttpRequestTest, CookieParsing) {
  HttpRequest r;
  r.headers = {{"Cookie", "a=1; jitgate_session=abc.def ; b=\"q\""}, {"cookie", "c=3"}};
  EXPECT_EQ(r.Cookie("jitgate_session"), "abc.def");
  EXPECT_EQ(r.Cookie("b"), "q");
  EXPECT_EQ(r.Cookie("c"), "3");
  EXPECT_EQ(r.Cookie("jitgate"), std::nullopt);
}

TEST(HttpResponseTest, ErrorBodyIsTheApiShape) {
  HttpResponse r = HttpResponse::Error(404, "NOT_FOUND", "no \"such\" thing\n");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(r.body, R"({"message":"no \"such\" thing\n","code":"NOT_FOUND","details":[]})");
}

TEST(HttpResponseTest, JsonQuoteEscapesControls) {
  EXPECT_EQ(JsonQuote(std::string("a\x01\\b", 4)), R"("a\u0001\\b")");
}

TEST(HttpResponseTest, HeaderLookup) {
  HttpResponse r = HttpResponse::Json(200, "{}");
  r.AddHeader("Set-Cookie", "a=1").AddHeader("Set-Cookie", "b=2");
  EXPECT_EQ(r.Header("set-cookie"), "a=1");
  EXPECT_EQ(r.headers.size(), 2u);
}

}  // namespace
}  // namespace jitgate
