// Fuzzes the query-string parser and what surrounds it: the request-target split (path/query),
// percent-decoding, ParseQuery, the lookups handlers use (Query, QueryAll, QueryCount) and the
// Cookie header parser. The input is a request-target, e.g. "/api/v1/users?search=a%20b&limit=5".
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "http/internal/wire.h"
#include "http/message.h"

namespace jitgate::fuzz {
namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "FUZZ FINDING: %s: %.500s\n", what, detail.c_str());
  std::abort();
}

// Percent-encodes every byte that is not unreserved (so decoding gives `s` back).
std::string Encode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void CheckQuery(std::string_view raw) {
  auto parsed = ParseQuery(raw);
  if (!parsed.ok()) {
    if (parsed.status().code() != Code::kInvalidArgument) Fail("ParseQuery error is not kInvalidArgument", std::string(raw));
    return;
  }
  HttpRequest req;
  req.query = *parsed;
  std::string again;
  for (const auto& [k, v] : req.query) {
    if (k.find('\0') != std::string::npos || v.find('\0') != std::string::npos) Fail("NUL in a query parameter", k);
    if (!again.empty()) again += '&';
    again += Encode(k) + "=" + Encode(v);
    // Lookups agree with each other.
    auto first = req.Query(k);
    auto all = req.QueryAll(k);
    if (!first || all.empty() || *first != all.front() || req.QueryCount(k) != static_cast<int>(all.size()))
      Fail("Query/QueryAll/QueryCount disagree", k);
  }
  // Re-encoding what was parsed and parsing it again gives the same parameters.
  auto reparsed = ParseQuery(again);
  if (!reparsed.ok() || *reparsed != req.query) Fail("encode/parse round trip differs", std::string(raw));
}

void RunOne(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::string_view path, query;
  if (http_internal::SplitTarget(input, &path, &query)) {
    if (path.empty() && input.front() == '/') Fail("empty path from an origin-form target", input);
    if (path.find('?') != std::string_view::npos) Fail("'?' left in the path", input);
    if (auto decoded = PercentDecode(path, /*plus_as_space=*/false)) {
      if (decoded->find('\0') != std::string::npos) Fail("NUL in a decoded path", input);
    }
    CheckQuery(query);
  }
  CheckQuery(input);
  // The same bytes as a Cookie header.
  HttpRequest req;
  req.headers.emplace_back("Cookie", input);
  if (auto v = req.Cookie("jitgate_session")) {
    if (v->find(';') != std::string_view::npos) Fail("';' inside a cookie value", input);
  }
}

}  // namespace
}  // namespace jitgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jitgate::fuzz::RunOne(data, size);
  return 0;
}
