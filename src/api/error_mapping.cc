#include "api/error_mapping.h"

#include <nlohmann/json.hpp>

namespace jitgate {
namespace {

struct Mapping {
  Code code;
  int http;
  std::string_view name;
};

constexpr Mapping kTable[] = {
    {Code::kOk, 200, "OK"},
    {Code::kInvalidArgument, 400, "VALIDATION_FAILED"},
    {Code::kMalformedJson, 400, "MALFORMED_JSON"},
    {Code::kUnauthenticated, 401, "UNAUTHORIZED"},
    {Code::kPermissionDenied, 403, "FORBIDDEN"},
    {Code::kCsrfFailed, 403, "CSRF_FAILED"},
    {Code::kNotFound, 404, "NOT_FOUND"},
    {Code::kMethodNotAllowed, 405, "METHOD_NOT_ALLOWED"},
    {Code::kConflict, 409, "CONFLICT"},
    {Code::kGrantLimit, 409, "CONCURRENT_GRANT_LIMIT"},
    {Code::kGrantNotActive, 409, "GRANT_NOT_ACTIVE"},
    {Code::kPayloadTooLarge, 413, "PAYLOAD_TOO_LARGE"},
    {Code::kUnsupportedMediaType, 415, "UNSUPPORTED_MEDIA_TYPE"},
    {Code::kRateLimited, 429, "RATE_LIMITED"},
    {Code::kHeadersTooLarge, 431, "HEADERS_TOO_LARGE"},
    {Code::kUnavailable, 503, "UNAVAILABLE"},
    {Code::kInternal, 500, "INTERNAL"},
};

const Mapping& Find(Code code) {
  for (const auto& m : kTable)
    if (m.code == code) return m;
  return kTable[std::size(kTable) - 1];
}

}  // namespace

int HttpStatusFor(Code code) { return Find(code).http; }
std::string_view ErrorCodeName(Code code) { return Find(code).name; }

std::string ErrorBody(const Status& st) {
  nlohmann::json details = nlohmann::json::array();
  for (const auto& d : st.details()) details.push_back({{"field", d.field}, {"message", d.message}});
  nlohmann::json body = {{"message", st.message()}, {"code", ErrorCodeName(st.code())}, {"details", std::move(details)}};
  // Invalid UTF-8 echoed from input must not make the error itself fail.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace jitgate
