// GroupService: standing access (groups of users with roles on pools).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/principal.h"
#include "app/service_context.h"

namespace jitgate {

// A group as requested; roles are raw text, validated by the service. Absent fields: unchanged
// (update) or empty (create).
struct GroupInput {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> member_ids;
  std::optional<std::vector<std::pair<std::string, std::string>>> pool_access;  // (pool id, role)
};

class GroupService {
 public:
  explicit GroupService(ServiceContext& ctx) : ctx_(ctx) {}

  // kInvalidArgument: name missing or not 1-200 characters, unknown user or pool ids (each named),
  // duplicates, bad roles.
  Result<Group> Create(const Principal& actor, const GroupInput& in, const std::optional<IdempotencyKey>& idem);
  Result<Group> Update(const Principal& actor, const std::string& id, const GroupInput& in);
  Status Delete(const Principal& actor, const std::string& id);
  Result<Group> Get(const std::string& id);
  Result<Page<Group>> List(const GroupQuery& q);

 private:
  Status Validate(ReadTx& tx, const GroupInput& in, bool creating, Group& out);
  ServiceContext& ctx_;
};

}  // namespace jitgate
