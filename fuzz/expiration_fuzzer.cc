// Fuzzes the expiration parser: RFC 3339 parsing and formatting, and days/hours/at -> expiry with
// the grant rules (strictly in the future, at most the maximum duration). The first byte picks the
// mode; invariants are checked on every outcome.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>

#include "api/json_body.h"
#include "core/grant_rules.h"
#include "core/rfc3339.h"

namespace jitgate::fuzz {
namespace {

constexpr Millis kYear10000 = 253402300800000;  // 10000-01-01T00:00:00Z: first instant out of range

[[noreturn]] void Fail(const char* what, long long a, long long b = 0) {
  std::fprintf(stderr, "FUZZ FINDING: %s (%lld, %lld)\n", what, a, b);
  std::abort();
}

// A parsed instant is in range and survives formatting and parsing again.
void CheckParsed(std::optional<Millis> t) {
  if (!t) return;
  if (*t < 0 || *t >= kYear10000) Fail("parsed instant out of 1970..9999", *t);
  const std::string text = FormatRfc3339(*t);
  auto again = ParseRfc3339(text);
  if (!again || *again != *t) Fail("format/parse round trip differs", *t, again.value_or(-1));
}

// The grant rules agree with ResolveExpiration: accepted iff strictly after now and at most the
// maximum duration ahead; a rejection names only the expiration field.
void CheckRules(const Expiration& e, Millis now) {
  GrantRequest req;
  req.name = "fuzz";
  req.role = "STANDARD";
  req.agent_pool_ids = std::vector<std::string>{"p"};
  req.user_ids = std::vector<std::string>{"u"};
  req.expiration = e;
  Limits limits;
  GrantReferenceLookup lookup{[](const std::string&) { return true; },
                              [](const std::string&) -> std::optional<bool> { return true; }};
  auto valid = ValidateGrant(req, now, limits, lookup);
  auto at = ResolveExpiration(e, now);
  const bool positive = (!e.days || *e.days > 0) && (!e.hours || *e.hours > 0);
  if (positive != at.has_value()) Fail("ResolveExpiration accepts a non-positive count", now);
  if (valid.ok()) {
    if (!at || valid->expires_at != *at) Fail("expiry differs from ResolveExpiration", now);
    if (valid->expires_at <= now) Fail("accepted an expiry not in the future", valid->expires_at, now);
    if (valid->expires_at - now > limits.max_grant_duration) Fail("accepted an expiry too far", valid->expires_at, now);
    return;
  }
  for (const auto& d : valid.status().details())
    if (d.field != "expiration") Fail("a valid field was reported", now);
  if (at && *at > now && *at - now <= limits.max_grant_duration) Fail("rejected a valid expiry", *at, now);
}

void RunOne(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const int mode = in.ConsumeIntegralInRange<int>(0, 4);
  // "now" anywhere a server could run (1970..9999), like the clock could say.
  const Millis now = in.ConsumeIntegralInRange<Millis>(0, kYear10000 - 1);
  switch (mode) {
    case 0: {  // {"at": TEXT}
      std::string text = in.ConsumeRemainingBytesAsString();
      auto t = ParseRfc3339(text);
      CheckParsed(t);
      if (t) CheckRules(Expiration{.at = *t}, now);
      break;
    }
    case 1:  // {"days": N}
      CheckRules(Expiration{.days = in.ConsumeIntegral<int64_t>()}, now);
      break;
    case 2:  // {"hours": N}
      CheckRules(Expiration{.hours = in.ConsumeIntegral<int64_t>()}, now);
      break;
    case 3: {  // any instant formats to something that parses back (when in range)
      const Millis t = in.ConsumeIntegral<Millis>();
      const std::string text = FormatRfc3339(t);
      if (t >= 0 && t < kYear10000 && ParseRfc3339(text) != t) Fail("format/parse differs", t);
      break;
    }
    case 4: {  // the API's decoding of a time value: a JSON document whose value is the time
      std::string text = in.ConsumeRemainingBytesAsString();
      auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) return;
      std::vector<FieldError> errors;
      auto t = ParseTimeField(j, "expiration", errors);
      if (t.has_value() == !errors.empty()) Fail("ParseTimeField: value and error disagree", t.value_or(-1));
      CheckParsed(t);
      break;
    }
  }
}

}  // namespace
}  // namespace jitgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jitgate::fuzz::RunOne(data, size);
  return 0;
}
