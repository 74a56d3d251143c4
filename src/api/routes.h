// The API's route table: every path of API.md with who may call it, the key scope it needs, and
// what the OpenAPI document says of it. The router, the OpenAPI document and the authorization
// tests are all generated from this one table, so they cannot drift apart.
#pragma once

#include <string>
#include <vector>

#include "api/api_call.h"
#include "app/app.h"
#include "http/router.h"

namespace jitgate {

// Who may call a route.
enum class RouteAccess {
  kPublic,         // no credentials
  kAuthenticated,  // any enabled user (the handler may check objects further)
  kRoleManager,    // ROLE_MANAGER only
};

struct ApiRoute {
  std::string method;
  std::string pattern;  // full path, e.g. "/api/v1/jit-access/{id}"
  ApiHandler handler;
  RouteAccess access = RouteAccess::kRoleManager;
  std::string scope;  // the API key scope needed; empty: none
  bool json_body = false;   // takes a JSON object body (415 / 400 MALFORMED_JSON otherwise)
  bool blocking = true;     // may do I/O; false only for routes answered from memory
  // For the OpenAPI document.
  std::string summary;
  std::string tag;
  std::vector<std::string> query_params;
  std::string request_schema;   // components/schemas name, empty: none
  std::string response_schema;  // components/schemas name, empty: none
  int success_status = 200;
  std::vector<int> error_statuses;
};

// The table (built once; thread-safe to read).
const std::vector<ApiRoute>& ApiRoutes();

// Registers every ApiRoute on `router`, each wrapped with authentication, CSRF, scope and role
// checks, body decoding and error mapping. `app` must outlive the router.
Status RegisterApiRoutes(Router& router, App& app);

// Turns a handler's outcome into an HTTP response (the one place errors become statuses).
HttpResponse ToHttpResponse(const Result<ApiReply>& result);
// The same, moving the reply's text body instead of copying it.
HttpResponse ToHttpResponse(Result<ApiReply>&& result);

}  // namespace jitgate
