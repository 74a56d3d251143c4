// A tiny blocking HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the CLI tests: records
// every request and answers each with what the test's handler returns, one request per
// connection. Its thread runs from construction to destruction.
#pragma once

// clang-format off
#include <utility>  // before Asio (Boost 1.74)
// clang-format on
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jitgate::testing {

// One request as the server received it.
struct RecordedRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The path without the query.
  std::string path() const { return target.substr(0, target.find('?')); }
};

// What the handler answers.
struct FakeResponse {
  int status = 200;
  std::string body;  // sent as application/json when not empty
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const RecordedRequest&)>;

  explicit FakeHttpServer(Handler handler)
      : handler_(std::move(handler)),
        acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this] { Serve(); }) {}

  ~FakeHttpServer() {
    stopping_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket wake(ioc_);
    wake.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
    thread_.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  // Every request received so far, in order.
  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    namespace http = boost::beast::http;
    while (!stopping_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) continue;
      RecordedRequest rec{
          std::string(req.method_string()), std::string(req.target()), {}, req.body()};
      for (const auto& field : req) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        rec.headers[name] = std::string(field.value());
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(rec);
      }
      const FakeResponse answer = handler_(rec);
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      if (!answer.body.empty()) {
        res.set(http::field::content_type, "application/json; charset=utf-8");
        res.body() = answer.body;
      }
      res.keep_alive(false);
      res.prepare_payload();
      http::write(socket, res, ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  Handler handler_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace jitgate::testing
