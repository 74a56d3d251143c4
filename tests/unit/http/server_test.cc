// Real-socket tests of HttpServer on 127.0.0.1, port 0.
#include "http/server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "test_client.h"

namespace jitgate {
namespace {

using namespace std::chrono_literals;
using testing::Fetch;
using testing::Get;
using testing::TestClient;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Must(router_.Add("GET", "/hello", [](const HttpRequest& r, const PathParams&) {
      return HttpResponse::Json(200, "{\"hello\":" + JsonQuote(r.Query("name").value_or("")) + "}");
    }));
    Must(router_.Add("GET", "/items/{id}", [](const HttpRequest&, const PathParams& p) {
      return HttpResponse::Text(200, "item " + std::string(p.Get("id")));
    }));
    Must(router_.Add("DELETE", "/items/{id}", [](const HttpRequest&, const PathParams&) {
      return HttpResponse{204, "", {}, "", false};
    }));
    Must(router_.Add("POST", "/echo", [](const HttpRequest& r, const PathParams&) {
      return HttpResponse::Text(200, std::to_string(r.body.size()) + ":" + r.body.substr(0, 16));
    }));
    Must(router_.Add("GET", "/throw", [](const HttpRequest&, const PathParams&) -> HttpResponse {
      throw std::runtime_error("boom");
    }));
    Must(router_.Add("GET", "/slow",
                     [this](const HttpRequest&, const PathParams&) {
                       slow_started_ = true;
                       std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
                       return HttpResponse::Text(200, "slow done");
                     },
                     {.blocking = true}));
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  static void Must(const Status& st) { ASSERT_TRUE(st.ok()) << st.message(); }

  uint16_t Start(HttpServer::Options opt = {}) {
    opt.host = "127.0.0.1";
    opt.port = 0;
    if (opt.io_threads == 0) opt.io_threads = 2;
    server_ = std::make_unique<HttpServer>(opt, router_);
    server_->SetRequestHook(
        [this](const HttpRequest& r, const std::string& route, int status, double seconds) {
          std::lock_guard<std::mutex> lock(hook_mu_);
          hook_calls_.push_back(r.method + " " + route + " " + std::to_string(status));
        });
    Status st = server_->Start();
    EXPECT_TRUE(st.ok()) << st.message();
    EXPECT_NE(server_->port(), 0);
    return server_->port();
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<bool> slow_started_{false};
  int slow_ms_ = 600;
  std::mutex hook_mu_;
  std::vector<std::string> hook_calls_;
};

TEST_F(ServerTest, ServesARouteWithQueryAndParams) {
  uint16_t port = Start();
  auto r = Fetch(port, Get("/hello?name=a%20b"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"hello\":\"a b\"}");
  EXPECT_EQ(r->Header("content-type"), "application/json; charset=utf-8");
  EXPECT_FALSE(r->Header("date").empty());
  r = Fetch(port, Get("/items/x%2Dy"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "item x-y");
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  uint16_t port = Start();
  TestClient c(port);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.Send(Get("/items/" + std::to_string(i))));
    auto r = c.Read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "item " + std::to_string(i));
    EXPECT_EQ(r->Header("connection"), "");
  }
}

TEST_F(ServerTest, PipelinedRequestsAnsweredInOrder) {
  uint16_t port = Start();
  TestClient c(port);
  std::string batch;
  for (int i = 0; i < 20; ++i) batch += Get("/items/" + std::to_string(i));
  batch += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  batch += Get("/items/last", "Connection: close\r\n");
  ASSERT_TRUE(c.Send(batch));
  for (int i = 0; i < 20; ++i) {
    auto r = c.Read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "item " + std::to_string(i));
  }
  auto echo = c.Read();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->body, "5:hello");
  auto last = c.Read();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->body, "item last");
  EXPECT_EQ(last->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(2000));
}

