// ApiKeyService: issue, list and revoke API keys. Keys look like `jg_<44 base62>_<6 base62 checksum>`;
// only their SHA-256 is stored, with a short public prefix for lookup.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/principal.h"
#include "app/service_context.h"

namespace jitgate {

struct NewApiKey {
  std::string label;
  std::optional<Millis> expires_at;
  std::optional<std::vector<std::string>> scopes;
};

struct IssuedApiKey {
  ApiKey key;
  std::string secret;  // the whole key, to be shown once
};

class ApiKeyService {
 public:
  explicit ApiKeyService(ServiceContext& ctx) : ctx_(ctx) {}

  // Issues a key for `owner_id`. kInvalidArgument: label not 1-200 characters, expiry not in the
  // future, unknown or repeated scopes. Writes `apikey.created`.
  Result<IssuedApiKey> Create(const Principal& actor, const std::string& owner_id, const NewApiKey& in,
                              const std::optional<IdempotencyKey>& idem);
  // Revokes a key; it stops working at once. kNotFound for unknown or already revoked keys.
  Status Revoke(const Principal& actor, const std::string& id);
  Result<ApiKey> Get(const std::string& id);
  Result<Page<ApiKey>> List(const ApiKeyQuery& q);

 private:
  ServiceContext& ctx_;
};

// Makes a new random key `jg_...`; `prefix` receives its lookup prefix.
std::string GenerateApiKey(std::string* prefix);
// True when `key` has the shape and checksum of a jitgate key; sets `prefix`.
bool ParseApiKey(std::string_view key, std::string* prefix);

}  // namespace jitgate
