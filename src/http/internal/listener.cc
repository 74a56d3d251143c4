// clang-format off
#include <utility>  // before Asio's awaitable header (Boost 1.74)
// clang-format on
#include "http/internal/listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

#include "http/internal/session.h"

namespace jitgate::http_internal {
namespace {

using tcp = asio::ip::tcp;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// Counts a connection as closed when the coroutine serving it ends, however it ends.
class ConnectionGuard {
 public:
  explicit ConnectionGuard(ServerContext& ctx) : ctx_(ctx) {}
  ~ConnectionGuard() { ctx_.ConnectionClosed(); }
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

 private:
  ServerContext& ctx_;
};

Status BindError(const tcp::endpoint& endpoint, const boost::system::error_code& ec) {
  return Status::Unavailable("cannot listen on " + endpoint.address().to_string() + ":" +
                             std::to_string(endpoint.port()) + ": " + ec.message());
}

// Answers 503 and closes: the server is at Options::max_connections.
IoAwaitable<> RejectBusy(PlainStream::socket_type socket) {
  PlainStream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(2));
  HttpResponse res = HttpResponse::Error(503, "UNAVAILABLE", "too many connections");
  std::string head;
  SerializeHead(res, Framing{11, false, false}, &head);
  std::array<asio::const_buffer, 2> bufs = {asio::buffer(head), asio::buffer(res.body)};
  beast::error_code ec;
  co_await asio::async_write(stream, bufs, asio::redirect_error(kUseAwaitable, ec));
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

IoAwaitable<> Serve(ServerContext& ctx, Shard& shard, PlainStream::socket_type socket) {
  ConnectionGuard guard(ctx);
  boost::system::error_code ec;
  std::string remote = socket.remote_endpoint(ec).address().to_string();
  if (ctx.tls) {
    Session<TlsStream> session(ctx, shard, TlsStream(std::move(socket), *ctx.tls),
                               std::move(remote));
    co_await session.Run();
  } else {
    Session<PlainStream> session(ctx, shard, PlainStream(std::move(socket)), std::move(remote));
    co_await session.Run();
  }
}

}  // namespace

Result<tcp::endpoint> ResolveListenAddress(const std::string& host, uint16_t port) {
  if (host == "localhost") return tcp::endpoint(asio::ip::address_v4::loopback(), port);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::Invalid("host", "not an IP address: " + host);
  return tcp::endpoint(address, port);
}

Status OpenAcceptor(Shard* shard, const tcp::endpoint& endpoint, bool probe) {
  boost::system::error_code ec;
  if (probe && endpoint.port() != 0) {
    tcp::acceptor check(shard->ioc);
    check.open(endpoint.protocol(), ec);
    if (!ec) check.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) check.bind(endpoint, ec);
    if (ec) return BindError(endpoint, ec);
  }
  auto& acceptor = shard->acceptor.emplace(shard->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.set_option(ReusePort(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    shard->acceptor.reset();
    return BindError(endpoint, ec);
  }
  return Status::Ok();
}

IoAwaitable<> AcceptLoop(ServerContext& ctx, Shard& shard) {
  for (;;) {
    boost::system::error_code ec;
    PlainStream::socket_type socket(shard.ioc.get_executor());
    co_await shard.acceptor->async_accept(socket, asio::redirect_error(kUseAwaitable, ec));
    if (ctx.stopping.load() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of file descriptors or a transient error: back off briefly instead of spinning.
      asio::steady_timer pause(shard.ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(kUseAwaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    // Counted here, released by Serve's ConnectionGuard.
    if (ctx.connections.fetch_add(1) >= ctx.options.max_connections) {
      ctx.ConnectionClosed();
      asio::co_spawn(shard.ioc, RejectBusy(std::move(socket)), asio::detached);
      continue;
    }
    asio::co_spawn(shard.ioc, Serve(ctx, shard, std::move(socket)), asio::detached);
  }
}

}  // namespace jitgate::http_internal
