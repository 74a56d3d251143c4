// clang-format off
#include <utility>  // before Asio's awaitable header (Boost 1.74)
// clang-format on
#include "http/internal/session.h"

#include <exception>

namespace jitgate::http_internal {

HttpResponse InvokeHandler(const Route& route, const HttpRequest& request,
                           const PathParams& params) {
  try {
    return route.handler(request, params);
  } catch (const std::exception&) {
    // The exception text may hold request data; it is not echoed to the client.
    return HttpResponse::Error(500, "INTERNAL", "internal error");
  } catch (...) {
    return HttpResponse::Error(500, "INTERNAL", "internal error");
  }
}

Status FillRequest(bhttp::request<bhttp::string_body>& parsed, HttpRequest* req) {
  req->method.assign(parsed.method_string());
  req->target.assign(parsed.target());
  req->version = parsed.version() == 10 ? 10 : 11;
  // Reuse the header strings' capacity from the previous request on this connection.
  size_t count = 0;
  for (const auto& field : parsed) {
    if (count == req->headers.size()) req->headers.emplace_back();
    req->headers[count].first.assign(field.name_string());
    req->headers[count].second.assign(field.value());
    ++count;
  }
  req->headers.resize(count);
  req->body = std::move(parsed.body());
  std::string_view path, query;
  if (!SplitTarget(req->target, &path, &query)) {
    req->path.clear();
    req->raw_query.clear();
    req->query.clear();
    return Status::Invalid("path", "request target must be an absolute path");
  }
  req->raw_query.assign(query);
  // Decoded into the previous request's buffers (no allocation once they are big enough).
  if (!PercentDecodeInto(path, /*plus_as_space=*/false, &req->path)) {
    req->path.clear();
    req->query.clear();
    return Status::Invalid("path", "invalid percent-encoding");
  }
  if (Status st = ParseQueryInto(query, &req->query); !st.ok()) {
    req->query.clear();
    return st;
  }
  return Status::Ok();
}

std::optional<HttpResponse> ResponseForReadError(const beast::error_code& ec, bool header_done) {
  if (ec == bhttp::error::buffer_overflow) {
    if (!header_done) {
      return HttpResponse::Error(431, "HEADERS_TOO_LARGE", "request headers too large");
    }
    return HttpResponse::Error(400, "VALIDATION_FAILED", "chunk header or trailer too long");
  }
  if (ec == bhttp::error::body_limit) {
    return HttpResponse::Error(413, "PAYLOAD_TOO_LARGE", "request body too large");
  }
  if (ec == bhttp::error::header_limit) {
    return HttpResponse::Error(431, "HEADERS_TOO_LARGE", "request headers too large");
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return std::nullopt;  // the client went away
  }
  if (&ec.category() == &bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return HttpResponse::Error(400, "VALIDATION_FAILED", "malformed HTTP request");
  }
  return std::nullopt;  // timeout, reset, cancelled: nobody to answer
}

std::optional<HttpResponse> ResponseForBadHeader(const bhttp::request<bhttp::string_body>& header,
                                                 bool chunked, size_t header_limit) {
  // The size as sent, give or take optional whitespace: "METHOD SP target SP HTTP/x.y CRLF",
  // each "name: value CRLF", and the final CRLF.
  size_t size = header.method_string().size() + header.target().size() + 12;
  for (const auto& field : header) size += field.name_string().size() + field.value().size() + 4;
  size += 2;
  if (size > header_limit) {
    return HttpResponse::Error(431, "HEADERS_TOO_LARGE", "request headers too large");
  }
  if (!chunked && header.find(bhttp::field::transfer_encoding) != header.end()) {
    return HttpResponse::Error(400, "VALIDATION_FAILED", "unsupported Transfer-Encoding");
  }
  return std::nullopt;
}

}  // namespace jitgate::http_internal
