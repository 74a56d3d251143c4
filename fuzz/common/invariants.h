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

// - the status is a real one (100-599) and never a 5xx: client bytes must not make the server
//   fail (503 is allowed only when the store is down, which it never is here);
// - a JSON error body has string `code` and `message` fields (API.md: errors always have them);
// - no API key secret of the fixture is ever sent, and no non-JSON answer (the portal's files)
//   holds `outside_marker`, the content of a file next to, outside, the portal's root — unless
//   the client sent it itself in `client_bytes` (libFuzzer learns values from comparisons, and an
//   error message may echo the request).
inline void CheckResponse(const HttpResponse& res, const std::vector<std::string>& secrets,
                          std::string_view outside_marker, std::string_view client_bytes) {
  if (res.status < 100 || res.status > 599) Finding("status out of range", res);
  if (res.status >= 500) Finding("server error for client bytes", res);
  if (res.status >= 400 && res.content_type.starts_with("application/json")) {
    auto j = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("code") || !j["code"].is_string() || !j.contains("message") ||
        !j["message"].is_string())
      Finding("error body without code/message", res);
  }
  if (!res.content_type.starts_with("application/json") &&
      res.body.find(outside_marker) != std::string::npos &&
      client_bytes.find(outside_marker) == std::string_view::npos)
    Finding("a file outside the portal's root was served", res);
  for (const auto& s : secrets) {
    if (client_bytes.find(s) != std::string_view::npos) continue;
    if (res.body.find(s) != std::string::npos) Finding("a secret was sent", res);
    for (const auto& [k, v] : res.headers)
      if (v.find(s) != std::string::npos) Finding("a secret was sent in a header", res);
  }
}

}  // namespace jitgate::fuzz
