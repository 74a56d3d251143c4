// Wraps every API handler with the steps all routes share: authenticate, check CSRF, scope and
// role, decode the body, run, and map the outcome to HTTP.
#include <spdlog/spdlog.h>

#include "api/error_mapping.h"
#include "api/json_body.h"
#include "api/routes.h"
#include "app/random.h"
#include "core/sha256.h"

namespace jitgate {
namespace {

bool IsSafeMethod(std::string_view m) { return m == "GET" || m == "HEAD"; }

// Establishes the caller from a bearer key or the session cookie (+ CSRF token for mutations).
Status Authenticate(App& app, const HttpRequest& req, ApiCall& call) {
  if (auto auth = req.Header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() <= kBearer.size() || !EqualsIgnoreCase(auth->substr(0, kBearer.size()), kBearer))
      return Status::Unauthenticated();
    ASSIGN_OR_RETURN(call.principal, app.auth.AuthenticateKey(auth->substr(kBearer.size())));
    return Status::Ok();
  }
  auto cookie = req.Cookie("jitgate_session");
  if (!cookie || cookie->empty() || cookie->size() > 256) return Status::Unauthenticated();
  ASSIGN_OR_RETURN(call.principal, app.auth.AuthenticateSession(*cookie));
  call.session_token = std::string(*cookie);
  if (!IsSafeMethod(req.method)) {
    auto csrf = req.Header("X-CSRF-Token");
    if (!csrf || csrf->size() > 256 || !ConstantTimeEquals(Sha256Hex(*csrf), call.principal.session_csrf_hash))
      return Status(Code::kCsrfFailed, "missing or wrong X-CSRF-Token for a cookie-authenticated change");
  }
  return Status::Ok();
}

Status Authorize(const ApiRoute& route, const ApiCall& call) {
  if (!route.scope.empty() && !call.principal.HasScope(route.scope))
    return Status::Forbidden("the API key lacks the scope " + route.scope);
  if (route.access == RouteAccess::kRoleManager) return RequireRoleManager(call);
  return Status::Ok();
}

Status DecodeBody(const HttpRequest& req, ApiCall& call) {
  auto type = req.Header("Content-Type");
  std::string_view media = type ? type->substr(0, type->find(';')) : std::string_view();
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (!EqualsIgnoreCase(media, "application/json"))
    return Status(Code::kUnsupportedMediaType, "the body must be application/json");
  ASSIGN_OR_RETURN(call.body, ParseJsonObject(req.body));
  return Status::Ok();
}

HttpResponse Handle(App& app, const ApiRoute& route, const HttpRequest& req, const PathParams& params) {
  ApiCall call{app, req, params, {}, {}, {}};
  Result<ApiReply> result = [&]() -> Result<ApiReply> {
    if (route.access != RouteAccess::kPublic) {
      RETURN_IF_ERROR(Authenticate(app, req, call));
      RETURN_IF_ERROR(Authorize(route, call));
    }
    if (route.json_body) RETURN_IF_ERROR(DecodeBody(req, call));
    return route.handler(call);
  }();
  if (!result.ok() && result.status().code() == Code::kInternal)
    spdlog::error("{} {}: {}", req.method, route.pattern, result.status().message());
  return ToHttpResponse(std::move(result));
}

}  // namespace

namespace {

// ToHttpResponse for a successful reply; `text` and `text_type` are the reply's text body and
// content type, taken by the caller (copied or moved).
HttpResponse SuccessResponse(const ApiReply& reply, std::string text, std::string text_type) {
  HttpResponse r;
  r.status = reply.status;
  if (reply.text) {
    r.body = std::move(text);
    r.content_type = std::move(text_type);
  } else if (!reply.body.is_null()) {
    r.body = reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.content_type = std::string(kJsonContentType);
  }
  r.headers.reserve(1 + reply.headers.size());
  r.AddHeader("Cache-Control", "no-store");
  for (const auto& [k, v] : reply.headers) r.AddHeader(k, v);
  return r;
}

HttpResponse FailureResponse(const Status& st) {
  HttpResponse r = HttpResponse::Json(HttpStatusFor(st.code()), ErrorBody(st));
  r.AddHeader("Cache-Control", "no-store");
  if (st.code() == Code::kRateLimited) r.AddHeader("Retry-After", std::to_string(st.retry_after_seconds()));
  if (st.code() == Code::kUnauthenticated) r.AddHeader("WWW-Authenticate", "Bearer");
  if (st.code() == Code::kUnavailable) r.AddHeader("Retry-After", "1");
  return r;
}

}  // namespace

HttpResponse ToHttpResponse(const Result<ApiReply>& result) {
  if (!result.ok()) return FailureResponse(result.status());
  const ApiReply& reply = result.value();
  if (!reply.text) return SuccessResponse(reply, {}, {});
  return SuccessResponse(reply, *reply.text, reply.content_type);
}

HttpResponse ToHttpResponse(Result<ApiReply>&& result) {
  if (!result.ok()) return FailureResponse(result.status());
  ApiReply& reply = result.value();
  if (!reply.text) return SuccessResponse(reply, {}, {});
  std::string text = std::move(*reply.text);
  return SuccessResponse(reply, std::move(text), std::move(reply.content_type));
}

Status RegisterApiRoutes(Router& router, App& app) {
  for (const ApiRoute& route : ApiRoutes()) {
    RETURN_IF_ERROR(router.Add(
        route.method, route.pattern,
        [&app, &route](const HttpRequest& req, const PathParams& params) { return Handle(app, route, req, params); },
        RouteOptions{.blocking = route.blocking}));
  }
  return Status::Ok();
}

}  // namespace jitgate
