// The OpenAPI 3 document of the API, generated from the route table (routes.h) and the schemas.
#pragma once

#include <nlohmann/json.hpp>

namespace jitgate {

// The whole document: every ApiRoute as a path operation, with its parameters, body, responses
// and security, plus the component schemas they reference.
nlohmann::json OpenApiDocument();

// The component schemas, by name.
nlohmann::json OpenApiSchemas();

}  // namespace jitgate
