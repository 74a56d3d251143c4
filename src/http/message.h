// HttpRequest and HttpResponse: plain values exchanged between the server and the handlers.
// They know nothing of Beast, so handlers and their tests build them by hand.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace jitgate {

// Name/value pairs in arrival order; a name may repeat.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A fully read request. Not thread-safe to mutate; safe to read from several threads.
struct HttpRequest {
  std::string method;          // upper-case, e.g. "GET"
  std::string target;          // the raw request-target, e.g. "/api/v1/users?search=a%20b"
  std::string path;            // the target's path, percent-decoded ("+" stays "+")
  std::string raw_query;       // the target's query string as sent, without "?"
  QueryParams query;           // raw_query parsed by ParseQuery
  HeaderList headers;          // as received (names keep their case)
  std::string body;            // the whole body (at most the server's body limit)
  std::string remote_address;  // peer IP address, e.g. "127.0.0.1" or "::1"
  bool tls = false;            // true when received over TLS
  int version = 11;            // 10 for HTTP/1.0, 11 for HTTP/1.1

  // The first value of query parameter `name`, nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
  // Like Query() without the copy: the view points into `query` and is valid while the request is
  // unchanged (the hot path reads its parameters this way).
  std::optional<std::string_view> QueryView(std::string_view name) const;
  // All values of query parameter `name`, in order (empty when absent).
  std::vector<std::string> QueryAll(std::string_view name) const;
  // How many times query parameter `name` appears (a repeated single-valued parameter is often an
  // error the handler should report).
  int QueryCount(std::string_view name) const;
  // The value of the first header named `name` (case-insensitive), nullopt when absent. The view
  // points into `headers` and is valid while the request is unchanged.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The value of cookie `name` from the Cookie header(s), nullopt when absent. Valid like Header().
  std::optional<std::string_view> Cookie(std::string_view name) const;
};

// A response to send. The server adds Content-Length, Connection and (for HEAD) drops the body.
struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  HeaderList headers;        // extra headers (e.g. Allow, Set-Cookie, Cache-Control)
  std::string body;
  bool close = false;  // true: close the connection after sending

  // A JSON response; `body` must already be serialized JSON.
  // Content-Type: application/json; charset=utf-8.
  static HttpResponse Json(int status, std::string body);
  // The API's error body {"message": ..., "code": ..., "details": []} with the JSON content type.
  static HttpResponse Error(int status, std::string_view code, std::string_view message);
  // A text/plain; charset=utf-8 response.
  static HttpResponse Text(int status, std::string body);

  // Appends a header (no check for duplicates: Set-Cookie may legitimately repeat).
  HttpResponse& AddHeader(std::string name, std::string value);
  // The value of the first extra header named `name` (case-insensitive), nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// The content type used for every JSON body.
inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

// Parses an application/x-www-form-urlencoded query string ("a=1&b=x%20y&c", no leading "?"):
// "+" decodes to a space, "%XX" to its byte, a name without "=" gets an empty value, empty pieces
// ("a=1&&b=2") are skipped. kInvalidArgument (field "query") on a bad "%" escape or a decoded NUL.
Result<QueryParams> ParseQuery(std::string_view query);

// ParseQuery into `*out`, replacing its content but reusing its strings' capacity (a connection
// parses one query per request). On failure `*out` holds the pairs decoded before the bad one.
Status ParseQueryInto(std::string_view query, QueryParams* out);

// Percent-decodes `in`; with plus_as_space, "+" becomes " ". nullopt on a malformed "%" escape or a
// decoded NUL byte (never useful, and dangerous in paths).
std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space);

// PercentDecode into `*out`, replacing its content but reusing its capacity. False (with `*out`
// unspecified) where PercentDecode gives nullopt. Input without '%' (nor '+' with plus_as_space)
// is copied as is after one scan.
bool PercentDecodeInto(std::string_view in, bool plus_as_space, std::string* out);

// Case-insensitive ASCII comparison (header names, methods).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// `s` as a JSON string literal, quotes included, with control characters escaped.
std::string JsonQuote(std::string_view s);

}  // namespace jitgate
