// Builds audit events attributed to a principal; details are canonical JSON objects.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/principal.h"
#include "core/model.h"

namespace jitgate {

// An event of `type` about `target_id`, done by `actor` at `at`, with `details` (a JSON object).
inline AuditEvent MakeAuditEvent(const Principal& actor, Millis at, std::string type,
                                 std::string target_id, nlohmann::json details = nlohmann::json::object()) {
  AuditEvent ev;
  ev.at = at;
  ev.actor_type = actor.actor_type;
  if (actor.actor_type != ActorType::kSystem) ev.actor_id = actor.user_id;
  if (actor.actor_type == ActorType::kApiKey) details["apiKeyId"] = actor.api_key_id;
  ev.type = std::move(type);
  if (!target_id.empty()) ev.target_id = std::move(target_id);
  ev.details_json = details.dump();  // std::map-backed: keys sorted, compact
  return ev;
}

}  // namespace jitgate
