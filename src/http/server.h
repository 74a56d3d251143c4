// HttpServer: the HTTP/1.1 listener (Boost.Beast, C++20 coroutines).
//
// One io_context per I/O thread, each with its own SO_REUSEPORT acceptor on the same port, so the
// kernel spreads connections over the threads and a connection lives on one thread (no locks on the
// I/O path). Routes marked `blocking` run on a separate thread pool while the connection's
// coroutine waits, so a slow disk write never holds up the access checks served by the I/O threads.
//
// Answers the server produces itself use the API's JSON error body:
//   400 VALIDATION_FAILED   malformed HTTP, or a Transfer-Encoding other than chunked (then the
//                           connection closes); a bad target or percent-encoding (it stays open)
//   404 NOT_FOUND           no route (and no fallback)
//   405 METHOD_NOT_ALLOWED  the path exists with other methods; Allow lists them
//   413 PAYLOAD_TOO_LARGE   body over Options::body_limit (then the connection closes)
//   431 HEADERS_TOO_LARGE   request line + headers over Options::header_limit, in total however
//                           many headers (then closes)
//   500 INTERNAL            a handler threw
//   503 UNAVAILABLE         Options::max_connections reached (then closes)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/message.h"
#include "http/router.h"

namespace jitgate {

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";   // address to bind ("0.0.0.0", "::", "127.0.0.1", ...)
    uint16_t port = 8080;             // 0: any free port; see port()
    int io_threads = 0;               // 0: one per core
    int blocking_threads = 8;         // threads for RouteOptions::blocking handlers
    size_t body_limit = 1024 * 1024;  // bytes; over it: 413
    size_t header_limit = 16 * 1024;  // bytes of request line + headers; over it: 431
    // Time allowed to receive one whole request once its first byte arrived, and to send one
    // response; a slower client is disconnected (slowloris protection).
    std::chrono::milliseconds read_timeout{10'000};
    // Time a keep-alive connection may stay silent between requests before it is closed.
    std::chrono::milliseconds idle_timeout{30'000};
    // Open connections at most; one more is answered 503 and closed.
    int max_connections = 10'000;
    // Requests served on one connection before it is closed (0: no limit). Pipelined requests are
    // answered in order one at a time, so at most one response per connection is ever queued.
    int max_requests_per_connection = 0;
    // How long Stop() waits for requests in flight before dropping what remains.
    std::chrono::milliseconds shutdown_timeout{10'000};
    // PEM files; both set: serve HTTPS only. Both empty: plain HTTP.
    std::string tls_cert_file;
    std::string tls_key_file;
  };

  // Called after each response was sent (or failed to send), on an I/O thread; must be fast and
  // thread-safe. `route` is the matched pattern, "*" for the fallback, "" when nothing matched.
  // `seconds` is the time from the request being read to the response being written.
  using RequestHook = std::function<void(const HttpRequest& request, const std::string& route,
                                         int status, double seconds)>;

  // `router` must outlive the server and not change once Start() was called.
  HttpServer(Options options, const Router& router);
  // Stops the server if it runs.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Sets the per-request hook; call before Start().
  void SetRequestHook(RequestHook hook);

  // Binds, listens and starts the threads. Returns once the server accepts connections.
  // kUnavailable when the address cannot be bound (e.g. port in use), kInvalidArgument for a bad
  // host or TLS files that cannot be loaded, kInternal when already started.
  Status Start();

  // The port actually bound (useful with Options::port = 0); 0 before Start().
  uint16_t port() const;

  // Stops accepting, closes idle connections, lets requests in flight finish and be answered
  // (waiting at most Options::shutdown_timeout), then stops the threads. Idempotent; thread-safe.
  // Must not be called from a handler.
  void Stop();

  // Blocks until SIGINT or SIGTERM arrives (or Stop() was called from another thread), then
  // Stop()s.
  void WaitForSignal();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jitgate
