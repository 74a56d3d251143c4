#include "api/routes.h"

#include "api/handlers.h"
#include "api/ops_handlers.h"

namespace jitgate {
namespace {

constexpr const char* kV1 = "/api/v1";

std::vector<ApiRoute> BuildTable() {
  using A = RouteAccess;
  const std::vector<std::string> kPaging = {"offset", "limit"};
  const std::vector<std::string> kSearchPaging = {"search", "offset", "limit"};
  auto v1 = [](const std::string& p) { return std::string(kV1) + p; };
  std::vector<ApiRoute> t;
  auto add = [&](ApiRoute r) {
    if (r.error_statuses.empty()) r.error_statuses = {400, 401, 403, 404};
    t.push_back(std::move(r));
  };
  // Users
  add({"GET", v1("/users"), ListUsers, A::kRoleManager, "directory:read", false, true, "List users", "users",
       kSearchPaging, "", "UserPage"});
  add({"POST", v1("/users"), CreateUser, A::kRoleManager, "directory:write", true, true, "Create a user", "users",
       {}, "UserCreate", "User", 201, {400, 401, 403, 409, 415}});
  add({"GET", v1("/users/{id}"), GetUser, A::kAuthenticated, "directory:read", false, true,
       "Get a user (a non-manager only themselves)", "users", {}, "", "User"});
  add({"PATCH", v1("/users/{id}"), UpdateUser, A::kRoleManager, "directory:write", true, true, "Change a user",
       "users", {}, "UserUpdate", "User", 200, {400, 401, 403, 404, 409, 415}});
  add({"DELETE", v1("/users/{id}"), DeleteUser, A::kRoleManager, "directory:write", false, true, "Delete a user",
       "users", {}, "", "", 204, {401, 403, 404, 409}});
  add({"GET", v1("/users/{id}/access"), GetUserAccess, A::kAuthenticated, "access:check", false, true,
       "A user's effective access", "access", {}, "", "UserAccess"});
  add({"GET", v1("/me"), GetMe, A::kAuthenticated, "", false, true, "The caller", "users", {}, "", "User"});
  add({"GET", v1("/me/access"), GetMyAccess, A::kAuthenticated, "", false, false, "The caller's effective access",
       "access", {}, "", "UserAccess"});
  // Agent pools
  add({"GET", v1("/agent-pool"), ListPools, A::kAuthenticated, "directory:read", false, true,
       "List agent pools (sorted by name)", "agent-pools", kSearchPaging, "", "AgentPoolPage"});
  add({"POST", v1("/agent-pool"), CreatePool, A::kRoleManager, "directory:write", true, true,
       "Create an agent pool", "agent-pools", {}, "AgentPoolCreate", "AgentPool", 201, {400, 401, 403, 409, 415}});
  add({"GET", v1("/agent-pool/{id}"), GetPool, A::kAuthenticated, "directory:read", false, true,
       "Get an agent pool", "agent-pools", {}, "", "AgentPool"});
  add({"PATCH", v1("/agent-pool/{id}"), UpdatePool, A::kRoleManager, "directory:write", true, true,
       "Change an agent pool", "agent-pools", {}, "AgentPoolUpdate", "AgentPool", 200, {400, 401, 403, 404, 409, 415}});
  add({"DELETE", v1("/agent-pool/{id}"), DeletePool, A::kRoleManager, "directory:write", false, true,
       "Delete an agent pool", "agent-pools", {}, "", "", 204, {401, 403, 404, 409}});
  // Groups
  add({"GET", v1("/groups"), ListGroups, A::kRoleManager, "directory:read", false, true, "List groups", "groups",
       kPaging, "", "GroupPage"});
  add({"POST", v1("/groups"), CreateGroup, A::kRoleManager, "directory:write", true, true, "Create a group",
       "groups", {}, "GroupCreate", "Group", 201, {400, 401, 403, 415}});
  add({"GET", v1("/groups/{id}"), GetGroup, A::kRoleManager, "directory:read", false, true, "Get a group", "groups",
       {}, "", "Group"});
  add({"PATCH", v1("/groups/{id}"), UpdateGroup, A::kRoleManager, "directory:write", true, true, "Change a group",
       "groups", {}, "GroupUpdate", "Group", 200, {400, 401, 403, 404, 415}});
  add({"DELETE", v1("/groups/{id}"), DeleteGroup, A::kRoleManager, "directory:write", false, true,
       "Delete a group", "groups", {}, "", "", 204, {401, 403, 404}});
  // JIT grants
  add({"POST", v1("/jit-access"), CreateGrant, A::kRoleManager, "jit:write", true, true, "Grant temporary access",
       "jit-access", {}, "GrantCreate", "Grant", 201, {400, 401, 403, 409, 415}});
  add({"GET", v1("/jit-access"), ListGrants, A::kRoleManager, "jit:read", false, true,
       "List grants (newest first)", "jit-access", {"status", "userId", "agentPoolId", "offset", "limit"}, "",
       "GrantPage"});
  add({"GET", v1("/jit-access/{id}"), GetGrant, A::kRoleManager, "jit:read", false, true, "Get a grant",
       "jit-access", {}, "", "Grant"});
  add({"DELETE", v1("/jit-access/{id}"), RevokeGrant, A::kRoleManager, "jit:write", false, true,
       "Revoke a grant at once", "jit-access", {}, "", "", 204, {401, 403, 404, 409}});
  // Access checks: answered from memory on the I/O threads.
  add({"GET", v1("/access/check"), CheckAccess, A::kAuthenticated, "access:check", false, false,
       "Check one permission", "access", {"userId", "agentPoolId", "permission"}, "", "AccessDecision"});
  // The batch reads its own body (a fast path for the usual shape; access_handlers.cc).
  add({"POST", v1("/access/check"), CheckAccessBatch, A::kAuthenticated, "access:check", false, false,
       "Check up to 1000 permissions", "access", {}, "AccessCheckBatch", "AccessCheckResults", 200,
       {400, 401, 403, 415}});
  // API keys
  add({"GET", v1("/api-keys"), ListApiKeys, A::kAuthenticated, "keys:write", false, true,
       "List API keys (own; a role manager may pass userId)", "api-keys", {"userId", "offset", "limit"}, "",
       "ApiKeyPage"});
  add({"POST", v1("/api-keys"), CreateApiKey, A::kAuthenticated, "keys:write", true, true,
       "Create an API key (the key is shown once)", "api-keys", {}, "ApiKeyCreate", "ApiKeyWithSecret", 201,
       {400, 401, 403, 415}});
  add({"DELETE", v1("/api-keys/{id}"), RevokeApiKey, A::kAuthenticated, "keys:write", false, true,
       "Revoke an API key", "api-keys", {}, "", "", 204, {401, 403, 404}});
  // Sessions
  add({"POST", v1("/auth/login"), Login, A::kPublic, "", true, true, "Sign in (sets the session cookie)", "auth",
       {}, "LoginRequest", "LoginResponse", 200, {400, 401, 415, 429}});
  add({"POST", v1("/auth/logout"), Logout, A::kAuthenticated, "", false, true, "Sign out", "auth", {}, "", "",
       204, {401, 403}});
  // Audit
  add({"GET", v1("/audit-events"), ListAuditEvents, A::kRoleManager, "audit:read", false, true,
       "List audit events (oldest first)", "audit",
       {"type", "actorId", "targetId", "since", "until", "offset", "limit"}, "", "AuditEventPage"});
  add({"GET", v1("/audit-events/verify"), VerifyAuditChain, A::kRoleManager, "audit:read", false, true,
       "Verify the audit hash chain", "audit", {}, "", "AuditVerification"});
  // Operations
  add({"GET", "/healthz", Healthz, A::kPublic, "", false, false, "Liveness", "operations", {}, "", "", 200, {}});
  add({"GET", "/readyz", Readyz, A::kPublic, "", false, true, "Readiness (the store answers)", "operations", {},
       "", "", 200, {503}});
  add({"GET", "/metrics", MetricsText, A::kPublic, "", false, false, "Prometheus metrics", "operations", {}, "",
       "", 200, {}});
  add({"GET", "/api/openapi.json", OpenApiJson, A::kPublic, "", false, false, "This document", "operations", {},
       "", "", 200, {}});
  return t;
}

}  // namespace

const std::vector<ApiRoute>& ApiRoutes() {
  static const std::vector<ApiRoute> table = BuildTable();
  return table;
}

}  // namespace jitgate
