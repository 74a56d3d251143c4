#include "core/grant_rules.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace jitgate {
namespace {

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ", ";
    out += id;
  }
  return out;
}

// Checks count, distinctness and existence of a list of ids; adds one error per violated rule.
template <typename Exists>
void CheckIdList(const std::optional<std::vector<std::string>>& ids, const char* field, const char* noun, int max,
                 Exists&& problem, std::vector<FieldError>& errors) {
  if (!ids) {
    errors.push_back({field, "is required"});
    return;
  }
  if (ids->empty() || static_cast<int>(ids->size()) > max) {
    errors.push_back({field, "must name 1 to " + std::to_string(max) + " " + noun + " (at most " +
                                 std::to_string(max) + ")"});
    return;
  }
  std::set<std::string> seen;
  std::vector<std::string> duplicates;
  for (const auto& id : *ids)
    if (!seen.insert(id).second) duplicates.push_back(id);
  if (!duplicates.empty()) errors.push_back({field, "must be distinct; repeated: " + JoinIds(duplicates)});
  std::map<std::string, std::vector<std::string>> by_problem;
  for (const auto& id : seen)
    if (auto p = problem(id)) by_problem[*p].push_back(id);
  for (const auto& [p, list] : by_problem) errors.push_back({field, p + ": " + JoinIds(list)});
}

}  // namespace

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<Millis> ResolveExpiration(const Expiration& e, Millis now) {
  const int present = e.days.has_value() + e.hours.has_value() + e.at.has_value();
  if (present != 1) return std::nullopt;
  if (e.at) return *e.at;
  const int64_t count = e.days ? *e.days : *e.hours;
  const Millis unit = e.days ? kMillisPerDay : kMillisPerHour;
  if (count <= 0) return std::nullopt;
  // Saturate instead of overflowing: anything this far out fails the maximum-duration rule anyway.
  if (count > (std::numeric_limits<Millis>::max() - now) / unit) return std::numeric_limits<Millis>::max();
  return now + count * unit;
}

Result<ValidGrant> ValidateGrant(const GrantRequest& req, Millis now, const Limits& limits,
                                 const GrantReferenceLookup& lookup) {
  std::vector<FieldError> errors;
  ValidGrant out;
  if (!req.name) {
    errors.push_back({"name", "is required"});
  } else {
    const size_t n = Utf8Length(*req.name);
    if (n < 1 || static_cast<int>(n) > limits.max_grant_name_length || Blank(*req.name))
      errors.push_back({"name", "must be 1 to " + std::to_string(limits.max_grant_name_length) + " characters"});
    out.name = *req.name;
  }
  if (!req.role) {
    errors.push_back({"role", "is required: STANDARD or PRIVILEGED"});
  } else if (auto role = ParseRole(*req.role)) {
    out.role = *role;
  } else {
    errors.push_back({"role", "must be STANDARD or PRIVILEGED"});
  }
  CheckIdList(req.agent_pool_ids, "agentPoolIds", "agent pools", limits.max_pools_per_grant,
              [&](const std::string& id) -> std::optional<std::string> {
                if (!lookup.pool_exists(id)) return "unknown agent pool";
                return std::nullopt;
              },
              errors);
  CheckIdList(req.user_ids, "userIds", "users", limits.max_users_per_grant,
              [&](const std::string& id) -> std::optional<std::string> {
                auto enabled = lookup.user_enabled(id);
                if (!enabled) return "unknown user";
                if (!*enabled) return "disabled user";
                return std::nullopt;
              },
              errors);
  if (!req.expiration) {
    errors.push_back({"expiration", "is required: one of days, hours or at"});
  } else if (auto at = ResolveExpiration(*req.expiration, now); !at) {
    errors.push_back({"expiration", "must be exactly one of days or hours (a positive integer) or at (a time)"});
  } else if (*at <= now) {
    errors.push_back({"expiration", "expiry must be in the future"});
  } else if (*at - now > limits.max_grant_duration) {
    errors.push_back({"expiration", "expiry must be at most " + std::to_string(limits.max_grant_duration / kMillisPerDay) +
                                        " days (" + std::to_string(limits.max_grant_duration / kMillisPerHour) +
                                        " hours) from now"});
  } else {
    out.expires_at = *at;
  }
  if (req.reason) {
    if (static_cast<int>(Utf8Length(*req.reason)) > limits.max_reason_length)
      errors.push_back({"reason", "must be at most " + std::to_string(limits.max_reason_length) + " characters"});
    out.reason = *req.reason;
  }
  if (!req.decode_errors.empty()) {
    std::vector<FieldError> merged = req.decode_errors;
    for (auto& e : errors) {
      const bool named = std::any_of(merged.begin(), merged.end(), [&](const FieldError& d) { return d.field == e.field; });
      if (!named) merged.push_back(std::move(e));
    }
    errors = std::move(merged);
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  out.agent_pool_ids = *req.agent_pool_ids;
  out.user_ids = *req.user_ids;
  return out;
}

}  // namespace jitgate
