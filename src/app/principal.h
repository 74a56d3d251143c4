// Principal: who is making a request, as established by authentication.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model.h"

namespace jitgate {

// Scopes an API key may be restricted to (API.md § API keys).
inline constexpr const char* kAllScopes[] = {"jit:read",       "jit:write",    "directory:read",
                                             "directory:write", "access:check", "audit:read",
                                             "keys:write"};

struct Principal {
  std::string user_id;
  bool role_manager = false;
  ActorType actor_type = ActorType::kUser;  // kUser for sessions, kApiKey for bearer keys
  std::string api_key_id;                   // set for kApiKey
  std::optional<std::vector<std::string>> scopes;  // nullopt: all of the owner's rights
  std::string session_csrf_hash;                   // set for sessions

  // True when the principal's credential carries `scope` (keys without scopes carry all).
  bool HasScope(std::string_view scope) const {
    if (!scopes) return true;
    for (const auto& s : *scopes)
      if (s == scope) return true;
    return false;
  }

  static Principal System() {
    Principal p;
    p.actor_type = ActorType::kSystem;
    return p;
  }
};

}  // namespace jitgate
