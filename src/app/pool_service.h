// PoolService: agent pools (create, rename, describe, delete, list).
#pragma once

#include <optional>
#include <string>

#include "app/principal.h"
#include "app/service_context.h"

namespace jitgate {

struct PoolChange {
  std::optional<std::string> name;
  std::optional<std::string> description;
};

class PoolService {
 public:
  explicit PoolService(ServiceContext& ctx) : ctx_(ctx) {}

  // kInvalidArgument (name 1-100 characters, description at most 1000), kConflict (name in use).
  Result<AgentPool> Create(const Principal& actor, const std::string& name, const std::string& description,
                           const std::optional<IdempotencyKey>& idem);
  Result<AgentPool> Update(const Principal& actor, const std::string& id, const PoolChange& c);
  // kNotFound; kConflict while named in an active grant. Also removes it from groups' access.
  Status Delete(const Principal& actor, const std::string& id);
  Result<AgentPool> Get(const std::string& id);
  Result<Page<AgentPool>> List(const PoolQuery& q);

 private:
  ServiceContext& ctx_;
};

}  // namespace jitgate
