// Directory: everything the access index is built from, as loaded from the store.
#pragma once

#include <vector>

#include "core/model.h"

namespace jitgate {

struct Directory {
  std::vector<User> users;  // all users (password_hash may be left empty)
  std::vector<AgentPool> pools;
  std::vector<Group> groups;
  std::vector<Grant> active_grants;  // stored status ACTIVE, whatever expires_at says
};

}  // namespace jitgate
