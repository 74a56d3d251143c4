// The rules of a JIT grant request, checked all at once so every violation is reported.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/limits.h"
#include "core/model.h"
#include "core/status.h"

namespace jitgate {

// How long a grant lasts: exactly one of days, hours or at.
struct Expiration {
  std::optional<int64_t> days;
  std::optional<int64_t> hours;
  std::optional<Millis> at;
};

// A grant request as decoded from JSON, before validation. Absent fields are nullopt.
struct GrantRequest {
  std::optional<std::string> name;
  std::optional<std::string> role;  // raw text, validated here
  std::optional<std::vector<std::string>> agent_pool_ids;
  std::optional<std::vector<std::string>> user_ids;
  std::optional<Expiration> expiration;
  std::optional<std::string> reason;
  // Problems found while decoding (wrong types, unknown fields): reported with the rule
  // violations, and a field named here is not also reported as missing.
  std::vector<FieldError> decode_errors;
};

// What validation needs to know about referenced objects.
struct GrantReferenceLookup {
  std::function<bool(const std::string& pool_id)> pool_exists;
  // nullopt: no such user; otherwise whether the user is enabled.
  std::function<std::optional<bool>(const std::string& user_id)> user_enabled;
};

// The validated grant fields.
struct ValidGrant {
  std::string name;
  Role role;
  std::vector<std::string> agent_pool_ids;
  std::vector<std::string> user_ids;
  std::string reason;
  Millis expires_at;
};

// Computes the expiry instant from `e` at `now` without range checks; nullopt if `e` does not hold
// exactly one of days/hours/at or a count is not positive.
std::optional<Millis> ResolveExpiration(const Expiration& e, Millis now);

// Checks every rule; on failure returns kInvalidArgument with one FieldError per violated rule
// (fields: name, role, agentPoolIds, userIds, expiration, reason). Lengths count Unicode code
// points. Expiry must be > now and <= now + limits.max_grant_duration.
Result<ValidGrant> ValidateGrant(const GrantRequest& req, Millis now, const Limits& limits,
                                 const GrantReferenceLookup& lookup);

// Number of Unicode code points in valid UTF-8 `s`.
size_t Utf8Length(std::string_view s);

}  // namespace jitgate
