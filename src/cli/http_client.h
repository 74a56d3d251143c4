// A small blocking HTTP/1.1 client for the CLI verbs (Boost.Beast), one connection per request.
// http:// and https:// (OpenSSL, peer and host name verified against the system trust store or a
// given CA file).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace jitgate {

// An absolute http(s) URL split into the parts a request needs.
struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // a name, an IPv4 address, or an IPv6 address without brackets
  uint16_t port = 0;   // explicit, or 80 / 443 by scheme
  std::string target;  // path plus query, always starting with '/'; "/" when absent

  // The "scheme://host[:port]" part (IPv6 in brackets, the default port left out).
  std::string Origin() const;
};

// Parses an absolute URL ("http://127.0.0.1:8080/base?x=1"). A fragment is dropped.
// Fails with kInvalidArgument (the message names the URL and the reason) on another scheme, a
// missing host, user credentials in the URL, or a port that is not 1..65535.
Result<Url> ParseUrl(std::string_view text);

// Percent-encodes `text` for a query value or a path segment (RFC 3986 unreserved kept as is).
std::string PercentEncode(std::string_view text);

// Builds "?a=1&b=x%20y" from the pairs whose value is not empty; "" when none remain.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// A complete response. Any status (also 4xx/5xx) is a successful exchange.
struct HttpResult {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  // The first header named `name` (case-insensitive), "" when absent.
  std::string Header(std::string_view name) const;
};

// How a request is sent.
struct HttpOptions {
  // Bounds each phase: connect, the TLS handshake, writing, and reading the answer (name
  // resolution is bounded by the system resolver's own timeouts).
  std::chrono::milliseconds timeout{30000};
  // PEM file of trusted CAs for https://; empty means the system's default trust store.
  std::string ca_file;
  // The largest response body accepted.
  uint64_t max_body_bytes = 64ull << 20;
};

// Sends one request and waits for the whole answer. `headers` are sent as given (Host,
// User-Agent and Content-Length are added); `body` is sent when not empty.
// Errors: kInvalidArgument for a bad URL or method; kUnavailable when the server cannot be
// reached or does not answer in time (name resolution, connect, reset, timeout — the message
// is the reason, e.g. "Connection refused"); kInternal for a TLS verification failure or an
// answer that is not valid HTTP. Thread-safe: every call uses its own io_context.
Result<HttpResult> Request(std::string_view method, const std::string& url,
                           const HttpHeaders& headers, const std::string& body,
                           const HttpOptions& options = {});

}  // namespace jitgate
