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

// Appends `n` as exactly `width` digits.
void AppendDigits(char*& p, int64_t n, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  p += width;
}

// FormatRfc3339(t) between quotes, without snprintf (it was the largest cost left in the
// handler). Only for years 1970-9999; other instants take FormatRfc3339 itself.
void AppendTime(std::string& out, Millis t) {
  constexpr Millis kMillisPerDay = 86'400'000;
  constexpr Millis kYear10000 = 253'402'300'800'000;
  if (t < 0 || t >= kYear10000) {
    AppendString(out, FormatRfc3339(t));
    return;
  }
  // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
  const int64_t z = t / kMillisPerDay + 719468;
  const int64_t era = z / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const Millis rem = t % kMillisPerDay;
  const int64_t secs = rem / 1000;
  char buf[26];  // "YYYY-MM-DDTHH:MM:SS.mmmZ" between quotes
  char* p = buf;
  *p++ = '"';
  AppendDigits(p, year, 4);
  *p++ = '-';
  AppendDigits(p, month, 2);
  *p++ = '-';
  AppendDigits(p, day, 2);
  *p++ = 'T';
  AppendDigits(p, secs / 3600, 2);
  *p++ = ':';
  AppendDigits(p, secs / 60 % 60, 2);
  *p++ = ':';
  AppendDigits(p, secs % 60, 2);
  *p++ = '.';
  AppendDigits(p, rem % 1000, 3);
  *p++ = 'Z';
  *p++ = '"';
  out.append(buf, static_cast<size_t>(p - buf));
}

void AppendTimeOrNull(std::string& out, const std::optional<Millis>& t) {
  if (t) {
    AppendTime(out, *t);
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
