#include "api/openapi.h"

#include <map>
#include <regex>

#include "api/routes.h"

namespace jitgate {
namespace {

using json = nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json Str() { return {{"type", "string"}}; }
json Uuid() { return {{"type", "string"}, {"format", "uuid"}}; }
json Time() { return {{"type", "string"}, {"format", "date-time"}, {"example", "2026-11-24T10:00:00.000Z"}}; }
json NullableTime() { return {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}; }
json Bool() { return {{"type", "boolean"}}; }
json Int() { return {{"type", "integer"}, {"format", "int64"}}; }
json ArrayOf(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json RoleSchema() { return {{"type", "string"}, {"enum", {"STANDARD", "PRIVILEGED"}}}; }

json Object(json properties, std::vector<std::string> required = {}, bool closed = true) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) o["required"] = required;
  if (closed) o["additionalProperties"] = false;
  return o;
}

json PageOf(const std::string& item) {
  return Object({{"items", ArrayOf(Ref(item))}, {"total", Int()}, {"offset", Int()}, {"limit", Int()}},
                {"items", "total", "offset", "limit"});
}

const char* ReasonFor(int status) {
  static const std::map<int, const char*> kReasons = {
      {200, "OK"}, {201, "Created"}, {204, "No Content"}, {400, "VALIDATION_FAILED or MALFORMED_JSON"},
      {401, "UNAUTHORIZED"}, {403, "FORBIDDEN or CSRF_FAILED"}, {404, "NOT_FOUND"},
      {405, "METHOD_NOT_ALLOWED"}, {409, "CONFLICT, CONCURRENT_GRANT_LIMIT or GRANT_NOT_ACTIVE"},
      {413, "PAYLOAD_TOO_LARGE"}, {415, "UNSUPPORTED_MEDIA_TYPE"}, {429, "RATE_LIMITED"},
      {431, "HEADERS_TOO_LARGE"}, {503, "UNAVAILABLE"}};
  auto it = kReasons.find(status);
  return it == kReasons.end() ? "" : it->second;
}

json Operation(const ApiRoute& r) {
  json op = {{"summary", r.summary}, {"tags", {r.tag}}};
  std::string id = r.method + r.pattern;
  for (auto& c : id)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  op["operationId"] = id;
  json params = json::array();
  static const std::regex kParam("\\{([a-zA-Z]+)\\}");
  for (std::sregex_iterator it(r.pattern.begin(), r.pattern.end(), kParam), end; it != end; ++it)
    params.push_back({{"name", (*it)[1].str()}, {"in", "path"}, {"required", true}, {"schema", Uuid()}});
  for (const auto& q : r.query_params) {
    json schema = Str();
    if (q == "offset") schema = {{"type", "integer"}, {"minimum", 0}, {"default", 0}};
    if (q == "limit") schema = {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 10}};
    if (q == "status") schema = {{"type", "string"}, {"enum", {"active", "expired", "revoked", "all"}}, {"default", "active"}};
    if (q == "permission") schema = {{"type", "string"}, {"enum", {"USE", "IGNORE_QUOTA"}}};
    if (q == "since" || q == "until") schema = Time();
    params.push_back({{"name", q}, {"in", "query"}, {"required", q == "userId" && r.tag == "access"}, {"schema", schema}});
  }
  if (!params.empty()) op["parameters"] = params;
  if (!r.request_schema.empty())
    op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", Ref(r.request_schema)}}}}}};
  json responses = json::object();
  json ok = {{"description", ReasonFor(r.success_status)}};
  if (!r.response_schema.empty()) ok["content"] = {{"application/json", {{"schema", Ref(r.response_schema)}}}};
  if (r.pattern == "/metrics") ok["content"] = {{"text/plain", {{"schema", Str()}}}};
  if (r.pattern == "/api/openapi.json") ok["content"] = {{"application/json", {{"schema", {{"type", "object"}}}}}};
  responses[std::to_string(r.success_status)] = ok;
  for (int s : r.error_statuses)
    responses[std::to_string(s)] = {{"description", ReasonFor(s)},
                                    {"content", {{"application/json", {{"schema", Ref("Error")}}}}}};
  op["responses"] = responses;
  if (r.access == RouteAccess::kPublic) op["security"] = json::array();
  if (!r.scope.empty()) op["x-required-scope"] = r.scope;
  op["x-role-manager-only"] = r.access == RouteAccess::kRoleManager;
  return op;
}

}  // namespace

