// clang-format off
#include <utility>  // before Asio's awaitable header (Boost 1.74)
// clang-format on
#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "http/internal/listener.h"
#include "http/internal/server_context.h"

namespace jitgate {

namespace asio = boost::asio;
using http_internal::ServerContext;
using http_internal::Shard;

class HttpServer::Impl {
 public:
  Impl(Options options, const Router& router) : ctx_(std::move(options), router) {}
  ~Impl() { Stop(); }

  void SetHook(RequestHook hook) { ctx_.hook = std::move(hook); }
  Status Start();
  void Stop();
  void WaitForSignal();
  uint16_t port() const { return port_.load(); }

 private:
  Status LoadTls();
  // Resolves the address and opens one acceptor per I/O thread.
  Status Listen();
  void WaitForConnections();

  ServerContext ctx_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<uint16_t> port_{0};

  std::mutex mu_;  // guards the fields below
  bool started_ = false;
  bool stopped_ = false;
  asio::io_context* signal_ioc_ = nullptr;
};

Status HttpServer::Impl::LoadTls() {
  const auto& o = ctx_.options;
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) return Status::Ok();
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    return Status::Invalid("tls", "both a certificate and a key file are needed");
  }
  try {
    auto& tls = ctx_.tls.emplace(asio::ssl::context::tls_server);
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    tls.use_certificate_chain_file(o.tls_cert_file);
    tls.use_private_key_file(o.tls_key_file, asio::ssl::context::pem);
  } catch (const std::exception& e) {
    ctx_.tls.reset();
    return Status::Invalid("tls", std::string("cannot load certificate or key: ") + e.what());
  }
  return Status::Ok();
}

Status HttpServer::Impl::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_) return Status::Internal("server already started");
    started_ = true;
  }
  Status st = Listen();
  if (!st.ok()) {
    shards_.clear();
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    return st;
  }
  ctx_.pool.emplace(static_cast<size_t>(std::max(1, ctx_.options.blocking_threads)));
  for (auto& shard : shards_) {
    asio::co_spawn(shard->ioc, http_internal::AcceptLoop(ctx_, *shard), asio::detached);
    Shard* s = shard.get();
    s->thread = std::thread([s] { s->ioc.run(); });
  }
  return Status::Ok();
}

Status HttpServer::Impl::Listen() {
  RETURN_IF_ERROR(LoadTls());
  int threads = ctx_.options.io_threads > 0 ? ctx_.options.io_threads
                                            : static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  ASSIGN_OR_RETURN(auto endpoint,
                   http_internal::ResolveListenAddress(ctx_.options.host, ctx_.options.port));
  for (int i = 0; i < threads; ++i) {
    auto shard = std::make_unique<Shard>();
    // The first acceptor may pick a free port (port 0); the others join the same port.
    if (i > 0) endpoint.port(port_.load());
    RETURN_IF_ERROR(http_internal::OpenAcceptor(shard.get(), endpoint, /*probe=*/i == 0));
    if (i == 0) port_ = shard->acceptor->local_endpoint().port();
    shards_.push_back(std::move(shard));
  }
  return Status::Ok();
}

void HttpServer::Impl::WaitForConnections() {
  std::unique_lock<std::mutex> lock(ctx_.mu);
  ctx_.all_closed.wait_for(lock, ctx_.options.shutdown_timeout,
                           [this] { return ctx_.connections.load() == 0; });
}

void HttpServer::Impl::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (signal_ioc_) signal_ioc_->stop();
    if (!started_ || stopped_) return;
    stopped_ = true;
  }
  ctx_.stopping = true;
  for (auto& shard : shards_) {
    Shard* s = shard.get();
    asio::post(s->ioc, [s] {
      if (s->acceptor) {
        boost::system::error_code ec;
        s->acceptor->close(ec);
      }
      for (auto* session : s->sessions) session->CancelIfIdle();
    });
  }
  WaitForConnections();
  // Whatever is still open after the grace period is dropped with its io_context. Handlers still
  // running on the pool reference coroutine frames, so the pool is joined before those go.
  for (auto& shard : shards_) shard->ioc.stop();
  for (auto& shard : shards_) {
    if (shard->thread.joinable()) shard->thread.join();
  }
  if (ctx_.pool) ctx_.pool->join();
  shards_.clear();
}

void HttpServer::Impl::WaitForSignal() {
  asio::io_context ioc(1);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int) {});
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    signal_ioc_ = &ioc;
  }
  ioc.run();  // until a signal, or Stop() from another thread stops it
  {
    std::lock_guard<std::mutex> lock(mu_);
    signal_ioc_ = nullptr;
  }
  Stop();
}

HttpServer::HttpServer(Options options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}
HttpServer::~HttpServer() = default;
void HttpServer::SetRequestHook(RequestHook hook) { impl_->SetHook(std::move(hook)); }
Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Stop() { impl_->Stop(); }
void HttpServer::WaitForSignal() { impl_->WaitForSignal(); }

}  // namespace jitgate
