// Handlers of /api/v1/audit-events.
#include "api/handlers.h"
#include "api/json_view.h"

namespace jitgate {

Result<ApiReply> ListAuditEvents(ApiCall& call) {
  ASSIGN_OR_RETURN(Paging paging, ReadPaging(call));
  AuditQuery q;
  q.type = call.Query("type").value_or("");
  q.actor_id = call.Query("actorId").value_or("");
  q.target_id = call.Query("targetId").value_or("");
  ASSIGN_OR_RETURN(q.since, ReadTimeQuery(call, "since"));
  ASSIGN_OR_RETURN(q.until, ReadTimeQuery(call, "until"));
  q.offset = paging.offset;
  q.limit = paging.limit;
  ASSIGN_OR_RETURN(auto page, call.app.audit.List(q));
  return ApiReply::Ok(PageJson(page.items, page.total, q.offset, q.limit, [](const AuditEvent& e) { return ToJson(e); }));
}

Result<ApiReply> VerifyAuditChain(ApiCall& call) {
  ASSIGN_OR_RETURN(AuditVerification v, call.app.audit.Verify());
  return ApiReply::Ok(ToJson(v));
}

}  // namespace jitgate
