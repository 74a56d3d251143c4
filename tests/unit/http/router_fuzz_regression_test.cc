// Regressions found by fuzz/router_fuzzer (inputs kept in fuzz/corpus/router_fuzzer/regress-*).
#include <gtest/gtest.h>

#include "http/router.h"

namespace jitgate {
namespace {

RouteHandler Named(std::string name) {
  return [name](const HttpRequest&, const PathParams&) { return HttpResponse::Text(200, name); };
}

// Add used to drop a pattern's trailing "/" while Match kept a path's: "/a/" registered as "/a",
// and the path "//" reached the pattern "///". Both now split segments the same way.
TEST(RouterFuzzRegression, TrailingSlashIsAnEmptySegmentInPatternsAndPaths) {
  Router r;
  ASSERT_TRUE(r.Add("POST", "///", Named("three")).ok());
  ASSERT_TRUE(r.Add("POST", "//", Named("two")).ok());
  RouteMatch m = r.Match("POST", "//");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "//");
  m = r.Match("POST", "///");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "///");
}

TEST(RouterFuzzRegression, PatternWithTrailingSlashIsNotThePatternWithout) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/a", Named("a")).ok());
  ASSERT_TRUE(r.Add("GET", "/a/", Named("a/")).ok());  // used to be "already registered"
  EXPECT_EQ(r.Match("GET", "/a").route->pattern, "/a");
  EXPECT_EQ(r.Match("GET", "/a/").route->pattern, "/a/");
  Router only_slash;
  ASSERT_TRUE(only_slash.Add("GET", "/b/{id}/", Named("b")).ok());
  EXPECT_EQ(only_slash.Match("GET", "/b/x").kind, RouteMatch::Kind::kNotFound);
  RouteMatch m = only_slash.Match("GET", "/b/x/");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.params.Get("id"), "x");
}

// "/{id}/{id}/x" was accepted, but PathParams::Get("id") can only ever return the first value: the
// second segment's value was unreachable. A name used twice in one pattern is now an error.
TEST(RouterFuzzRegression, ParameterNamedTwiceIsRejected) {
  Router r;
  Status st = r.Add("POST", "/{id}/{id}/x", Named("twice"));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(r.Match("POST", "/a/b/x").kind, RouteMatch::Kind::kNotFound);
  ASSERT_TRUE(r.Add("POST", "/{id}/{other}/x", Named("two")).ok());
  RouteMatch m = r.Match("POST", "/a/b/x");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.params.Get("id"), "a");
  EXPECT_EQ(m.params.Get("other"), "b");
}

}  // namespace
}  // namespace jitgate
