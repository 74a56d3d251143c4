#include "cli/client_api.h"

#include <map>

namespace jitgate {
namespace {

Code CodeFromApi(const std::string& code) {
  static const std::map<std::string, Code> kCodes = {
      {"VALIDATION_FAILED", Code::kInvalidArgument},
      {"MALFORMED_JSON", Code::kMalformedJson},
      {"UNAUTHORIZED", Code::kUnauthenticated},
      {"FORBIDDEN", Code::kPermissionDenied},
      {"CSRF_FAILED", Code::kCsrfFailed},
      {"NOT_FOUND", Code::kNotFound},
      {"METHOD_NOT_ALLOWED", Code::kMethodNotAllowed},
      {"CONFLICT", Code::kConflict},
      {"CONCURRENT_GRANT_LIMIT", Code::kGrantLimit},
      {"GRANT_NOT_ACTIVE", Code::kGrantNotActive},
      {"PAYLOAD_TOO_LARGE", Code::kPayloadTooLarge},
      {"UNSUPPORTED_MEDIA_TYPE", Code::kUnsupportedMediaType},
      {"RATE_LIMITED", Code::kRateLimited},
      {"HEADERS_TOO_LARGE", Code::kHeadersTooLarge},
      {"UNAVAILABLE", Code::kUnavailable},
  };
  const auto it = kCodes.find(code);
  return it == kCodes.end() ? Code::kInternal : it->second;
}

std::string StringField(const nlohmann::json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The server URL and `path` joined without a doubled slash.
std::string JoinUrl(const std::string& server, const std::string& path) {
  std::string base = server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + path;
}

}  // namespace

Status StatusFromErrorBody(int http_status, const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  const std::string message = j.is_object() ? StringField(j, "message") : "";
  if (message.empty()) {
    std::string text = "HTTP " + std::to_string(http_status);
    if (!body.empty()) text += ": " + body.substr(0, 200);
    return Status(http_status >= 500 ? Code::kUnavailable : Code::kInternal, text);
  }
  std::vector<FieldError> details;
  if (auto it = j.find("details"); it != j.end() && it->is_array()) {
    for (const auto& d : *it) {
      if (d.is_object()) details.push_back({StringField(d, "field"), StringField(d, "message")});
    }
  }
  return Status(CodeFromApi(StringField(j, "code")), message, std::move(details));
}

Result<nlohmann::json> ApiClient::Call(std::string_view method, const std::string& path,
                                       const nlohmann::json& body,
                                       const std::string& idempotency_key) {
  HttpHeaders headers = {{"Accept", "application/json"}};
  if (!config_.api_key.empty()) headers.emplace_back("Authorization", "Bearer " + config_.api_key);
  std::string payload;
  if (!body.is_null()) {
    headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    payload = body.dump();
  }
  if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
  auto result = Request(method, JoinUrl(config_.server, path), headers, payload, config_.http);
  if (!result.ok()) {
    if (result.status().code() != Code::kUnavailable) return result.status();
    unreachable_ = true;
    return Status(Code::kUnavailable,
                  "cannot reach jitgate at " + config_.server + ": " + result.status().message());
  }
  if (result->status < 200 || result->status > 299) {
    return StatusFromErrorBody(result->status, result->body);
  }
  if (result->body.empty()) return nlohmann::json(nullptr);
  auto j = nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status(Code::kInternal, "the server's answer is not JSON");
  return j;
}

}  // namespace jitgate
