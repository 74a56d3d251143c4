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

}  // namespace
}  // namespace jitgate
