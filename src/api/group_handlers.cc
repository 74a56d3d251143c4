// Handlers of /api/v1/groups.
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/json_view.h"

namespace jitgate {
namespace {

Status ReadGroupInput(const nlohmann::json& body, bool creating, GroupInput& in) {
  BodyReader r(body, {"name", "memberIds", "poolAccess"}, {"id", "createdAt"});
  in.name = r.String("name", creating, 4096);
  in.member_ids = r.StringArray("memberIds", false, 10000);
  if (const nlohmann::json* v = r.Raw("poolAccess")) {
    if (!v->is_array() || v->size() > 1000) {
      r.AddError("poolAccess", "must be an array (at most 1000) of {agentPoolId, role}");
    } else {
      std::vector<std::pair<std::string, std::string>> access;
      for (const auto& item : *v) {
        if (!item.is_object() || item.size() != 2 || !item.contains("agentPoolId") || !item.contains("role") ||
            !item["agentPoolId"].is_string() || !item["role"].is_string()) {
          r.AddError("poolAccess", "each entry must be {\"agentPoolId\": ID, \"role\": STANDARD|PRIVILEGED}");
          break;
        }
        access.emplace_back(item["agentPoolId"].get<std::string>(), item["role"].get<std::string>());
      }
      in.pool_access = std::move(access);
    }
  }
  return r.Finish();
}

}  // namespace

Result<ApiReply> ListGroups(ApiCall& call) {
  ASSIGN_OR_RETURN(Paging paging, ReadPaging(call));
  GroupQuery q{paging.offset, paging.limit};
  ASSIGN_OR_RETURN(auto page, call.app.groups.List(q));
  return ApiReply::Ok(PageJson(page.items, page.total, q.offset, q.limit, [](const Group& g) { return ToJson(g); }));
}

Result<ApiReply> CreateGroup(ApiCall& call) {
  GroupInput in;
  RETURN_IF_ERROR(ReadGroupInput(call.body, true, in));
  return IdempotentCreate(call, [&](const std::optional<IdempotencyKey>& idem) -> Result<ApiReply> {
    ASSIGN_OR_RETURN(auto group, call.app.groups.Create(call.principal, in, idem));
    return ApiReply::Created(ToJson(group));
  });
}

Result<ApiReply> GetGroup(ApiCall& call) {
  ASSIGN_OR_RETURN(Group g, call.app.groups.Get(call.Param("id")));
  return ApiReply::Ok(ToJson(g));
}

Result<ApiReply> UpdateGroup(ApiCall& call) {
  GroupInput in;
  RETURN_IF_ERROR(ReadGroupInput(call.body, false, in));
  ASSIGN_OR_RETURN(Group g, call.app.groups.Update(call.principal, call.Param("id"), in));
  return ApiReply::Ok(ToJson(g));
}

Result<ApiReply> DeleteGroup(ApiCall& call) {
  RETURN_IF_ERROR(call.app.groups.Delete(call.principal, call.Param("id")));
  return ApiReply::NoContent();
}

}  // namespace jitgate
