// Session: one connection's coroutine (plain TCP or TLS). It owns the stream and does I/O only:
// read a request (with limits and deadlines), dispatch it (inline or on the blocking pool), write
// the answer, repeat while keep-alive. Requests on a connection are answered strictly in order, so
// pipelined requests simply wait in the read buffer and at most one response is ever queued.
#pragma once

// clang-format off
#include <utility>  // before Asio's awaitable header (Boost 1.74)
// clang-format on
#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <type_traits>

#include "http/internal/server_context.h"
#include "http/internal/wire.h"

namespace jitgate::http_internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// Beast's timed TCP stream bound to the shard's io_context executor itself rather than
// beast::tcp_stream's type-erased any_io_executor, whose copies and property queries on every
// operation showed in the check profile. Same timeouts, same behaviour.
using PlainStream = beast::basic_stream<asio::ip::tcp, asio::io_context::executor_type>;
using TlsStream = beast::ssl_stream<PlainStream>;

// Runs a route's handler; an escaping exception becomes 500 INTERNAL (handlers should not throw).
HttpResponse InvokeHandler(const Route& route, const HttpRequest& request,
                           const PathParams& params);

// Fills `req` (reusing its buffers) from a parsed Beast request. kInvalidArgument when the
// target is not a usable path or its percent-encoding (path or query) is malformed.
Status FillRequest(bhttp::request<bhttp::string_body>& parsed, HttpRequest* req);

// The answer to a read error, or nullopt when the connection should just close silently
// (timeout, client gone). `header_done`: the error came after the header was parsed (a full read
// buffer then means an over-long chunk header or trailer, before it too large a header).
std::optional<HttpResponse> ResponseForReadError(const beast::error_code& ec, bool header_done);

// Checks a request whose header was parsed, before its body is read. The answer to send (the
// connection then closes), or nullopt when the request may proceed:
// - 431 when the request line and headers together exceed `header_limit` bytes (Beast's own
//   limit applies to each read separately, so many small headers could slip past it);
// - 400 when Transfer-Encoding is present but chunked is not the final coding: the body's length
//   is then unknowable, and guessing it would let the body be read as a smuggled next request.
std::optional<HttpResponse> ResponseForBadHeader(const bhttp::request<bhttp::string_body>& header,
                                                 bool chunked, size_t header_limit);

template <class Stream>
class Session final : public SessionHandle {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(ServerContext& ctx, Shard& shard, Stream stream, std::string remote_address)
      : ctx_(ctx),
        shard_(shard),
        stream_(std::move(stream)),
        buffer_(ctx.options.header_limit + kReadAhead) {
    request_.remote_address = std::move(remote_address);
    request_.tls = kTls;
    shard_.sessions.push_front(this);
    self_ = shard_.sessions.begin();
  }
  ~Session() override { shard_.sessions.erase(self_); }

  void CancelIfIdle() override {
    if (idle_) beast::get_lowest_layer(stream_).cancel();
  }

  // Serves the connection until it closes.
  IoAwaitable<> Run() {
    if constexpr (kTls) {
      if (!co_await Handshake()) co_return;
    }
    int served = 0;
    for (;;) {
      if (!co_await WaitForRequest()) break;
      if (!co_await ReadOne()) break;  // answered an error (or timed out): close
      auto started = std::chrono::steady_clock::now();
      bool keep_alive = parser_->keep_alive();
      std::string_view route_name;
      HttpResponse res;
      RouteMatch match;
      // Inline routes (the access check) are answered without a coroutine of their own.
      if (Resolve(&match, &res, &route_name)) {
        if (!match.route->options.blocking) {
          res = InvokeHandler(*match.route, request_, match.params);
        } else {
          res = co_await RunBlocking(*match.route, match.params);
        }
      }
      ++served;
      if (ctx_.stopping.load(std::memory_order_relaxed) ||
          (ctx_.options.max_requests_per_connection > 0 &&
           served >= ctx_.options.max_requests_per_connection)) {
        keep_alive = false;
      }
      keep_alive = keep_alive && !res.close;
      bool written = co_await Write(res, keep_alive);
      Report(route_name, res.status, started);
      if (!written) break;
      if (!keep_alive) {
        // Requests the client pipelined after this one may still arrive; closing on them
        // would reset the connection and could destroy responses the client has not read.
        co_await Linger();
        break;
      }
    }
    co_await Close();
  }

