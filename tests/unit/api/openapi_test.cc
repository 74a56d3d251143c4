// The OpenAPI document and the router are both generated from the route table; these tests check
// the three agree, so a route cannot be added or removed without the document following.
#include "api/openapi.h"

#include <gtest/gtest.h>

#include <set>

#include "api/routes.h"
#include "app/app.h"
#include "core/clock.h"

namespace jitgate {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, DocumentsExactlyTheRegisteredRoutes) {
  auto store = OpenStore("sqlite::memory:");
  ASSERT_TRUE(store.ok()) << store.status().message();
  FakeClock clock(0);
  App app(**store, clock, AppConfig{});
  Router router;
  ASSERT_TRUE(RegisterApiRoutes(router, app).ok());
  const nlohmann::json doc = OpenApiDocument();
  std::set<std::pair<std::string, std::string>> routed, documented;
  for (const auto& r : router.Routes()) routed.insert({Lower(r.method), r.pattern});
  for (const auto& [path, ops] : doc["paths"].items())
    for (const auto& [method, _] : ops.items()) documented.insert({method, path});
  EXPECT_EQ(routed, documented);
}

TEST(OpenApi, CoversEveryPathOfTheContract) {
  const nlohmann::json doc = OpenApiDocument();
  ASSERT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  const std::vector<std::pair<std::string, std::string>> contract = {
      {"get", "/api/v1/users"},           {"post", "/api/v1/users"},
      {"get", "/api/v1/users/{id}"},      {"patch", "/api/v1/users/{id}"},
      {"delete", "/api/v1/users/{id}"},   {"get", "/api/v1/users/{id}/access"},
      {"get", "/api/v1/me"},              {"get", "/api/v1/me/access"},
      {"get", "/api/v1/agent-pool"},      {"post", "/api/v1/agent-pool"},
      {"get", "/api/v1/agent-pool/{id}"}, {"patch", "/api/v1/agent-pool/{id}"},
      {"delete", "/api/v1/agent-pool/{id}"}, {"get", "/api/v1/groups"},
      {"post", "/api/v1/groups"},         {"get", "/api/v1/groups/{id}"},
      {"patch", "/api/v1/groups/{id}"},   {"delete", "/api/v1/groups/{id}"},
      {"post", "/api/v1/jit-access"},     {"get", "/api/v1/jit-access"},
      {"get", "/api/v1/jit-access/{id}"}, {"delete", "/api/v1/jit-access/{id}"},
      {"get", "/api/v1/access/check"},    {"post", "/api/v1/access/check"},
      {"get", "/api/v1/api-keys"},        {"post", "/api/v1/api-keys"},
      {"delete", "/api/v1/api-keys/{id}"}, {"post", "/api/v1/auth/login"},
      {"post", "/api/v1/auth/logout"},    {"get", "/api/v1/audit-events"},
      {"get", "/api/v1/audit-events/verify"}, {"get", "/healthz"},
      {"get", "/readyz"},                 {"get", "/metrics"},
      {"get", "/api/openapi.json"}};
  for (const auto& [method, path] : contract) {
    EXPECT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains(method)) << method << " " << path;
  }
}

TEST(OpenApi, EveryReferencedSchemaExists) {
  const nlohmann::json doc = OpenApiDocument();
  const auto& schemas = doc["components"]["schemas"];
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        const std::string ref = j["$ref"];
        const std::string name = ref.substr(ref.rfind('/') + 1);
        EXPECT_TRUE(schemas.contains(name)) << ref;
      }
      for (const auto& [_, v] : j.items()) walk(v);
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  walk(doc);
}

TEST(OpenApi, GrantSchemaHasTheContractFields) {
  const auto grant = OpenApiSchemas()["Grant"]["required"];
  std::set<std::string> fields(grant.begin(), grant.end());
  EXPECT_EQ(fields, (std::set<std::string>{"id", "name", "role", "agentPoolIds", "userIds", "reason", "status",
                                           "createdAt", "createdBy", "expiresAt", "revokedAt", "revokedBy"}));
}

}  // namespace
}  // namespace jitgate
