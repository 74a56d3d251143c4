#include "cli/http_client.h"

// clang-format off
#include <utility>  // before Asio (Boost 1.74)
// clang-format on
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>

namespace jitgate {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status BadUrl(std::string_view text, std::string_view why) {
  return Status(Code::kInvalidArgument,
                "invalid server URL \"" + std::string(text) + "\": " + std::string(why));
}

std::optional<uint16_t> ParsePort(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

// Splits "host", "host:port", "[v6]" or "[v6]:port" into *host and *port_text.
bool SplitAuthority(std::string_view authority, std::string* host, std::string* port_text) {
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    *host = std::string(authority.substr(1, close - 1));
    rest = authority.substr(close + 1);
  } else {
    const auto colon = authority.find(':');
    *host = std::string(authority.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  }
  if (rest.empty()) return true;
  if (rest.front() != ':') return false;
  *port_text = std::string(rest.substr(1));
  return true;
}

// Runs one asynchronous operation to completion on `ioc`; the stream's expiry bounds it.
template <typename Start>
beast::error_code RunToCompletion(net::io_context& ioc, Start start) {
  beast::error_code result = net::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

Status Unreachable(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return Status(Code::kUnavailable, "no answer in time");
  return Status(Code::kUnavailable, ec.message());
}

http::request<http::string_body> BuildRequest(http::verb verb, const Url& url,
                                              const HttpHeaders& headers, const std::string& body) {
  http::request<http::string_body> req{verb, url.target, 11};
  std::string origin = url.Origin();
  req.set(http::field::host, origin.substr(origin.find("://") + 3));
  req.set(http::field::user_agent, "jitgate-cli");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty()) req.body() = body;
  req.prepare_payload();
  return req;
}

HttpResult ToResult(http::response<http::string_body>&& res) {
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  return out;
}

// Writes the request on a connected (and, for TLS, handshaken) stream and reads the answer.
template <typename Stream>
Result<HttpResult> Exchange(net::io_context& ioc, Stream& stream,
                            http::request<http::string_body>& req, const HttpOptions& options) {
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  beast::error_code ec = RunToCompletion(
      ioc, [&](auto handler) { http::async_write(stream, req, std::move(handler)); });
  if (ec) return Unreachable(ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body_bytes);
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  ec = RunToCompletion(
      ioc, [&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
  if (ec == beast::error::timeout || ec == net::error::connection_reset || ec == net::error::eof ||
      ec == http::error::end_of_stream) {
    return Unreachable(ec);
  }
  if (ec) return Status(Code::kInternal, "invalid HTTP answer: " + ec.message());
  return ToResult(parser.release());
}

// Resolves the host and connects `tcp_layer` within the timeout. Name resolution is bounded by
// the system resolver's own timeouts (getaddrinfo cannot be interrupted).
Status Connect(net::io_context& ioc, beast::tcp_stream& tcp_layer, const Url& url,
               const HttpOptions& options) {
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  beast::error_code ec = RunToCompletion(ioc, [&](auto handler) {
    resolver.async_resolve(
        url.host, std::to_string(url.port),
        [&endpoints, handler](beast::error_code e, tcp::resolver::results_type r) mutable {
          endpoints = std::move(r);
          handler(e);
        });
  });
  if (ec) return Unreachable(ec);
  tcp_layer.expires_after(options.timeout);
  ec = RunToCompletion(
      ioc, [&](auto handler) { tcp_layer.async_connect(endpoints, std::move(handler)); });
  if (ec) return Unreachable(ec);
  return Status::Ok();
}

Result<HttpResult> PlainRequest(const Url& url, http::request<http::string_body>& req,
                                const HttpOptions& options) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  RETURN_IF_ERROR(Connect(ioc, stream, url, options));
  return Exchange(ioc, stream, req, options);
}

Result<HttpResult> TlsRequest(const Url& url, http::request<http::string_body>& req,
                              const HttpOptions& options) {
  ssl::context ctx(ssl::context::tls_client);
  beast::error_code ec;
  if (options.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return Status(Code::kInvalidArgument, "cannot load trusted CAs: " + ec.message());
  }
  ctx.set_verify_mode(ssl::verify_peer);
  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  // Server Name Indication, and the certificate must name the host we asked for.
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    return Status(Code::kInternal, "cannot set TLS server name");
  }
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  RETURN_IF_ERROR(Connect(ioc, beast::get_lowest_layer(stream), url, options));
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  ec = RunToCompletion(ioc, [&](auto handler) {
    stream.async_handshake(ssl::stream_base::client, std::move(handler));
  });
  if (ec == beast::error::timeout) return Unreachable(ec);
  if (ec) return Status(Code::kInternal, "TLS handshake failed: " + ec.message());
  return Exchange(ioc, stream, req, options);
}

}  // namespace

std::string Url::Origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = scheme + "://" + (v6 ? "[" + host + "]" : host);
  const uint16_t default_port = scheme == "https" ? 443 : 80;
  if (port != default_port) out += ":" + std::to_string(port);
  return out;
}

Result<Url> ParseUrl(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return BadUrl(text, "expected http://HOST[:PORT]");
  Url url;
  url.scheme = Lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    return BadUrl(text, "the scheme must be http or https");
  }
  std::string_view rest = text.substr(sep + 3);
  const auto end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl(text, "credentials in the URL are not supported");
  }
  std::string port_text;
  if (!SplitAuthority(authority, &url.host, &port_text) || url.host.empty()) {
    return BadUrl(text, "missing or malformed host");
  }
  if (port_text.empty()) {
    url.port = url.scheme == "https" ? 443 : 80;
  } else if (auto port = ParsePort(port_text)) {
    url.port = *port;
  } else {
    return BadUrl(text, "the port must be a number from 1 to 65535");
  }
  std::string_view target = end == std::string_view::npos ? "" : rest.substr(end);
  target = target.substr(0, target.find('#'));
  url.target =
      (target.empty() || target.front() != '/') ? "/" + std::string(target) : std::string(target);
  return url;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    out += out.empty() ? "?" : "&";
    out += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return out;
}

std::string HttpResult::Header(std::string_view name) const {
  const std::string wanted = Lower(name);
  for (const auto& [n, v] : headers) {
    if (Lower(n) == wanted) return v;
  }
  return "";
}

Result<HttpResult> Request(std::string_view method, const std::string& url_text,
                           const HttpHeaders& headers, const std::string& body,
                           const HttpOptions& options) {
  ASSIGN_OR_RETURN(Url url, ParseUrl(url_text));
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return Status(Code::kInvalidArgument, "unknown HTTP method " + std::string(method));
  }
  auto req = BuildRequest(verb, url, headers, body);
  try {
    return url.scheme == "https" ? TlsRequest(url, req, options) : PlainRequest(url, req, options);
  } catch (const std::exception& e) {  // Asio/Beast may throw (e.g. out of memory, bad header)
    return Status(Code::kInternal, std::string("HTTP request failed: ") + e.what());
  }
}

}  // namespace jitgate
