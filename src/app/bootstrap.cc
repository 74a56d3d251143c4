#include "app/bootstrap.h"

#include "app/random.h"

namespace jitgate {

Result<BootstrapResult> Bootstrap(App& app, const std::string& admin_email) {
  int64_t existing = 0;
  RETURN_IF_ERROR(app.store().Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(auto page, tx.ListUsers(UserQuery{"", 0, 1}));
    existing = page.total;
    return Status::Ok();
  }));
  if (existing > 0) return Status::Conflict("the store already has users; jitgate init runs only once");
  BootstrapResult r;
  r.password = RandomBase62(24);
  NewUser nu;
  nu.email = admin_email;
  nu.name = "Administrator";
  nu.password = r.password;
  nu.role_manager = true;
  const Principal system = Principal::System();
  ASSIGN_OR_RETURN(r.admin, app.users.Create(system, nu, std::nullopt));
  NewApiKey nk;
  nk.label = "initial admin key";
  ASSIGN_OR_RETURN(IssuedApiKey key, app.api_keys.Create(system, r.admin.id, nk, std::nullopt));
  r.api_key = key.secret;
  return r;
}

}  // namespace jitgate
