// The buffer-reusing decoders of the hot path (PercentDecodeInto, ParseQueryInto, QueryView)
// must give exactly what their allocating counterparts give, whatever the buffers held before.
#include <gtest/gtest.h>

#include "http/message.h"

namespace jitgate {
namespace {

TEST(PercentDecodeIntoTest, PlainInputIsCopiedOverOldContent) {
  std::string out = "a much longer previous value that must not survive";
  ASSERT_TRUE(PercentDecodeInto("/api/v1/access/check", false, &out));
  EXPECT_EQ(out, "/api/v1/access/check");
}

TEST(PercentDecodeIntoTest, DecodesAfterAPlainPrefix) {
  std::string out = "old";
  ASSERT_TRUE(PercentDecodeInto("user%2042+x", true, &out));
  EXPECT_EQ(out, "user 42 x");
  ASSERT_TRUE(PercentDecodeInto("user%2042+x", false, &out));
  EXPECT_EQ(out, "user 42+x");
}

TEST(PercentDecodeIntoTest, RejectsWhatPercentDecodeRejects) {
  for (const char* bad : {"%", "a%4", "a%zz", "x%00y", "ok%2"}) {
    std::string out;
    EXPECT_FALSE(PercentDecodeInto(bad, false, &out)) << bad;
    EXPECT_EQ(PercentDecode(bad, false), std::nullopt) << bad;
  }
  // A raw NUL byte in plain input (no '%' at all) is refused too.
  std::string out;
  EXPECT_FALSE(PercentDecodeInto(std::string_view("ab\0c", 4), false, &out));
  EXPECT_EQ(PercentDecode(std::string_view("ab\0c", 4), false), std::nullopt);
}

TEST(ParseQueryIntoTest, ReplacesAPreviousLongerResult) {
  QueryParams q = {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}};
  ASSERT_TRUE(ParseQueryInto("userId=u%201&&agentPoolId=p+2&permission", &q).ok());
  QueryParams want = {{"userId", "u 1"}, {"agentPoolId", "p 2"}, {"permission", ""}};
  EXPECT_EQ(q, want);
}

TEST(ParseQueryIntoTest, GrowsAShorterPreviousResult) {
  QueryParams q = {{"only", "one"}};
  ASSERT_TRUE(ParseQueryInto("x=1&y=2&z=3", &q).ok());
  QueryParams want = {{"x", "1"}, {"y", "2"}, {"z", "3"}};
  EXPECT_EQ(q, want);
  ASSERT_TRUE(ParseQueryInto("", &q).ok());
  EXPECT_TRUE(q.empty());
}

TEST(ParseQueryIntoTest, BadEscapeIsTheQueryFieldError) {
  QueryParams q = {{"stale", "value"}, {"more", "x"}, {"and", "y"}};
  Status st = ParseQueryInto("a=1&b=%E&c=3", &q);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  ASSERT_EQ(st.details().size(), 1u);
  EXPECT_EQ(st.details()[0].field, "query");
  // Only pairs of this query remain, never stale ones from a previous request.
  QueryParams want = {{"a", "1"}};
  EXPECT_EQ(q, want);
}

TEST(QueryViewTest, FirstValueAsAView) {
  HttpRequest r;
  r.query = {{"id", "1"}, {"id", "2"}, {"empty", ""}};
  EXPECT_EQ(r.QueryView("id"), "1");
  ASSERT_TRUE(r.QueryView("empty").has_value());
  EXPECT_TRUE(r.QueryView("empty")->empty());
  EXPECT_EQ(r.QueryView("missing"), std::nullopt);
  EXPECT_EQ(r.QueryView("id")->data(), r.query[0].second.data());  // no copy
}

}  // namespace
}  // namespace jitgate
