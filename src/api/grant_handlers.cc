// Handlers of /api/v1/jit-access.
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/json_view.h"
#include "app/random.h"

namespace jitgate {
namespace {

// Decodes `expiration`: an object with exactly one of days, hours (positive integers) or at.
std::optional<Expiration> ReadExpiration(BodyReader& r) {
  const nlohmann::json* v = r.Raw("expiration");
  if (!v) {
    r.AddError("expiration", "is required: one of {\"days\": N}, {\"hours\": N} or {\"at\": TIME}");
    return std::nullopt;
  }
  if (!v->is_object()) {
    r.AddError("expiration", "must be an object with exactly one of days, hours or at");
    return std::nullopt;
  }
  Expiration e;
  int present = 0;
  for (const auto& [k, val] : v->items()) {
    ++present;
    if (k == "days" || k == "hours") {
      if (!val.is_number_integer() || (val.is_number_unsigned() && val.get<uint64_t>() > INT64_MAX)) {
        r.AddError("expiration", "expiration." + k + " must be a positive integer");
        return std::nullopt;
      }
      (k == "days" ? e.days : e.hours) = val.get<int64_t>();
    } else if (k == "at") {
      std::vector<FieldError> errors;
      e.at = ParseTimeField(val, "expiration", errors);
      if (!e.at) {
        r.AddError("expiration", "expiration.at must be an RFC 3339 date-time");
        return std::nullopt;
      }
    } else {
      r.AddError("expiration", "expiration." + k + " is not a known field (days, hours or at)");
      return std::nullopt;
    }
  }
  if (present != 1) {
    r.AddError("expiration", "must have exactly one of days, hours or at");
    return std::nullopt;
  }
  return e;
}

}  // namespace

Result<ApiReply> CreateGrant(ApiCall& call) {
  BodyReader r(call.body, {"name", "role", "agentPoolIds", "userIds", "expiration", "reason"},
               {"id", "status", "createdAt", "createdBy", "expiresAt", "revokedAt", "revokedBy"});
  GrantRequest req;
  req.name = r.String("name", false);
  req.role = r.String("role", false);
  req.agent_pool_ids = r.StringArray("agentPoolIds", false, 1000);
  req.user_ids = r.StringArray("userIds", false, 1000);
  req.expiration = ReadExpiration(r);
  req.reason = r.String("reason", false);
  req.decode_errors = r.errors();  // reported together with every rule violation
  return IdempotentCreate(call, [&](const std::optional<IdempotencyKey>& idem) -> Result<ApiReply> {
    ASSIGN_OR_RETURN(auto grant, call.app.grants.Create(call.principal, req, idem));
    return ApiReply::Created(ToJson(grant, call.app.clock().Now()));
  });
}

Result<ApiReply> ListGrants(ApiCall& call) {
  ASSIGN_OR_RETURN(Paging paging, ReadPaging(call));
  GrantQuery q;
  q.offset = paging.offset;
  q.limit = paging.limit;
  const std::string status = call.Query("status").value_or("active");
  if (status == "active") q.filter = GrantFilter::kActive;
  else if (status == "expired") q.filter = GrantFilter::kExpired;
  else if (status == "revoked") q.filter = GrantFilter::kRevoked;
  else if (status == "all") q.filter = GrantFilter::kAll;
  else return Status::Invalid("status", "must be one of active, expired, revoked, all");
  q.user_id = call.Query("userId").value_or("");
  q.agent_pool_id = call.Query("agentPoolId").value_or("");
  ASSIGN_OR_RETURN(auto page, call.app.grants.List(q));
  const Millis now = call.app.clock().Now();
  return ApiReply::Ok(PageJson(page.items, page.total, q.offset, q.limit, [&](const Grant& g) { return ToJson(g, now); }));
}

Result<ApiReply> GetGrant(ApiCall& call) {
  ASSIGN_OR_RETURN(Grant g, call.app.grants.Get(call.Param("id")));
  return ApiReply::Ok(ToJson(g, call.app.clock().Now()));
}

Result<ApiReply> RevokeGrant(ApiCall& call) {
  RETURN_IF_ERROR(call.app.grants.Revoke(call.principal, call.Param("id")));
  return ApiReply::NoContent();
}

}  // namespace jitgate
