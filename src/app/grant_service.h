// GrantService: create, revoke, read and list JIT grants.
#pragma once

#include <optional>
#include <string>

#include "app/principal.h"
#include "app/service_context.h"
#include "core/grant_rules.h"
#include "store/store.h"

namespace jitgate {

class GrantService {
 public:
  explicit GrantService(ServiceContext& ctx) : ctx_(ctx) {}

  // Validates every rule (kInvalidArgument with all violations), enforces the active-grant limit
  // inside the write transaction (kGrantLimit), stores the grant with its `jit.granted` event and
  // publishes it to the access index. Returns the stored grant once the commit is durable.
  Result<Grant> Create(const Principal& actor, const GrantRequest& req,
                       const std::optional<IdempotencyKey>& idem);

  // Revokes an active grant at once (kNotFound, kGrantNotActive), with its `jit.revoked` event.
  Status Revoke(const Principal& actor, const std::string& id);

  Result<Grant> Get(const std::string& id);
  Result<Page<Grant>> List(GrantQuery q);

 private:
  ServiceContext& ctx_;
};

}  // namespace jitgate
