#include "core/grant_rules.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>

namespace jitgate {
namespace {

// The code point starting at s[*i] (advancing *i); U+FFFD for a malformed sequence.
char32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto lead = static_cast<unsigned char>(s[(*i)++]);
  int extra = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  char32_t c = extra == 0 ? lead : lead & (0x3F >> extra);
  for (; extra > 0; --extra) {
    if (*i >= s.size() || (static_cast<unsigned char>(s[*i]) & 0xC0) != 0x80) return 0xFFFD;
    c = (c << 6) | (static_cast<unsigned char>(s[(*i)++]) & 0x3F);
  }
  return c;
}

// Unicode White_Space: what a person sees as blank.
bool IsWhiteSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool IsBlank(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (!IsWhiteSpace(NextCodePoint(s, &i))) return false;
  }
  return true;
}

// An id as shown in a message: ids come from the request, so long ones are cut short.
std::string ShowId(const std::string& id) {
  constexpr size_t kMaxShown = 64;
  if (id.empty()) return "\"\"";
  if (id.size() <= kMaxShown) return id;
  size_t cut = kMaxShown;
  while (cut > 0 && (static_cast<unsigned char>(id[cut]) & 0xC0) == 0x80) --cut;  // whole chars
  return id.substr(0, cut) + "...";
}

// The ids, comma-separated; a very long list is cut after a few (it only has to be readable).
std::string JoinIds(const std::vector<std::string>& ids) {
  constexpr size_t kMaxListed = 10;
  std::string out;
  for (size_t i = 0; i < ids.size() && i < kMaxListed; ++i) {
    if (i > 0) out += ", ";
    out += ShowId(ids[i]);
  }
  if (ids.size() > kMaxListed) out += " and " + std::to_string(ids.size() - kMaxListed) + " more";
  return out;
}

