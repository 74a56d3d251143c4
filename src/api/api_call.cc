#include "api/api_call.h"

#include <charconv>

#include "core/rfc3339.h"
#include "core/sha256.h"

namespace jitgate {
namespace {

std::optional<int64_t> ParseInt(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string ApiCall::Param(std::string_view name) const { return std::string(params.Get(name)); }

std::optional<std::string> ApiCall::Query(std::string_view name) const { return request.Query(name); }

Result<std::optional<IdempotencyKey>> ApiCall::Idempotency() const {
  auto header = request.Header("Idempotency-Key");
  if (!header) return std::optional<IdempotencyKey>();
  if (header->empty() || header->size() > 200)
    return Status::Invalid("Idempotency-Key", "must be 1 to 200 characters");
  IdempotencyKey k;
  k.caller_id = principal.user_id;
  k.key = std::string(*header);
  k.request_hash = Sha256Hex(request.method + " " + request.path + "\n" + request.body);
  return std::optional<IdempotencyKey>(std::move(k));
}

Result<Paging> ReadPaging(const ApiCall& call) {
  Paging p;
  std::vector<FieldError> errors;
  if (auto s = call.Query("offset")) {
    auto v = ParseInt(*s);
    if (!v || *v < 0) errors.push_back({"offset", "must be a non-negative integer"});
    else p.offset = *v;
  }
  if (auto s = call.Query("limit")) {
    auto v = ParseInt(*s);
    if (!v || *v < 1 || *v > 1000) errors.push_back({"limit", "must be an integer from 1 to 1000"});
    else p.limit = *v;
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return p;
}

Result<std::optional<Millis>> ReadTimeQuery(const ApiCall& call, std::string_view name) {
  auto s = call.Query(name);
  if (!s) return std::optional<Millis>();
  auto t = ParseRfc3339(*s);
  if (!t) return Status::Invalid(std::string(name), "must be an RFC 3339 date-time");
  return std::optional<Millis>(*t);
}

Status RequireRoleManager(const ApiCall& call) {
  if (!call.principal.role_manager) return Status::Forbidden("this action needs the ROLE_MANAGER permission");
  return Status::Ok();
}

}  // namespace jitgate
