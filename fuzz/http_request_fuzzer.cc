// Fuzzes the HTTP request path end to end, without a network: bytes in -> Beast's request parser
// with the server's header and body limits -> FillRequest -> the router -> the API dispatcher of a
// real App on a temporary SQLite store (or the portal's static files) -> response head and body.
// The first byte picks the caller's credential (see fuzz::Credential); the rest is what a client
// sends on one connection, pipelined requests included (at most 8 are answered). Placeholders in
// the path, query, headers and body (@user@, @pool@, ...) become the fixture's ids.
// Every response must keep the invariants of common/invariants.h: a 5xx is a finding.
// clang-format off
#include <utility>  // before Asio's awaitable header (Boost 1.74)
// clang-format on
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>

#include "common/fuzz_app.h"
#include "common/invariants.h"
#include "http/internal/session.h"
#include "http/internal/wire.h"
#include "http/server.h"

namespace jitgate::fuzz {
namespace {

namespace bhttp = boost::beast::http;
using http_internal::FillRequest;

constexpr int kMaxRequests = 8;

// JG_FUZZ_VERBOSE=1: print each request and its answer (to check what seeds reach).
bool Verbose() {
  static const bool verbose = std::getenv("JG_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

// The body the session sends when FillRequest rejects a request (mirrors Session's answer).
HttpResponse BadTarget(const Status& st) {
  return HttpResponse::Error(400, "VALIDATION_FAILED", st.message());
}

// Routes and runs one parsed request like Session::Dispatch does.
HttpResponse Dispatch(FuzzApp& f, HttpRequest& req) {
  RouteMatch m = f.router().Match(req.method, req.path);
  if (m.kind == RouteMatch::Kind::kNotFound) return HttpResponse::Error(404, "NOT_FOUND", "no such resource");
  if (m.kind == RouteMatch::Kind::kMethodNotAllowed) {
    HttpResponse res = HttpResponse::Error(405, "METHOD_NOT_ALLOWED", "method " + req.method + " not allowed");
    res.AddHeader("Allow", std::move(m.allow));
    return res;
  }
  return http_internal::InvokeHandler(*m.route, req, m.params);
}

void SubstituteAll(FuzzApp& f, HttpRequest& req) {
  f.Substitute(&req.path);
  f.Substitute(&req.body);
  for (auto& [k, v] : req.query) f.Substitute(&v);
  for (auto& [k, v] : req.headers) f.Substitute(&v);
}

// The head must end the header block exactly once: a handler can never split the response.
void CheckHead(const HttpResponse& res, bool keep_alive, int version, bool head_request) {
  http_internal::Framing framing{version, keep_alive, head_request};
  std::string head;
  http_internal::SerializeHead(res, framing, &head);
  if (head.find("\r\n\r\n") != head.size() - 4) Finding("response head split", res);
}

void RunOne(const uint8_t* data, size_t size) {
  if (size < 1) return;
  FuzzApp& f = FuzzApp::Get();
  f.NextInput();
  const auto cred = static_cast<Credential>(data[0] % static_cast<int>(Credential::kCount));
  std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string_view sent = wire;
  const HttpServer::Options limits;
  HttpRequest req;  // reused across the connection's requests, as the session does
  req.remote_address = "203.0.113.9";
  for (int served = 0; served < kMaxRequests && !wire.empty(); ++served) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);
    boost::beast::error_code ec;
    // Header first, as async_read_header does, then the session's header checks, then the body.
    auto feed = [&](auto done) {
      while (!ec && !done() && !wire.empty()) {
        size_t n = parser.put(boost::asio::buffer(wire.data(), wire.size()), ec);
        wire.remove_prefix(n);
        if (ec == bhttp::error::need_more) {
          ec = {};
          if (n == 0) break;  // the rest of the bytes never complete this part: the client stalls
        }
      }
    };
    feed([&] { return parser.is_header_done(); });
    if (!ec && parser.is_header_done()) {
      if (auto res = http_internal::ResponseForBadHeader(parser.get(), parser.chunked(), limits.header_limit)) {
        CheckResponse(*res, f.SecretsFor(sent));
        return;  // the connection closes
      }
      parser.eager(true);
      feed([&] { return parser.is_done(); });
    }
    if (!ec && !parser.is_done()) parser.put_eof(ec);  // the client closed its side
    if (ec || !parser.is_done()) {
      if (auto res = http_internal::ResponseForReadError(ec, parser.is_header_done()))
        CheckResponse(*res, f.SecretsFor(sent));
      return;  // the connection closes
    }
    const bool keep_alive = parser.keep_alive();
    Status filled = FillRequest(parser.get(), &req);
    HttpResponse res;
    if (!filled.ok()) {
      res = BadTarget(filled);
    } else {
      SubstituteAll(f, req);
      f.AddCredential(cred, &req);
      res = Dispatch(f, req);
    }
    if (Verbose()) std::fprintf(stderr, "%s %s -> %d %.200s\n", req.method.c_str(), req.target.c_str(), res.status, res.body.c_str());
    CheckResponse(res, f.SecretsFor(sent));
    CheckHead(res, keep_alive && !res.close, req.version, req.method == "HEAD");
    if (!keep_alive || res.close) return;
  }
}

}  // namespace
}  // namespace jitgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jitgate::fuzz::RunOne(data, size);
  return 0;
}