json OpenApiSchemas() {
  json s;
  s["Error"] = Object({{"message", Str()},
                       {"code", {{"type", "string"}, {"enum", {"VALIDATION_FAILED", "MALFORMED_JSON", "UNAUTHORIZED",
                                                                "FORBIDDEN", "CSRF_FAILED", "NOT_FOUND",
                                                                "METHOD_NOT_ALLOWED", "CONFLICT",
                                                                "CONCURRENT_GRANT_LIMIT", "GRANT_NOT_ACTIVE",
                                                                "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE",
                                                                "RATE_LIMITED", "HEADERS_TOO_LARGE", "UNAVAILABLE",
                                                                "INTERNAL"}}}},
                       {"details", ArrayOf(Object({{"field", Str()}, {"message", Str()}}, {"field", "message"}))}},
                      {"message", "code", "details"});
  s["User"] = Object({{"id", Uuid()}, {"email", Str()}, {"name", Str()}, {"roleManager", Bool()},
                      {"disabled", Bool()}, {"createdAt", Time()}},
                     {"id", "email", "name", "roleManager", "disabled", "createdAt"});
  s["UserCreate"] = Object({{"email", Str()}, {"name", Str()}, {"password", {{"type", "string"}, {"minLength", 12}}},
                            {"roleManager", Bool()}},
                           {"email", "name"});
  s["UserUpdate"] = Object({{"name", Str()}, {"roleManager", Bool()}, {"disabled", Bool()},
                            {"password", {{"type", "string"}, {"minLength", 12}}}});
  s["UserPage"] = PageOf("User");
  s["AgentPool"] = Object({{"id", Uuid()}, {"name", Str()}, {"description", Str()}, {"createdAt", Time()}},
                          {"id", "name", "description", "createdAt"});
  s["AgentPoolCreate"] = Object({{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                                 {"description", Str()}},
                                {"name"});
  s["AgentPoolUpdate"] = Object({{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                                 {"description", Str()}});
  s["AgentPoolPage"] = PageOf("AgentPool");
  json pool_access = ArrayOf(Object({{"agentPoolId", Uuid()}, {"role", RoleSchema()}}, {"agentPoolId", "role"}));
  s["Group"] = Object({{"id", Uuid()}, {"name", Str()}, {"memberIds", ArrayOf(Uuid())}, {"poolAccess", pool_access},
                       {"createdAt", Time()}},
                      {"id", "name", "memberIds", "poolAccess", "createdAt"});
  s["GroupCreate"] = Object({{"name", Str()}, {"memberIds", ArrayOf(Uuid())}, {"poolAccess", pool_access}}, {"name"});
  s["GroupUpdate"] = Object({{"name", Str()}, {"memberIds", ArrayOf(Uuid())}, {"poolAccess", pool_access}});
  s["GroupPage"] = PageOf("Group");
  s["Expiration"] = {
      {"oneOf",
       {Object({{"days", {{"type", "integer"}, {"minimum", 1}, {"maximum", 31}}}}, {"days"}),
        Object({{"hours", {{"type", "integer"}, {"minimum", 1}, {"maximum", 744}}}}, {"hours"}),
        Object({{"at", Time()}}, {"at"})}}};
  s["Grant"] = Object({{"id", Uuid()},
                       {"name", Str()},
                       {"role", RoleSchema()},
                       {"agentPoolIds", ArrayOf(Uuid())},
                       {"userIds", ArrayOf(Uuid())},
                       {"reason", Str()},
                       {"status", {{"type", "string"}, {"enum", {"ACTIVE", "EXPIRED", "REVOKED"}}}},
                       {"createdAt", Time()},
                       {"createdBy", Uuid()},
                       {"expiresAt", Time()},
                       {"revokedAt", NullableTime()},
                       {"revokedBy", {{"type", "string"}, {"format", "uuid"}, {"nullable", true}}}},
                      {"id", "name", "role", "agentPoolIds", "userIds", "reason", "status", "createdAt", "createdBy",
                       "expiresAt", "revokedAt", "revokedBy"});
  s["GrantCreate"] = Object({{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                             {"role", RoleSchema()},
                             {"agentPoolIds", {{"type", "array"}, {"items", Uuid()}, {"minItems", 1}, {"maxItems", 20}, {"uniqueItems", true}}},
                             {"userIds", {{"type", "array"}, {"items", Uuid()}, {"minItems", 1}, {"maxItems", 50}, {"uniqueItems", true}}},
                             {"expiration", Ref("Expiration")},
                             {"reason", {{"type", "string"}, {"maxLength", 1000}}}},
                            {"name", "role", "agentPoolIds", "userIds", "expiration"});
  s["GrantPage"] = PageOf("Grant");
  json source = Object({{"type", {{"type", "string"}, {"enum", {"GROUP", "JIT"}}}}, {"id", Uuid()}, {"expiresAt", Time()}},
                       {"type", "id"});
  json role_or_null = {{"type", "string"}, {"enum", {"STANDARD", "PRIVILEGED", nullptr}}, {"nullable", true}};
  s["AccessDecision"] = Object({{"allowed", Bool()}, {"role", role_or_null}, {"sources", ArrayOf(source)},
                                {"validUntil", NullableTime()}},
                               {"allowed", "role", "sources", "validUntil"});
  json check = Object({{"userId", Str()}, {"agentPoolId", Str()},
                       {"permission", {{"type", "string"}, {"enum", {"USE", "IGNORE_QUOTA"}}}}},
                      {"userId", "agentPoolId", "permission"});
  s["AccessCheckBatch"] = Object({{"checks", {{"type", "array"}, {"items", check}, {"minItems", 1}, {"maxItems", 1000}}}},
                                 {"checks"});
  s["AccessCheckResults"] = Object({{"results", ArrayOf(Ref("AccessDecision"))}}, {"results"});
  s["UserAccess"] = Object({{"items", ArrayOf(Object({{"agentPoolId", Uuid()}, {"role", RoleSchema()},
                                                       {"sources", ArrayOf(source)}, {"validUntil", NullableTime()}},
                                                      {"agentPoolId", "role", "sources", "validUntil"}))}},
                           {"items"});
  json scopes = ArrayOf({{"type", "string"},
                         {"enum", {"jit:read", "jit:write", "directory:read", "directory:write", "access:check",
                                   "audit:read", "keys:write"}}});
  json nullable_scopes = scopes;
  nullable_scopes["nullable"] = true;
  json key_props = {{"id", Uuid()},           {"label", Str()},           {"prefix", Str()},
                    {"userId", Uuid()},       {"scopes", nullable_scopes}, {"createdAt", Time()},
                    {"expiresAt", NullableTime()}, {"lastUsedAt", NullableTime()}};
  std::vector<std::string> key_required = {"id", "label", "prefix", "userId", "scopes", "createdAt", "expiresAt", "lastUsedAt"};
  s["ApiKey"] = Object(key_props, key_required);
  key_props["key"] = Str();
  key_required.push_back("key");
  s["ApiKeyWithSecret"] = Object(key_props, key_required);
  s["ApiKeyCreate"] = Object({{"label", Str()}, {"expiresAt", Time()}, {"scopes", scopes}}, {"label"});
  s["ApiKeyPage"] = PageOf("ApiKey");
  s["LoginRequest"] = Object({{"email", Str()}, {"password", Str()}}, {"email", "password"});
  s["LoginResponse"] = Object({{"user", Ref("User")}, {"csrfToken", Str()}}, {"user", "csrfToken"});
  s["AuditEvent"] = Object({{"seq", Int()},
                            {"at", Time()},
                            {"actorId", {{"type", "string"}, {"nullable", true}}},
                            {"actorType", {{"type", "string"}, {"enum", {"USER", "API_KEY", "SYSTEM"}}}},
                            {"type", Str()},
                            {"targetId", {{"type", "string"}, {"nullable", true}}},
                            {"details", {{"type", "object"}}},
                            {"hash", Str()}},
                           {"seq", "at", "actorId", "actorType", "type", "targetId", "details", "hash"});
  s["AuditEventPage"] = PageOf("AuditEvent");
  s["AuditVerification"] = Object({{"valid", Bool()}, {"checked", Int()}, {"firstBadSeq", Int()},
                                   {"reason", Str()}},
                                  {"valid", "checked"});
  return s;
}

json OpenApiDocument() {
  json paths = json::object();
  for (const ApiRoute& r : ApiRoutes()) {
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.pattern][method] = Operation(r);
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "jitgate REST API"}, {"version", "1.0.0"},
                    {"description", "Just-in-time access to agent pools. See API.md for the contract."}}},
          {"servers", {{{"url", "/"}}}},
          {"paths", std::move(paths)},
          {"components",
           {{"schemas", OpenApiSchemas()},
            {"securitySchemes",
             {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"description", "An API key jg_..."}}},
              {"sessionCookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "jitgate_session"}}}}}}},
          {"security", {{{"bearerAuth", json::array()}}, {{"sessionCookie", json::array()}}}}};
}

}  // namespace jitgate
