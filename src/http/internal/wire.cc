#include "http/internal/wire.h"

#include <charconv>
#include <ctime>

#include "http/internal/reason.h"

namespace jitgate::http_internal {
namespace {

// Appends `s` with CR and LF replaced by spaces (response splitting protection).
void AppendSafe(std::string_view s, std::string* out) {
  size_t start = out->size();
  out->append(s);
  for (size_t i = start; i < out->size(); ++i) {
    char& c = (*out)[i];
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
}

void AppendNumber(size_t n, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out->append(buf, end);
}

void AppendHeader(std::string_view name, std::string_view value, std::string* out) {
  AppendSafe(name, out);
  out->append(": ");
  AppendSafe(value, out);
  out->append("\r\n");
}

}  // namespace

bool SendsBody(int status, bool head_request) {
  return !head_request && status >= 200 && status != 204 && status != 304;
}

void SerializeHead(const HttpResponse& res, const Framing& framing, std::string* out) {
  int status = (res.status >= 100 && res.status <= 599) ? res.status : 500;
  out->clear();
  out->append("HTTP/1.1 ");
  AppendNumber(static_cast<size_t>(status), out);
  out->push_back(' ');
  out->append(ReasonPhrase(status));
  out->append("\r\n");
  AppendHeader("Date", HttpDate(), out);
  if (!res.content_type.empty()) AppendHeader("Content-Type", res.content_type, out);
  for (const auto& [name, value] : res.headers) AppendHeader(name, value, out);
  if (status >= 200 && status != 204 && status != 304) {
    out->append("Content-Length: ");
    AppendNumber(res.body.size(), out);
    out->append("\r\n");
  }
  if (!framing.keep_alive) {
    out->append("Connection: close\r\n");
  } else if (framing.request_version == 10) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
}

bool SplitTarget(std::string_view target, std::string_view* path, std::string_view* query) {
  if (target.empty()) return false;
  if (target.front() != '/') {
    // absolute-form: scheme "://" authority path
    size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return false;
    size_t path_start = target.find_first_of("/?", scheme_end + 3);
    if (path_start == std::string_view::npos) {
      *path = "/";
      *query = {};
      return true;
    }
    target = target.substr(path_start);
    if (target.front() == '?') {
      *path = "/";
      *query = target.substr(1);
      return true;
    }
  }
  size_t q = target.find('?');
  *path = target.substr(0, q);
  *query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  // A fragment is never sent by conforming clients; drop one if present.
  if (size_t hash = query->find('#'); hash != std::string_view::npos)
    *query = query->substr(0, hash);
  if (size_t hash = path->find('#'); hash != std::string_view::npos) *path = path->substr(0, hash);
  return true;
}

std::string_view HttpDate() {
  thread_local std::time_t cached_second = 0;
  thread_local char buf[40];
  thread_local size_t len = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm;
    gmtime_r(&now, &tm);
    len = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return std::string_view(buf, len);
}

}  // namespace jitgate::http_internal