// "1 agent pool", "20 agent pools".
std::string Count(int64_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

// A duration as people say it: "31 days (744 hours)", "8 hours", "90000 ms".
std::string DurationText(Millis d) {
  if (d > 0 && d % kMillisPerDay == 0)
    return Count(d / kMillisPerDay, "day", "days") + " (" +
           Count(d / kMillisPerHour, "hour", "hours") + ")";
  if (d > 0 && d % kMillisPerHour == 0) return Count(d / kMillisPerHour, "hour", "hours");
  return std::to_string(d) + " ms";
}

// How one list of referenced ids is checked.
struct IdListRule {
  const char* field;     // "agentPoolIds"
  const char* singular;  // "agent pool"
  const char* plural;    // "agent pools"
  int max;
  // Why `id` may not be named (e.g. "unknown"), or nullopt if it may.
  std::function<std::optional<std::string>(const std::string& id)> problem;
};

// Adds one error per violated rule: presence, count, distinctness, and one per kind of problem with
// the ids (naming them). Ids of an overlong list are not looked up, bounding the work a request
// costs.
void CheckIdList(const std::optional<std::vector<std::string>>& ids, const IdListRule& rule,
                 std::vector<FieldError>& errors) {
  if (!ids) {
    errors.push_back({rule.field, "is required"});
    return;
  }
  if (ids->empty())
    errors.push_back({rule.field, std::string("must name at least 1 ") + rule.singular});
  const bool too_many = static_cast<int64_t>(ids->size()) > rule.max;
  if (too_many) {
    errors.push_back({rule.field, "at most " + Count(rule.max, rule.singular, rule.plural) +
                                      " (got " + std::to_string(ids->size()) + ")"});
  }
  std::set<std::string> seen, repeated_seen;
  std::vector<std::string> distinct, repeated;  // in request order
  for (const auto& id : *ids) {
    if (seen.insert(id).second) {
      distinct.push_back(id);
    } else if (repeated_seen.insert(id).second) {
      repeated.push_back(id);
    }
  }
  if (!repeated.empty())
    errors.push_back({rule.field, std::string("must not name the same ") + rule.singular +
                                      " twice: " + JoinIds(repeated)});
  if (too_many) return;
  std::vector<std::pair<std::string, std::vector<std::string>>> by_problem;  // first-seen order
  for (const auto& id : distinct) {
    auto p = rule.problem(id);
    if (!p) continue;
    auto it = std::find_if(by_problem.begin(), by_problem.end(),
                           [&](const auto& e) { return e.first == *p; });
    if (it == by_problem.end()) it = by_problem.insert(by_problem.end(), {*p, {}});
    it->second.push_back(id);
  }
  for (const auto& [problem, list] : by_problem) {
    errors.push_back({rule.field, problem + " " + (list.size() == 1 ? rule.singular : rule.plural) +
                                      ": " + JoinIds(list)});
  }
}

void CheckName(const GrantRequest& req, const Limits& limits, std::vector<FieldError>& errors) {
  if (!req.name) {
    errors.push_back({"name", "is required"});
    return;
  }
  const size_t n = Utf8Length(*req.name);
  if (n == 0) {
    errors.push_back({"name", "must not be empty"});
  } else if (IsBlank(*req.name)) {
    errors.push_back({"name", "must not be only whitespace"});
  }
  if (n > static_cast<size_t>(std::max(limits.max_grant_name_length, 0))) {
    errors.push_back({"name", "must be at most " + std::to_string(limits.max_grant_name_length) +
                                  " characters (got " + std::to_string(n) + ")"});
  }
}

void CheckRole(const GrantRequest& req, std::vector<FieldError>& errors) {
  if (!req.role) {
    errors.push_back({"role", "is required: STANDARD or PRIVILEGED"});
  } else if (!ParseRole(*req.role)) {
    errors.push_back({"role", "must be STANDARD or PRIVILEGED"});
  }
}

// Checks the expiration and returns the expiry instant if every rule holds.
std::optional<Millis> CheckExpiration(const GrantRequest& req, Millis now, const Limits& limits,
                                      std::vector<FieldError>& errors) {
  if (!req.expiration) {
    errors.push_back({"expiration", "is required: one of days, hours or at"});
    return std::nullopt;
  }
  const Expiration& e = *req.expiration;
  if (e.days.has_value() + e.hours.has_value() + e.at.has_value() != 1) {
    errors.push_back({"expiration", "must have exactly one of days, hours or at"});
    return std::nullopt;
  }
  if ((e.days && *e.days <= 0) || (e.hours && *e.hours <= 0)) {
    errors.push_back(
        {"expiration", std::string(e.days ? "days" : "hours") + " must be a positive integer"});
    return std::nullopt;
  }
  const std::optional<Millis> at = ResolveExpiration(e, now);
  if (!at) {  // not reachable after the checks above; kept so a future rule cannot slip through
    errors.push_back({"expiration", "is not a valid expiration"});
    return std::nullopt;
  }
  if (*at <= now) {
    errors.push_back({"expiration", "expiry must be in the future"});
    return std::nullopt;
  }
  // Written as a subtraction: *at > now here, so it cannot overflow (an addition could).
  if (*at - now > limits.max_grant_duration) {
    errors.push_back({"expiration", "expiry must be at most " +
                                        DurationText(limits.max_grant_duration) + " from now"});
    return std::nullopt;
  }
  return at;
}

void CheckReason(const GrantRequest& req, const Limits& limits, std::vector<FieldError>& errors) {
  if (!req.reason) return;
  const size_t n = Utf8Length(*req.reason);
  if (n > static_cast<size_t>(std::max(limits.max_reason_length, 0))) {
    errors.push_back({"reason", "must be at most " + std::to_string(limits.max_reason_length) +
                                    " characters (got " + std::to_string(n) + ")"});
  }
}

// Decoding problems first; a rule violation is dropped when decoding already reported its field
// (a field of the wrong type is decoded as absent and would otherwise also be "required").
std::vector<FieldError> Merge(const std::vector<FieldError>& decode_errors,
                              std::vector<FieldError> rule_errors) {
  std::vector<FieldError> out = decode_errors;
  for (auto& e : rule_errors) {
    const bool named = std::any_of(decode_errors.begin(), decode_errors.end(),
                                   [&](const FieldError& d) { return d.field == e.field; });
    if (!named) out.push_back(std::move(e));
  }
  return out;
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
  // Saturate instead of overflowing (days = 10^18): anything this far out fails the maximum anyway.
  Millis span, at;
  if (__builtin_mul_overflow(count, unit, &span) || __builtin_add_overflow(now, span, &at))
    return std::numeric_limits<Millis>::max();
  return at;
}

Result<ValidGrant> ValidateGrant(const GrantRequest& req, Millis now, const Limits& limits,
                                 const GrantReferenceLookup& lookup) {
  std::vector<FieldError> errors;
  CheckName(req, limits, errors);
  CheckRole(req, errors);
  CheckIdList(req.agent_pool_ids,
              {"agentPoolIds", "agent pool", "agent pools", limits.max_pools_per_grant,
               [&](const std::string& id) -> std::optional<std::string> {
                 if (lookup.pool_exists(id)) return std::nullopt;
                 return "unknown";
               }},
              errors);
  CheckIdList(req.user_ids,
              {"userIds", "user", "users", limits.max_users_per_grant,
               [&](const std::string& id) -> std::optional<std::string> {
                 const std::optional<bool> enabled = lookup.user_enabled(id);
                 if (!enabled) return "unknown";
                 if (!*enabled) return "disabled";
                 return std::nullopt;
               }},
              errors);
  const std::optional<Millis> expires_at = CheckExpiration(req, now, limits, errors);
  CheckReason(req, limits, errors);
  if (!errors.empty() || !req.decode_errors.empty())
    return Status::Invalid(Merge(req.decode_errors, std::move(errors)));
  ValidGrant out;
  out.name = *req.name;
  out.role = *ParseRole(*req.role);
  out.agent_pool_ids = *req.agent_pool_ids;
  out.user_ids = *req.user_ids;
  out.reason = req.reason.value_or("");
  out.expires_at = *expires_at;
  return out;
}

}  // namespace jitgate
