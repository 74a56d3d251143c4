// ApiCall and ApiReply: what an API handler receives (an authenticated, decoded request) and
// returns (a status and a JSON body). Handlers never see raw credentials or write raw HTTP.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/app.h"
#include "app/principal.h"
#include "core/status.h"
#include "http/message.h"
#include "http/router.h"

namespace jitgate {

struct ApiCall {
  App& app;
  const HttpRequest& request;
  const PathParams& params;
  Principal principal;          // empty user_id for public routes
  nlohmann::json body;          // the parsed object, for routes that take a body
  std::string session_token;    // the cookie value when authenticated by session

  // The path parameter `name` (e.g. "id").
  std::string Param(std::string_view name) const;
  // A query parameter, nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
  // The Idempotency-Key of a create, bound to the caller and the request's content. kInvalidArgument
  // when the header is not 1-200 characters.
  Result<std::optional<IdempotencyKey>> Idempotency() const;
};

struct ApiReply {
  int status = 200;
  nlohmann::json body;  // null: no body (204)
  std::vector<std::pair<std::string, std::string>> headers;
  // A non-JSON body (e.g. Prometheus text) with its content type; used instead of `body` when set.
  std::optional<std::string> text;
  std::string content_type;

  static ApiReply Ok(nlohmann::json body) { return ApiReply{200, std::move(body)}; }
  static ApiReply Created(nlohmann::json body) { return ApiReply{201, std::move(body)}; }
  static ApiReply NoContent() { return ApiReply{204, nullptr}; }
};

using ApiHandler = std::function<Result<ApiReply>(ApiCall&)>;

// Offset/limit of a list request: offset >= 0 (default 0), limit 1..1000 (default 10).
struct Paging {
  int64_t offset = 0;
  int64_t limit = 10;
};
Result<Paging> ReadPaging(const ApiCall& call);

// Optional time query parameter (RFC 3339); kInvalidArgument naming it when malformed.
Result<std::optional<Millis>> ReadTimeQuery(const ApiCall& call, std::string_view name);

// kPermissionDenied unless the caller is a role manager.
Status RequireRoleManager(const ApiCall& call);

}  // namespace jitgate
