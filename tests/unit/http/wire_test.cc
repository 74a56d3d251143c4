#include "http/internal/wire.h"

#include <gtest/gtest.h>

namespace jitgate::http_internal {
namespace {

TEST(SerializeHeadTest, KeepAliveJson) {
  HttpResponse r = HttpResponse::Json(200, "{\"a\":1}");
  r.AddHeader("X-Request-Id", "r1");
  std::string out;
  SerializeHead(r, Framing{11, true, false}, &out);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\nDate: ", 0), 0u) << out;
  EXPECT_NE(out.find("\r\nContent-Type: application/json; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nX-Request-Id: r1\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Length: 7\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Connection"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
}

TEST(SerializeHeadTest, CloseAndHttp10) {
  HttpResponse r = HttpResponse::Text(404, "x");
  std::string out;
  SerializeHead(r, Framing{11, false, false}, &out);
  EXPECT_NE(out.find("HTTP/1.1 404 Not Found\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nConnection: close\r\n"), std::string::npos);
  SerializeHead(r, Framing{10, true, false}, &out);
  EXPECT_NE(out.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
}

TEST(SerializeHeadTest, NoContentHasNoLength) {
  HttpResponse r;
  r.status = 204;
  std::string out;
  SerializeHead(r, Framing{}, &out);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_FALSE(SendsBody(204, false));
  EXPECT_FALSE(SendsBody(200, true));
  EXPECT_TRUE(SendsBody(200, false));
}

TEST(SerializeHeadTest, HeaderInjectionIsNeutralised) {
  HttpResponse r = HttpResponse::Text(200, "");
  r.AddHeader("Location", "/x\r\nSet-Cookie: evil=1");
  std::string out;
  SerializeHead(r, Framing{}, &out);
  EXPECT_EQ(out.find("\r\nSet-Cookie"), std::string::npos) << out;
  EXPECT_NE(out.find("Location: /x  Set-Cookie: evil=1\r\n"), std::string::npos);
}

TEST(SerializeHeadTest, BadStatusBecomes500) {
  HttpResponse r;
  r.status = 42;
  std::string out;
  SerializeHead(r, Framing{}, &out);
  EXPECT_EQ(out.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u);
}

TEST(SplitTargetTest, Forms) {
  std::string_view path, query;
  ASSERT_TRUE(SplitTarget("/a/b?x=1&y", &path, &query));
  EXPECT_EQ(path, "/a/b");
  EXPECT_EQ(query, "x=1&y");
  ASSERT_TRUE(SplitTarget("/a", &path, &query));
  EXPECT_EQ(query, "");
  ASSERT_TRUE(SplitTarget("http://host:8080/p?q=1", &path, &query));
  EXPECT_EQ(path, "/p");
  EXPECT_EQ(query, "q=1");
  ASSERT_TRUE(SplitTarget("http://host", &path, &query));
  EXPECT_EQ(path, "/");
  EXPECT_FALSE(SplitTarget("*", &path, &query));
  EXPECT_FALSE(SplitTarget("a/b", &path, &query));
  EXPECT_FALSE(SplitTarget("", &path, &query));
}

TEST(HttpDateTest, Format) {
  std::string_view d = HttpDate();
  ASSERT_EQ(d.size(), 29u) << d;
  EXPECT_EQ(d.substr(25), " GMT");
}

}  // namespace
}  // namespace jitgate::http_internal
