// Fuzzes every JSON request body decoder of the API with its validation: the input's first byte
// picks a route that takes a body (POST/PATCH of users, pools, groups, grants, keys, checks,
// login), the second who calls; the rest is the body, with the fixture's placeholders (@pool@...)
// replaced by real ids. The body goes through ParseJsonObject and the route's handler on a real
// App (temporary SQLite store); the outcome must map to a 2xx or a 4xx with a proper error body.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <vector>

#include "api/api_call.h"
#include "api/json_body.h"
#include "api/routes.h"
#include "common/fuzz_app.h"
#include "common/invariants.h"

namespace jitgate::fuzz {
namespace {

// The routes that take a JSON body, in table order.
const std::vector<const ApiRoute*>& BodyRoutes() {
  static const auto* routes = [] {
    auto* out = new std::vector<const ApiRoute*>;
    for (const ApiRoute& r : ApiRoutes())
      if (r.json_body) out->push_back(&r);
    return out;
  }();
  return *routes;
}

// The id a route's {id} stands for: the fixture object of the route's resource.
std::string IdFor(const ApiRoute& route, FuzzApp& f) {
  std::string placeholder = route.pattern.find("/users/") != std::string::npos        ? "@user@"
                            : route.pattern.find("/agent-pool/") != std::string::npos ? "@pool@"
                            : route.pattern.find("/groups/") != std::string::npos     ? "@group@"
                            : route.pattern.find("/jit-access/") != std::string::npos ? "@grant@"
                                                                                      : "@key@";
  f.Substitute(&placeholder);
  return placeholder;
}

void RunOne(const uint8_t* data, size_t size) {
  if (size < 2) return;
  FuzzApp& f = FuzzApp::Get();
  f.NextInput();
  const ApiRoute& route = *BodyRoutes()[data[0] % BodyRoutes().size()];
  const Credential cred = data[1] % 4 == 3 ? Credential::kUserKey : Credential::kAdminKey;
  HttpRequest req;
  req.method = route.method;
  req.path = route.pattern;
  req.body.assign(reinterpret_cast<const char*>(data + 2), size - 2);
  f.Substitute(&req.body);
  req.remote_address = "198.51.100.7";
  const std::string id = IdFor(route, f);
  PathParams params;
  if (route.pattern.find("{id}") != std::string::npos) params.Add("id", id);

  ApiCall call{f.app(), req, params, {}, {}, {}};
  Result<ApiReply> reply = [&]() -> Result<ApiReply> {
    ASSIGN_OR_RETURN(call.body, ParseJsonObject(req.body));
    if (route.access != RouteAccess::kPublic) {
      auto principal = f.PrincipalFor(cred);
      if (!principal) return Status::Unauthenticated();
      call.principal = *principal;
      // As the dispatcher does: a handler may rely on the route's scope and role being checked.
      if (!route.scope.empty() && !call.principal.HasScope(route.scope)) return Status::Forbidden("scope");
      if (route.access == RouteAccess::kRoleManager) RETURN_IF_ERROR(RequireRoleManager(call));
    }
    return route.handler(call);  // an exception escaping here is a finding (the server's 500)
  }();
  HttpResponse res = ToHttpResponse(reply);
  if (std::getenv("JG_FUZZ_VERBOSE"))
    std::fprintf(stderr, "%s %s -> %d %.300s\n", route.method.c_str(), route.pattern.c_str(), res.status, res.body.c_str());
  CheckResponse(res, f.SecretsFor(req.body));
}

}  // namespace
}  // namespace jitgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jitgate::fuzz::RunOne(data, size);
  return 0;
}
