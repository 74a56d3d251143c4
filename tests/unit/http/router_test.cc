#include "http/router.h"

#include <gtest/gtest.h>

namespace jitgate {
namespace {

RouteHandler Named(std::string name) {
  return [name](const HttpRequest&, const PathParams&) { return HttpResponse::Text(200, name); };
}

std::string Invoke(const RouteMatch& m) {
  HttpRequest r;
  return m.route->handler(r, m.params).body;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(router_.Add("GET", "/api/v1/jit-access", Named("list")).ok());
    ASSERT_TRUE(
        router_.Add("POST", "/api/v1/jit-access", Named("create"), {.blocking = true}).ok());
    ASSERT_TRUE(router_.Add("GET", "/api/v1/jit-access/{id}", Named("get")).ok());
    ASSERT_TRUE(router_.Add("DELETE", "/api/v1/jit-access/{id}", Named("revoke")).ok());
    ASSERT_TRUE(router_.Add("GET", "/api/v1/users/me", Named("me")).ok());
    ASSERT_TRUE(router_.Add("DELETE", "/api/v1/users/{id}", Named("delete-user")).ok());
    ASSERT_TRUE(router_.Add("GET", "/api/v1/users/{userId}/keys/{keyId}", Named("user-key")).ok());
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralAndParams) {
  auto m = router_.Match("GET", "/api/v1/jit-access");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Invoke(m), "list");
  EXPECT_EQ(m.route->pattern, "/api/v1/jit-access");

  m = router_.Match("DELETE", "/api/v1/jit-access/abc-123");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Invoke(m), "revoke");
  EXPECT_EQ(m.params.Get("id"), "abc-123");
  EXPECT_EQ(m.params.Get("nope"), "");
  EXPECT_EQ(m.route->pattern, "/api/v1/jit-access/{id}");

  m = router_.Match("GET", "/api/v1/users/u1/keys/k2");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.params.Get("userId"), "u1");
  EXPECT_EQ(m.params.Get("keyId"), "k2");
}

TEST_F(RouterTest, BlockingFlagIsKept) {
  auto m = router_.Match("POST", "/api/v1/jit-access");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_TRUE(m.route->options.blocking);
  EXPECT_FALSE(router_.Match("GET", "/api/v1/jit-access").route->options.blocking);
}

TEST_F(RouterTest, LiteralWinsButParamStillServesOtherMethods) {
  auto m = router_.Match("GET", "/api/v1/users/me");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Invoke(m), "me");
  // "me" is also a valid {id} for DELETE.
  m = router_.Match("DELETE", "/api/v1/users/me");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Invoke(m), "delete-user");
  EXPECT_EQ(m.params.Get("id"), "me");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(router_.Match("GET", "/api/v1/nope").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match("GET", "/api/v1/jit-access/a/b").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match("GET", "/api/v1/jit-access/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match("GET", "").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match("GET", "api/v1/jit-access").kind, RouteMatch::Kind::kNotFound);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto m = router_.Match("PUT", "/api/v1/jit-access/x");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
  m = router_.Match("PATCH", "/api/v1/jit-access");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  // /users/{id} has DELETE, /users/me has GET: both count for "me".
  m = router_.Match("POST", "/api/v1/users/me");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
}

TEST_F(RouterTest, HeadUsesGet) {
  auto m = router_.Match("HEAD", "/api/v1/jit-access/x");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Invoke(m), "get");
}

TEST_F(RouterTest, FallbackTakesUnknownPathsOnly) {
  router_.SetFallback(Named("static"), {.blocking = true});
  auto m = router_.Match("GET", "/portal/grants");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Invoke(m), "static");
  EXPECT_EQ(m.route->pattern, "*");
  EXPECT_TRUE(m.route->options.blocking);
  // A known path with the wrong method stays a 405.
  EXPECT_EQ(router_.Match("PUT", "/api/v1/jit-access/x").kind, RouteMatch::Kind::kMethodNotAllowed);
}

TEST_F(RouterTest, RejectsDuplicatesAndBadPatterns) {
  Status st = router_.Add("GET", "/api/v1/jit-access/{other}", Named("dup"));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(router_.Add("GET", "no-slash", Named("x")).code(), Code::kInvalidArgument);
  EXPECT_EQ(router_.Add("GET", "/a/{b", Named("x")).code(), Code::kInvalidArgument);
  EXPECT_EQ(router_.Add("GET", "/a/{}", Named("x")).code(), Code::kInvalidArgument);
  EXPECT_EQ(router_.Add("GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", Named("x")).code(),
            Code::kInvalidArgument);
}

TEST_F(RouterTest, ListsRoutesInOrder) {
  auto routes = router_.Routes();
  ASSERT_EQ(routes.size(), 7u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/api/v1/jit-access");
  EXPECT_EQ(routes[1].method, "POST");
  EXPECT_TRUE(routes[1].blocking);
  EXPECT_EQ(routes[6].pattern, "/api/v1/users/{userId}/keys/{keyId}");
}

TEST(RouterRootTest, RootPattern) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/", Named("root")).ok());
  EXPECT_EQ(r.Match("GET", "/").kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(r.Match("GET", "/x").kind, RouteMatch::Kind::kNotFound);
}

}  // namespace
}  // namespace jitgate
