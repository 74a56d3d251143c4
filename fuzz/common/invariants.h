// Invariants every response to client bytes must keep; a violation aborts the run (a finding).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace jitgate::fuzz {

// Prints `what` with the response and aborts, so libFuzzer saves the input as a crash.
[[noreturn]] inline void Finding(const char* what, const HttpResponse& res) {
  std::fprintf(stderr, "FUZZ FINDING: %s (status %d)\n%.2000s\n", what, res.status, res.body.c_str());
  std::abort();
}

// Whether `needle` occurs in `hay`. Deliberately not instrumented and not memcmp-based: libFuzzer
// learns the operands of instrumented comparisons, and would learn the secrets from this check.
__attribute__((no_sanitize("coverage"))) inline bool Contains(std::string_view hay, std::string_view needle) {
  if (needle.empty() || needle.size() > hay.size()) return needle.empty();
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && hay[i + j] == needle[j]) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

// - the status is a real one (100-599) and never a 5xx: client bytes must not make the server
//   fail (503 is allowed only when the store is down, which it never is here);
// - a JSON body is valid UTF-8 JSON; an error's has string `code` and `message` fields (API.md);
// - none of `secrets` (key secrets of the fixture, the content of a file outside the portal's
//   root) is ever sent. Callers pass no secrets once the fuzzer has sent one itself (see
//   FuzzApp::SecretsFor): it may then legitimately come back, e.g. as a stored name.
inline void CheckResponse(const HttpResponse& res, const std::vector<std::string>& secrets) {
  if (res.status < 100 || res.status > 599) Finding("status out of range", res);
  if (res.status >= 500) Finding("server error for client bytes", res);
  if (res.content_type.starts_with("application/json")) {
    auto j = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) Finding("a JSON response that is not valid UTF-8 JSON", res);
    if (res.status >= 400 && (!j.is_object() || !j.contains("code") || !j["code"].is_string() ||
                              !j.contains("message") || !j["message"].is_string()))
      Finding("error body without code/message", res);
  }
  for (const auto& s : secrets) {
    if (Contains(res.body, s)) Finding("a secret was sent", res);
    for (const auto& [k, v] : res.headers)
      if (Contains(v, s)) Finding("a secret was sent in a header", res);
  }
}

}  // namespace jitgate::fuzz
