// Handlers of /api/v1/users, /api/v1/me and the per-user access views.
#include <algorithm>

#include "api/handlers.h"
#include "api/json_body.h"
#include "api/json_view.h"

namespace jitgate {
namespace {

nlohmann::json AccessItems(ApiCall& call, const std::string& user_id) {
  const Millis now = call.app.clock().Now();
  const AccessIndex& index = call.app.view().index();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : index.AccessOf(user_id, now)) items.push_back(ToJson(s));
  return {{"items", std::move(items)}};
}

}  // namespace

Result<ApiReply> ListUsers(ApiCall& call) {
  ASSIGN_OR_RETURN(Paging paging, ReadPaging(call));
  UserQuery q{call.Query("search").value_or(""), paging.offset, paging.limit};
  ASSIGN_OR_RETURN(auto page, call.app.users.List(q));
  return ApiReply::Ok(PageJson(page.items, page.total, q.offset, q.limit, [](const User& u) { return ToJson(u); }));
}

Result<ApiReply> CreateUser(ApiCall& call) {
  BodyReader r(call.body, {"email", "name", "password", "roleManager"}, {"id", "createdAt", "disabled"});
  NewUser nu;
  auto email = r.String("email", true, 1024);
  auto name = r.String("name", true, 4096);
  nu.password = r.String("password", false, 4096);
  nu.role_manager = r.Bool("roleManager", false).value_or(false);
  RETURN_IF_ERROR(r.Finish());
  nu.email = *email;
  nu.name = *name;
  return IdempotentCreate(call, [&](const std::optional<IdempotencyKey>& idem) -> Result<ApiReply> {
    ASSIGN_OR_RETURN(auto user, call.app.users.Create(call.principal, nu, idem));
    return ApiReply::Created(ToJson(user));
  });
}

Result<ApiReply> GetUser(ApiCall& call) {
  const std::string id = call.Param("id");
  if (id != call.principal.user_id) RETURN_IF_ERROR(RequireRoleManager(call));
  ASSIGN_OR_RETURN(User u, call.app.users.Get(id));
  return ApiReply::Ok(ToJson(u));
}

Result<ApiReply> UpdateUser(ApiCall& call) {
  BodyReader r(call.body, {"name", "roleManager", "disabled", "password"}, {"id", "email", "createdAt"});
  UserChange c;
  c.name = r.String("name", false, 4096);
  c.role_manager = r.Bool("roleManager", false);
  c.disabled = r.Bool("disabled", false);
  c.password = r.String("password", false, 4096);
  RETURN_IF_ERROR(r.Finish());
  ASSIGN_OR_RETURN(User u, call.app.users.Update(call.principal, call.Param("id"), c));
  return ApiReply::Ok(ToJson(u));
}

Result<ApiReply> DeleteUser(ApiCall& call) {
  RETURN_IF_ERROR(call.app.users.Delete(call.principal, call.Param("id")));
  return ApiReply::NoContent();
}

Result<ApiReply> GetMe(ApiCall& call) {
  ASSIGN_OR_RETURN(User u, call.app.users.Get(call.principal.user_id));
  return ApiReply::Ok(ToJson(u));
}

Result<ApiReply> GetMyAccess(ApiCall& call) { return ApiReply::Ok(AccessItems(call, call.principal.user_id)); }

Result<ApiReply> GetUserAccess(ApiCall& call) {
  const std::string id = call.Param("id");
  if (id != call.principal.user_id) RETURN_IF_ERROR(RequireRoleManager(call));
  ASSIGN_OR_RETURN(User u, call.app.users.Get(id));
  return ApiReply::Ok(AccessItems(call, u.id));
}

}  // namespace jitgate
