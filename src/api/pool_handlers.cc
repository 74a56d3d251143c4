// Handlers of /api/v1/agent-pool.
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/json_view.h"

namespace jitgate {

Result<ApiReply> ListPools(ApiCall& call) {
  ASSIGN_OR_RETURN(Paging paging, ReadPaging(call));
  PoolQuery q{call.Query("search").value_or(""), paging.offset, paging.limit};
  ASSIGN_OR_RETURN(auto page, call.app.pools.List(q));
  return ApiReply::Ok(PageJson(page.items, page.total, q.offset, q.limit, [](const AgentPool& p) { return ToJson(p); }));
}

Result<ApiReply> CreatePool(ApiCall& call) {
  BodyReader r(call.body, {"name", "description"}, {"id", "createdAt"});
  auto name = r.String("name", true, 4096);
  auto description = r.String("description", false, 65536);
  RETURN_IF_ERROR(r.Finish());
  return IdempotentCreate(call, [&](const std::optional<IdempotencyKey>& idem) -> Result<ApiReply> {
    ASSIGN_OR_RETURN(auto pool, call.app.pools.Create(call.principal, *name, description.value_or(""), idem));
    return ApiReply::Created(ToJson(pool));
  });
}

Result<ApiReply> GetPool(ApiCall& call) {
  ASSIGN_OR_RETURN(AgentPool p, call.app.pools.Get(call.Param("id")));
  return ApiReply::Ok(ToJson(p));
}

Result<ApiReply> UpdatePool(ApiCall& call) {
  BodyReader r(call.body, {"name", "description"}, {"id", "createdAt"});
  PoolChange c;
  c.name = r.String("name", false, 4096);
  c.description = r.String("description", false, 65536);
  RETURN_IF_ERROR(r.Finish());
  ASSIGN_OR_RETURN(AgentPool p, call.app.pools.Update(call.principal, call.Param("id"), c));
  return ApiReply::Ok(ToJson(p));
}

Result<ApiReply> DeletePool(ApiCall& call) {
  RETURN_IF_ERROR(call.app.pools.Delete(call.principal, call.Param("id")));
  return ApiReply::NoContent();
}

}  // namespace jitgate