 private:
  using Clock = std::chrono::steady_clock;

  auto& Lowest() { return beast::get_lowest_layer(stream_); }

  IoAwaitable<bool> Handshake() {
    beast::error_code ec;
    Lowest().expires_after(ctx_.options.read_timeout);
    co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(kUseAwaitable, ec));
    co_return !ec;
  }

  // Waits (at most the idle timeout) until the next request's first byte is buffered.
  // False when the connection should close (idle, closed by the client, server stopping).
  IoAwaitable<bool> WaitForRequest() {
    if (buffer_.size() > 0) co_return true;  // a pipelined request is already here
    if (ctx_.stopping.load(std::memory_order_relaxed)) co_return false;
    beast::error_code ec;
    idle_ = true;
    Lowest().expires_after(ctx_.options.idle_timeout);
    size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk),
                                                asio::redirect_error(kUseAwaitable, ec));
    idle_ = false;
    if (ec) co_return false;
    buffer_.commit(n);
    co_return true;
  }

  // Reads one whole request into parser_ and request_ within the read timeout. On a malformed or
  // oversized request writes the error answer and returns false (the connection then closes).
  IoAwaitable<bool> ReadOne() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(ctx_.options.header_limit));
    parser_->body_limit(ctx_.options.body_limit);
    beast::error_code ec;
    Lowest().expires_after(ctx_.options.read_timeout);
    co_await bhttp::async_read_header(stream_, buffer_, *parser_,
                                      asio::redirect_error(kUseAwaitable, ec));
    if (!ec) {
      if (auto res =
              ResponseForBadHeader(parser_->get(), parser_->chunked(), ctx_.options.header_limit)) {
        co_await AnswerAndLinger(*res);
        co_return false;
      }
    }
    if (!ec && !parser_->is_done()) {
      if (auto expect = parser_->get()[bhttp::field::expect];
          parser_->get().version() == 11 && beast::iequals(expect, "100-continue")) {
        co_await asio::async_write(stream_, asio::buffer(std::string_view(kContinue)),
                                   asio::redirect_error(kUseAwaitable, ec));
      }
      if (!ec) {
        co_await bhttp::async_read(stream_, buffer_, *parser_,
                                   asio::redirect_error(kUseAwaitable, ec));
      }
    }
    if (ec) {
      if (auto res = ResponseForReadError(ec, parser_->is_header_done())) {
        co_await AnswerAndLinger(*res);
      }
      co_return false;
    }
    co_return true;
  }

  // Routes request_. True when `m` holds the route whose handler must answer; false when `*res`
  // is already the answer (malformed target, 404, 405).
  bool Resolve(RouteMatch* m, HttpResponse* res, std::string_view* route_name) {
    if (Status st = FillRequest(parser_->get(), &request_); !st.ok()) {
      *res = HttpResponse::Json(400, InvalidRequestBody(st));
      return false;
    }
    *m = ctx_.router.Match(request_.method, request_.path);
    if (m->kind == RouteMatch::Kind::kNotFound) {
      *res = HttpResponse::Error(404, "NOT_FOUND", "no such resource");
      return false;
    }
    if (m->kind == RouteMatch::Kind::kMethodNotAllowed) {
      *res = HttpResponse::Error(405, "METHOD_NOT_ALLOWED",
                                 "method " + request_.method + " not allowed");
      res->AddHeader("Allow", std::move(m->allow));
      return false;
    }
    *route_name = m->route->pattern;
    return true;
  }

  // Runs a blocking route's handler on the blocking pool, so this I/O thread keeps serving.
  IoAwaitable<HttpResponse> RunBlocking(const Route& route, const PathParams& params) {
    const Route* r = &route;
    co_return co_await asio::co_spawn(
        ctx_.pool->get_executor(),
        [this, r, &params]() -> asio::awaitable<HttpResponse> {
          co_return InvokeHandler(*r, request_, params);
        },
        kUseAwaitable);
  }

  // Writes `res` (no body bytes for HEAD, 204, 304). False when the write failed.
  IoAwaitable<bool> Write(const HttpResponse& res, bool keep_alive) {
    Framing framing;
    framing.request_version = request_.version;
    framing.keep_alive = keep_alive;
    framing.head_request = request_.method == "HEAD";
    SerializeHead(res, framing, &head_);
    std::array<asio::const_buffer, 2> bufs = {asio::buffer(head_), asio::const_buffer()};
    if (SendsBody(res.status, framing.head_request)) bufs[1] = asio::buffer(res.body);
    beast::error_code ec;
    Lowest().expires_after(ctx_.options.read_timeout);
    co_await asio::async_write(stream_, bufs, asio::redirect_error(kUseAwaitable, ec));
    co_return !ec;
  }

  // Answers a request that could not be read, then closes the sending side and reads (and
  // drops) what the client still sends for a moment, so the answer is not lost to a TCP reset.
  IoAwaitable<> AnswerAndLinger(HttpResponse& res) {
    auto started = Clock::now();
    // The hook must not see the previous request's data for this unreadable one.
    request_.method.clear();
    request_.target.clear();
    request_.path.clear();
    request_.raw_query.clear();
    request_.query.clear();
    request_.headers.clear();
    request_.body.clear();
    request_.version = parser_->get().version() == 10 ? 10 : 11;
    bool written = co_await Write(res, /*keep_alive=*/false);
    Report("", res.status, started);
    if (written) co_await Linger();
  }

  // After the last response: closes the sending side and reads (and drops) what the client still
  // sends until it closes too, at most kLinger / kMaxLingerBytes. Closing a socket with unread
  // data makes the kernel send a reset, which can destroy the answer in the client's buffer.
  IoAwaitable<> Linger() {
    if constexpr (!kTls) {
      beast::error_code ec;
      Lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
      Lowest().expires_after(kLinger);
      size_t drained = 0;
      while (!ec && drained < kMaxLingerBytes) {
        buffer_.clear();
        size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk),
                                                    asio::redirect_error(kUseAwaitable, ec));
        drained += n;
      }
    }
  }

  IoAwaitable<> Close() {
    beast::error_code ec;
    if constexpr (kTls) {
      Lowest().expires_after(kLinger);
      co_await stream_.async_shutdown(asio::redirect_error(kUseAwaitable, ec));
    } else {
      Lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    }
    Lowest().close();
  }

  void Report(std::string_view route, int status, Clock::time_point started) {
    if (!ctx_.hook) return;
    route_name_.assign(route);
    std::chrono::duration<double> took = Clock::now() - started;
    ctx_.hook(request_, route_name_, status, took.count());
  }

  static std::string InvalidRequestBody(const Status& st) {
    std::string body =
        "{\"message\":" + JsonQuote(st.message()) + ",\"code\":\"VALIDATION_FAILED\",\"details\":[";
    for (size_t i = 0; i < st.details().size(); ++i) {
      if (i) body += ",";
      body += "{\"field\":" + JsonQuote(st.details()[i].field) +
              ",\"message\":" + JsonQuote(st.details()[i].message) + "}";
    }
    return body + "]}";
  }

  static constexpr size_t kReadChunk = 16 * 1024;
  // The read buffer holds at most a header plus this much: body bytes move on into the body
  // as they arrive, so only an unending chunk-size line, chunk extension or trailer could grow
  // it further (and is answered 400 instead of filling the memory).
  static constexpr size_t kReadAhead = 64 * 1024;
  static constexpr size_t kMaxLingerBytes = 4 * 1024 * 1024;
  static constexpr std::chrono::seconds kLinger{2};
  static constexpr const char* kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

  ServerContext& ctx_;
  Shard& shard_;
  std::list<SessionHandle*>::iterator self_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  HttpRequest request_;     // reused across requests to keep its buffers
  std::string head_;        // the serialized response head, reused
  std::string route_name_;  // for the hook, reused
  bool idle_ = false;
};

}  // namespace jitgate::http_internal
