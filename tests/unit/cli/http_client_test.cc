#include "cli/http_client.h"

#include <gtest/gtest.h>

#include "fake_http_server.h"

namespace jitgate {
namespace {

using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::RecordedRequest;

TEST(ParseUrlTest, HostPortAndDefaultTarget) {
  auto url = ParseUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->Origin(), "http://127.0.0.1:8080");
}

TEST(ParseUrlTest, DefaultPortsBySchemeAndCaseInsensitiveScheme) {
  auto http = ParseUrl("HTTP://jitgate.example");
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(http->scheme, "http");
  EXPECT_EQ(http->port, 80);
  EXPECT_EQ(http->Origin(), "http://jitgate.example");
  auto https = ParseUrl("https://jitgate.example/");
  ASSERT_TRUE(https.ok());
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->Origin(), "https://jitgate.example");
}

TEST(ParseUrlTest, PathAndQueryKeptFragmentDropped) {
  auto url = ParseUrl("http://h:1/base/api/v1/users?search=a%40b&limit=5#frag");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->target, "/base/api/v1/users?search=a%40b&limit=5");
  auto query_only = ParseUrl("http://h?x=1");
  ASSERT_TRUE(query_only.ok());
  EXPECT_EQ(query_only->target, "/?x=1");
}

TEST(ParseUrlTest, Ipv6InBrackets) {
  auto url = ParseUrl("http://[::1]:9000/x");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->Origin(), "http://[::1]:9000");
}

TEST(ParseUrlTest, RejectsBadUrlsWithInvalidArgument) {
  for (const char* bad :
       {"127.0.0.1:8080", "ftp://h", "http://", "http://:80", "http://h:0", "http://h:65536",
        "http://h:8o", "http://user:pw@h", "http://[::1", "http://[::1]x"}) {
    auto url = ParseUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), Code::kInvalidArgument) << bad;
    EXPECT_NE(url.status().message().find(bad), std::string::npos) << url.status().message();
  }
}

TEST(ParseUrlTest, CredentialsAreRefusedWithoutEchoingThemAsHost) {
  auto url = ParseUrl("http://user:secret@h");
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.status().message().find("credentials"), std::string::npos);
}

TEST(PercentEncodeTest, KeepsUnreservedEncodesTheRest) {
  EXPECT_EQ(PercentEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(PercentEncode("a b&c=d/é+@"), "a%20b%26c%3Dd%2F%C3%A9%2B%40");
}

TEST(QueryStringTest, SkipsEmptyValues) {
  EXPECT_EQ(QueryString({}), "");
  EXPECT_EQ(QueryString({{"search", ""}}), "");
  EXPECT_EQ(QueryString({{"status", "all"}, {"search", ""}, {"q", "a b"}}), "?status=all&q=a%20b");
}

TEST(RequestTest, SendsMethodTargetHeadersAndBody) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeResponse{201, R"({"ok":true})"}; });
  auto res = Request("POST", server.url() + "/api/v1/x?a=1", {{"X-Test", "yes"}}, R"({"n":1})");
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, R"({"ok":true})");
  EXPECT_EQ(res->Header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(res->Header("CONTENT-TYPE"), "application/json; charset=utf-8");
  EXPECT_EQ(res->Header("x-missing"), "");
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/api/v1/x?a=1");
  EXPECT_EQ(reqs[0].headers.at("x-test"), "yes");
  EXPECT_EQ(reqs[0].headers.at("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(reqs[0].headers.at("user-agent"), "jitgate-cli");
  EXPECT_EQ(reqs[0].body, R"({"n":1})");
}

TEST(RequestTest, ErrorStatusesAreAnswersNotFailures) {
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeResponse{404, R"({"code":"NOT_FOUND"})"};
  });
  auto res = Request("GET", server.url() + "/nope", {}, "");
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->status, 404);
}

TEST(RequestTest, ConnectionRefusedIsUnavailable) {
  uint16_t port;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  auto res = Request("GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, "");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kUnavailable);
  EXPECT_NE(res.status().message().find("refused"), std::string::npos) << res.status().message();
}

TEST(RequestTest, ServerThatNeverAnswersTimesOut) {
  boost::asio::io_context ioc;
  // Listening but never accepting: the kernel completes the connect, nobody reads or answers.
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  HttpOptions options;
  options.timeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  auto res = Request("GET", "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()),
                     {}, "", options);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kUnavailable);
  EXPECT_EQ(res.status().message(), "no answer in time");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RequestTest, UnknownMethodAndBadUrlAreInvalidArgument) {
  EXPECT_EQ(Request("FROB", "http://127.0.0.1:1/", {}, "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Request("GET", "nonsense", {}, "").status().code(), Code::kInvalidArgument);
}

TEST(RequestTest, HttpsWithAMissingCaFileIsInvalidArgument) {
  HttpOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  auto res = Request("GET", "https://127.0.0.1:1/", {}, "", options);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace jitgate
