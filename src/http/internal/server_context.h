// State shared by the listener and its sessions (internal to the server).
#pragma once

// clang-format off
#include <utility>  // before Asio's awaitable header (Boost 1.74)
// clang-format on
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include "http/server.h"

namespace jitgate::http_internal {

// The I/O threads' coroutines are bound to their shard's io_context executor itself, not to the
// type-erased any_io_executor of asio::awaitable<T>: every co_await resumes through this executor,
// and the type erasure's copies and property queries showed in the check profile.
using IoExecutor = boost::asio::io_context::executor_type;
template <class T = void>
using IoAwaitable = boost::asio::awaitable<T, IoExecutor>;
inline constexpr boost::asio::use_awaitable_t<IoExecutor> kUseAwaitable;

// A live connection as the shutdown sees it. Touched only on its shard's thread.
class SessionHandle {
 public:
  virtual ~SessionHandle() = default;
  // Closes the connection if it is waiting for a new request; otherwise it will close itself
  // after answering the request in progress (the server is stopping).
  virtual void CancelIfIdle() = 0;
};

// One I/O thread: its io_context, its SO_REUSEPORT acceptor and its connections.
// Member order matters: destroying `ioc` destroys the coroutine frames of connections still
// open, whose sessions unlink themselves from `sessions`, so the list must outlive the ioc, and
// the acceptor must go before the ioc.
struct Shard {
  std::list<SessionHandle*> sessions;  // only touched on this shard's thread
  boost::asio::io_context ioc{1};
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::thread thread;
};

// Everything sessions need, owned by HttpServer::Impl.
struct ServerContext {
  ServerContext(HttpServer::Options o, const Router& r) : options(std::move(o)), router(r) {}

  HttpServer::Options options;
  const Router& router;
  HttpServer::RequestHook hook;
  std::optional<boost::asio::thread_pool> pool;  // runs blocking routes
  std::optional<boost::asio::ssl::context> tls;  // set when serving HTTPS
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};

  std::mutex mu;
  std::condition_variable all_closed;  // notified when `connections` drops to 0

  // Called by a connection when it ends.
  void ConnectionClosed() {
    if (connections.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mu);
      all_closed.notify_all();
    }
  }
};

}  // namespace jitgate::http_internal
