// JSON views of domain objects, exactly as API.md names their fields.
#pragma once

#include <nlohmann/json.hpp>

#include "app/audit_service.h"
#include "core/access_index.h"
#include "core/model.h"

namespace jitgate {

nlohmann::json ToJson(const User& u);
nlohmann::json ToJson(const AgentPool& p);
nlohmann::json ToJson(const Group& g);
// Reports the effective status at `now` (an ACTIVE grant past its expiry is EXPIRED).
nlohmann::json ToJson(const Grant& g, Millis now);
nlohmann::json ToJson(const ApiKey& k);
nlohmann::json ToJson(const AuditEvent& e);
nlohmann::json ToJson(const AccessDecision& d);
nlohmann::json ToJson(const PoolAccessSummary& s);
nlohmann::json ToJson(const AuditVerification& v);

// `{"items": [...], "total": N, "offset": o, "limit": l}`.
template <typename T, typename F>
nlohmann::json PageJson(const std::vector<T>& items, int64_t total, int64_t offset, int64_t limit, F&& to_json) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& item : items) arr.push_back(to_json(item));
  return {{"items", std::move(arr)}, {"total", total}, {"offset", offset}, {"limit", limit}};
}

}  // namespace jitgate
