// The listener side of the server: binding the per-thread acceptors and accepting connections.
#pragma once

// clang-format off
#include <utility>  // before Asio's awaitable header (Boost 1.74)
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "http/internal/server_context.h"

namespace jitgate::http_internal {

// The endpoint for a numeric host ("127.0.0.1", "::", "0.0.0.0") or "localhost".
// kInvalidArgument for anything else.
Result<boost::asio::ip::tcp::endpoint> ResolveListenAddress(const std::string& host, uint16_t port);

// Opens shard->acceptor on `endpoint` with SO_REUSEPORT, so every I/O thread has its own acceptor
// on the same port. With `probe` and a fixed port, first checks that no other socket listens there
// (SO_REUSEPORT alone would silently share the port with another server of the same user).
// kUnavailable when the address is in use or cannot be bound.
Status OpenAcceptor(Shard* shard, const boost::asio::ip::tcp::endpoint& endpoint, bool probe);

// Accepts connections on shard.acceptor until it is closed, serving each on the shard's thread.
IoAwaitable<> AcceptLoop(ServerContext& ctx, Shard& shard);

}  // namespace jitgate::http_internal