TEST_F(ServerTest, UnknownRouteIs404Json) {
  uint16_t port = Start();
  auto r = Fetch(port, Get("/nope"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->Header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(r->body, R"({"message":"no such resource","code":"NOT_FOUND","details":[]})");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  uint16_t port = Start();
  auto r = Fetch(port, "PUT /items/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("allow"), "DELETE, GET, HEAD");
  EXPECT_NE(r->body.find("\"METHOD_NOT_ALLOWED\""), std::string::npos);
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  uint16_t port = Start();
  TestClient c(port);
  ASSERT_TRUE(c.Send("HEAD /items/abc HTTP/1.1\r\nHost: x\r\n\r\n" + Get("/items/z")));
  auto head = c.Read(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "8");
  EXPECT_EQ(head->body, "");
  auto next = c.Read();  // would be garbled if the HEAD answer had carried a body
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "item z");
}

TEST_F(ServerTest, NoContentHasNoBody) {
  uint16_t port = Start();
  auto r = Fetch(port, "DELETE /items/1 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->Header("content-length"), "");
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAlive) {
  uint16_t port = Start();
  {
    TestClient c(port);
    ASSERT_TRUE(c.Send("GET /items/1 HTTP/1.0\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "item 1");
    EXPECT_EQ(r->Header("connection"), "close");
    EXPECT_TRUE(c.WaitClosed(2000));
  }
  {
    TestClient c(port);
    ASSERT_TRUE(c.Send("GET /items/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Header("connection"), "keep-alive");
    ASSERT_TRUE(c.Send("GET /items/2 HTTP/1.0\r\n\r\n"));
    r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "item 2");
  }
}

TEST_F(ServerTest, BodyAtTheLimitIsAccepted) {
  uint16_t port = Start();
  std::string body(1024 * 1024, 'a');
  auto r = Fetch(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "1048576:aaaaaaaaaaaaaaaa");
}

TEST_F(ServerTest, BodyOverTheLimitIs413AndCloses) {
  uint16_t port = Start();
  TestClient c(port);
  std::string body(1024 * 1024 + 1, 'a');
  // The server may answer before the body is sent; a failed send is fine, the answer is not.
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body);
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body,
            R"({"message":"request body too large","code":"PAYLOAD_TOO_LARGE","details":[]})");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(3000));
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  uint16_t port = Start();
  TestClient c(port);
  std::string chunk(512 * 1024 + 1, 'b');
  char size_hex[32];
  std::snprintf(size_hex, sizeof size_hex, "%zx", chunk.size());
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
         std::string(size_hex) + "\r\n" + chunk + "\r\n" + size_hex + "\r\n" + chunk +
         "\r\n0\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(ServerTest, HeadersOverTheLimitAre431AndClose) {
  uint16_t port = Start();
  TestClient c(port);
  c.Send(Get("/items/1", "X-Big: " + std::string(17 * 1024, 'h') + "\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_NE(r->body.find("\"HEADERS_TOO_LARGE\""), std::string::npos);
  EXPECT_TRUE(c.WaitClosed(3000));
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  uint16_t port = Start();
  for (std::string bad : {"GARBAGE\r\n\r\n", "GET /x HTTP/1.1\r\nBad Header\r\n\r\n",
                          "GET /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    TestClient c(port);
    ASSERT_TRUE(c.Send(bad));
    auto r = c.Read();
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_NE(r->body.find("\"VALIDATION_FAILED\""), std::string::npos);
    EXPECT_TRUE(c.WaitClosed(3000)) << bad;
  }
}

TEST_F(ServerTest, BadPercentEncodingIs400) {
  uint16_t port = Start();
  auto r = Fetch(port, Get("/hello?name=%zz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"field\":\"query\""), std::string::npos);
  r = Fetch(port, Get("/items/a%00b"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(ServerTest, ThrowingHandlerIs500) {
  uint16_t port = Start();
  auto r = Fetch(port, Get("/throw"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("\"INTERNAL\""), std::string::npos);
  EXPECT_EQ(r->body.find("boom"), std::string::npos);  // internals are not echoed
}

TEST_F(ServerTest, IdleClientIsClosedWhileOthersAreServed) {
  HttpServer::Options opt;
  opt.io_threads = 1;  // the silent client shares the only I/O thread with the busy one
  opt.idle_timeout = 300ms;
  uint16_t port = Start(opt);
  TestClient silent(port);
  ASSERT_TRUE(silent.connected());
  auto closed = std::async(std::launch::async, [&] { return silent.WaitClosed(3000); });
  TestClient busy(port);
  auto start = std::chrono::steady_clock::now();
  int served = 0;
  while (std::chrono::steady_clock::now() - start < 700ms) {
    ASSERT_TRUE(busy.Send(Get("/items/1")));
    auto r = busy.Read();
    ASSERT_TRUE(r);
    ++served;
    std::this_thread::sleep_for(50ms);  // gaps shorter than the idle timeout
  }
  EXPECT_TRUE(closed.get());
  EXPECT_GE(served, 5);
  ASSERT_TRUE(busy.Send(Get("/items/2")));
  EXPECT_TRUE(busy.Read());
}

TEST_F(ServerTest, SlowClientIsCutOffByReadTimeout) {
  HttpServer::Options opt;
  opt.read_timeout = 300ms;
  uint16_t port = Start(opt);
  TestClient slow(port);
  ASSERT_TRUE(slow.Send("GET /items/1 HTTP/1.1\r\n"));  // and never finishes the headers
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(slow.WaitClosed(3000));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(ServerTest, BlockingRoutesDoNotBlockOthers) {
  HttpServer::Options opt;
  opt.io_threads = 1;
  uint16_t port = Start(opt);
  slow_ms_ = 800;
  auto slow = std::async(std::launch::async, [&] { return Fetch(port, Get("/slow")); });
  while (!slow_started_) std::this_thread::sleep_for(1ms);
  auto start = std::chrono::steady_clock::now();
  auto quick = Fetch(port, Get("/items/1"));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->body, "item 1");
  EXPECT_LT(took, 400ms);
  auto s = slow.get();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->body, "slow done");
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequest) {
  uint16_t port = Start();
  slow_ms_ = 500;
  TestClient idle(port);  // an idle keep-alive connection must not hold up Stop
  ASSERT_TRUE(idle.Send(Get("/items/1")));
  ASSERT_TRUE(idle.Read());
  auto slow = std::async(std::launch::async, [&] { return Fetch(port, Get("/slow")); });
  while (!slow_started_) std::this_thread::sleep_for(1ms);
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  auto took = std::chrono::steady_clock::now() - start;
  auto s = slow.get();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->body, "slow done");
  EXPECT_EQ(s->Header("connection"), "close");
  EXPECT_LT(took, 3s);
  EXPECT_TRUE(idle.WaitClosed(1000));
  TestClient after(port);
  EXPECT_FALSE(after.connected() && after.Send(Get("/items/1")) && after.Read());
}

TEST_F(ServerTest, StopGivesUpAfterShutdownTimeout) {
  HttpServer::Options opt;
  opt.shutdown_timeout = 200ms;
  uint16_t port = Start(opt);
  slow_ms_ = 1000;
  auto slow = std::async(std::launch::async, [&] { return Fetch(port, Get("/slow")); });
  while (!slow_started_) std::this_thread::sleep_for(1ms);
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  // Bounded by the timeout plus the handler already running on the pool (joined before return).
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  slow.get();
}

TEST_F(ServerTest, PortInUseIsAnError) {
  uint16_t port = Start();
  HttpServer::Options opt;
  opt.host = "127.0.0.1";
  opt.port = port;
  HttpServer second(opt, router_);
  Status st = second.Start();
  EXPECT_EQ(st.code(), Code::kUnavailable) << st.message();
  // The first server still works.
  auto r = Fetch(port, Get("/items/1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, BadHostIsInvalid) {
  HttpServer::Options opt;
  opt.host = "not-an-address";
  opt.port = 0;
  HttpServer s(opt, router_);
  EXPECT_EQ(s.Start().code(), Code::kInvalidArgument);
}

TEST_F(ServerTest, MissingTlsFilesAreInvalid) {
  HttpServer::Options opt;
  opt.port = 0;
  opt.tls_cert_file = "/nonexistent/cert.pem";
  opt.tls_key_file = "/nonexistent/key.pem";
  HttpServer s(opt, router_);
  EXPECT_EQ(s.Start().code(), Code::kInvalidArgument);
}

TEST_F(ServerTest, HookSeesRouteAndStatus) {
  uint16_t port = Start();
  ASSERT_TRUE(Fetch(port, Get("/items/7")));
  ASSERT_TRUE(Fetch(port, Get("/nope")));
  ASSERT_TRUE(Fetch(port, "PATCH /items/7 HTTP/1.1\r\nHost: x\r\n\r\n"));
  // The hook runs after the write completes, on whichever I/O thread had the connection, so the
  // calls may land in any order and slightly after the client saw its answer.
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(hook_mu_);
      if (hook_calls_.size() >= 3) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard<std::mutex> lock(hook_mu_);
  std::sort(hook_calls_.begin(), hook_calls_.end());
  EXPECT_EQ(hook_calls_,
            (std::vector<std::string>{"GET  404", "GET /items/{id} 200", "PATCH  405"}));
}

TEST_F(ServerTest, MaxConnectionsAnswers503) {
  HttpServer::Options opt;
  opt.max_connections = 1;
  uint16_t port = Start(opt);
  TestClient first(port);
  ASSERT_TRUE(first.Send(Get("/items/1")));
  ASSERT_TRUE(first.Read());
  TestClient second(port);
  ASSERT_TRUE(second.connected());
  auto r = second.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("\"UNAVAILABLE\""), std::string::npos);
}

TEST_F(ServerTest, MaxRequestsPerConnection) {
  HttpServer::Options opt;
  opt.max_requests_per_connection = 2;
  uint16_t port = Start(opt);
  TestClient c(port);
  ASSERT_TRUE(c.Send(Get("/items/1") + Get("/items/2") + Get("/items/3")));
  auto a = c.Read();
  auto b = c.Read();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(2000));
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
  uint16_t port = Start();
  TestClient c(port);
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
             "Expect: 100-continue\r\n\r\n"));
  auto cont = c.Read();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.Send("abc"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "3:abc");
}

}  // namespace
}  // namespace jitgate
