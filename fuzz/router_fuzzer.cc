// Fuzzes the router with arbitrary methods and paths: against the API's real route table (the first
// byte even), or against a table of fuzzed patterns (odd: Add must reject what it cannot route).
// Invariants of every match: a found route's pattern, with its captured values put in, is exactly
// the path; the method is the route's (or HEAD on GET); a 405's Allow never lists the method asked.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/routes.h"
#include "http/router.h"

namespace jitgate::fuzz {
namespace {

[[noreturn]] void Fail(const char* what, std::string_view method, std::string_view path) {
  std::fprintf(stderr, "FUZZ FINDING: %s: %.*s %.*s\n", what, static_cast<int>(method.size()), method.data(),
               static_cast<int>(path.size()), path.data());
  std::abort();
}

HttpResponse Nothing(const HttpRequest&, const PathParams&) { return HttpResponse::Text(200, ""); }

// The API's own table (handlers never run here).
const Router& ApiRouter() {
  static const Router* router = [] {
    auto* r = new Router;
    for (const ApiRoute& route : ApiRoutes()) {
      if (!r->Add(route.method, route.pattern, Nothing).ok()) std::abort();
    }
    return r;
  }();
  return *router;
}

// A method to match (any bytes), or to register (`token`: letters only, as code registers them;
// Allow is a comma-separated list, so a registered "A, B" could never be reported faithfully).
std::string PickMethod(FuzzedDataProvider& in, bool token = false) {
  static const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get"};
  const size_t i = in.ConsumeIntegralInRange<size_t>(0, std::size(kMethods));
  if (i < std::size(kMethods)) return kMethods[i];
  std::string m = in.ConsumeRandomLengthString(12);
  if (token) {
    for (char& c : m) c = static_cast<char>('A' + static_cast<unsigned char>(c) % 26);
  }
  return m;
}

// `pattern` with its "{name}" segments replaced by the captured values, in order.
std::string Fill(const std::string& pattern, const RouteMatch& m) {
  std::string out;
  size_t pos = 0;
  while (pos <= pattern.size()) {
    size_t end = pattern.find('/', pos);
    if (end == std::string::npos) end = pattern.size();
    std::string_view seg(pattern.data() + pos, end - pos);
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      out += m.params.Get(seg.substr(1, seg.size() - 2));
    } else {
      out += seg;
    }
    if (end < pattern.size()) out += '/';
    pos = end + 1;
  }
  return out;
}

void CheckMatch(const Router& router, const std::string& method, const std::string& path) {
  RouteMatch m = router.Match(method, path);
  switch (m.kind) {
    case RouteMatch::Kind::kFound: {
      if (!m.route) Fail("found without a route", method, path);
      if (m.route->pattern == "*") return;  // the fallback
      if (m.route->method != method && !(method == "HEAD" && m.route->method == "GET"))
        Fail("route of another method", method, path);
      if (Fill(m.route->pattern, m) != path) Fail("pattern and captures do not give the path", method, path);
      break;
    }
    case RouteMatch::Kind::kMethodNotAllowed: {
      if (m.allow.empty()) Fail("405 without Allow", method, path);
      std::string_view allow = m.allow;
      while (!allow.empty()) {
        size_t comma = allow.find(", ");
        if (allow.substr(0, comma) == method) Fail("405 for a method it allows", method, path);
        allow = comma == std::string_view::npos ? std::string_view() : allow.substr(comma + 2);
      }
      break;
    }
    case RouteMatch::Kind::kNotFound:
      if (m.route) Fail("not found with a route", method, path);
      break;
  }
}

void RunOne(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    const std::string method = PickMethod(in);
    CheckMatch(ApiRouter(), method, in.ConsumeRemainingBytesAsString());
    return;
  }
  Router router;
  const int patterns = in.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < patterns; ++i) {
    const std::string method = PickMethod(in, /*token=*/true);
    const std::string pattern = in.ConsumeRandomLengthString(64);
    Status added = router.Add(method, pattern, Nothing);
    if (std::getenv("JG_FUZZ_VERBOSE"))
      std::fprintf(stderr, "Add %s %s: %s\n", method.c_str(), pattern.c_str(), added.ok() ? "ok" : added.message().c_str());
  }
  if (in.ConsumeBool()) router.SetFallback(Nothing);
  while (in.remaining_bytes() > 0) {
    const std::string method = PickMethod(in);
    CheckMatch(router, method, in.ConsumeRandomLengthString(128));
  }
}

}  // namespace
}  // namespace jitgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jitgate::fuzz::RunOne(data, size);
  return 0;
}
