// Handlers of /api/v1/api-keys.
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/json_view.h"

namespace jitgate {

Result<ApiReply> ListApiKeys(ApiCall& call) {
  ASSIGN_OR_RETURN(Paging paging, ReadPaging(call));
  ApiKeyQuery q;
  q.user_id = call.Query("userId").value_or(call.principal.user_id);
  if (q.user_id != call.principal.user_id) RETURN_IF_ERROR(RequireRoleManager(call));
  q.offset = paging.offset;
  q.limit = paging.limit;
  call.app.auth.FlushUsage();  // so lastUsedAt includes uses not yet written by the background flush
  ASSIGN_OR_RETURN(auto page, call.app.api_keys.List(q));
  return ApiReply::Ok(PageJson(page.items, page.total, q.offset, q.limit, [](const ApiKey& k) { return ToJson(k); }));
}

Result<ApiReply> CreateApiKey(ApiCall& call) {
  BodyReader r(call.body, {"label", "expiresAt", "scopes"}, {"id", "prefix", "userId", "createdAt", "lastUsedAt", "key"});
  NewApiKey in;
  auto label = r.String("label", true, 4096);
  if (const nlohmann::json* v = r.Raw("expiresAt"); v && !v->is_null()) {
    in.expires_at = ParseTimeField(*v, "expiresAt", r.errors());
  }
  if (const nlohmann::json* v = r.Raw("scopes"); v && !v->is_null()) {
    in.scopes = r.StringArray("scopes", false, 32);
  }
  RETURN_IF_ERROR(r.Finish());
  in.label = *label;
  // A key made with a scoped key is never wider than that key: it inherits its scopes, and may
  // only narrow them.
  if (call.principal.scopes) {
    if (!in.scopes) in.scopes = call.principal.scopes;
    for (const auto& s : *in.scopes)
      if (!call.principal.HasScope(s))
        return Status::Forbidden("a key cannot be given the scope " + s + ", which the calling key lacks");
  }
  return IdempotentCreate(call, [&](const std::optional<IdempotencyKey>& idem) -> Result<ApiReply> {
    ASSIGN_OR_RETURN(IssuedApiKey issued, call.app.api_keys.Create(call.principal, call.principal.user_id, in, idem));
    nlohmann::json body = ToJson(issued.key);
    body["key"] = issued.secret;
    return ApiReply::Created(std::move(body));
  });
}

Result<ApiReply> RevokeApiKey(ApiCall& call) {
  ASSIGN_OR_RETURN(ApiKey k, call.app.api_keys.Get(call.Param("id")));
  if (k.user_id != call.principal.user_id) RETURN_IF_ERROR(RequireRoleManager(call));
  RETURN_IF_ERROR(call.app.api_keys.Revoke(call.principal, k.id));
  return ApiReply::NoContent();
}

}  // namespace jitgate
