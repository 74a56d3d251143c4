#include "api/decision_json.h"

#include "api/json_view.h"
#include "core/rfc3339.h"

namespace jitgate {
namespace {

// Whether `s` can be written between quotes as it is (printable ASCII, no quote or backslash).
bool Plain(std::string_view s) {
  for (const char c : s)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  out += s;
  out += '"';
}

void AppendTimeOrNull(std::string& out, const std::optional<Millis>& t) {
  if (t) {
    AppendString(out, FormatRfc3339(*t));
  } else {
    out += "null";
  }
}

}  // namespace

std::string DecisionJson(const AccessDecision& d) {
  for (const AccessSource& s : d.sources) {
    // Ids are server-made UUIDs; anything needing escapes takes the general (slower) path.
    if (!Plain(s.id))
      return ToJson(d).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out;
  out.reserve(64 + d.sources.size() * 96);
  out += d.allowed ? "{\"allowed\":true,\"role\":" : "{\"allowed\":false,\"role\":";
  if (d.role == Role::kNone) {
    out += "null";
  } else {
    AppendString(out, RoleName(d.role));
  }
  out += ",\"sources\":[";
  for (size_t i = 0; i < d.sources.size(); ++i) {
    const AccessSource& s = d.sources[i];
    if (i > 0) out += ',';
    if (s.type == AccessSource::Type::kGroup) {
      out += "{\"id\":";
      AppendString(out, s.id);
      out += ",\"type\":\"GROUP\"}";
    } else {
      out += "{\"expiresAt\":";
      AppendTimeOrNull(out, s.expires_at);
      out += ",\"id\":";
      AppendString(out, s.id);
      out += ",\"type\":\"JIT\"}";
    }
  }
  out += "],\"validUntil\":";
  AppendTimeOrNull(out, d.valid_until);
  out += '}';
  return out;
}

}  // namespace jitgate
