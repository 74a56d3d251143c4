#include "http/static_files.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace jitgate {
namespace {

constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

constexpr std::string_view kNotBuiltPage =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>jitgate</title></head>\n"
    "<body><h1>jitgate</h1><p>The portal is not built. Build it with <code>npm run build</code> "
    "in <code>web/</code>; the REST API is available under <code>/api/v1</code>.</p></body>"
    "</html>\n";

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

void AddSecurityHeaders(HttpResponse* res) {
  res->AddHeader("Content-Security-Policy", std::string(kCsp));
  res->AddHeader("X-Content-Type-Options", "nosniff");
  res->AddHeader("Referrer-Policy", "no-referrer");
  res->AddHeader("X-Frame-Options", "DENY");
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Whether `path` names something under a reserved prefix ("/api/" also covers "/api").
bool IsReserved(std::string_view path, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (StartsWith(path, p)) return true;
    if (EndsWith(p, "/") && path == std::string_view(p).substr(0, p.size() - 1)) return true;
  }
  return false;
}

// False for anything that could step outside the root or confuse the file system: NUL, a
// backslash, a "." or ".." segment, or a path that is not absolute.
bool IsSafePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return false;
  }
  std::string_view rest = path.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg == "." || seg == "..") return false;
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return true;
}

std::optional<std::string> RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

}  // namespace

StaticFiles::StaticFiles(Options options) : options_(std::move(options)) {
  struct stat st;
  if (auto real = RealPath(options_.root);
      real && ::stat(real->c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    canonical_root_ = *real;
  }
}

std::string_view StaticFiles::ContentTypeFor(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".map", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".jpg", "image/jpeg"},
      {".webp", "image/webp"},
  };
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || name.find('/', dot) != std::string_view::npos) {
    return "application/octet-stream";
  }
  std::string_view ext = name.substr(dot);
  for (const auto& [e, type] : kTypes) {
    if (EqualsIgnoreCase(e, ext)) return type;
  }
  return "application/octet-stream";
}

// The file for `path` inside the root, "" when there is none (missing, a directory, or outside).
static std::string ResolveFile(const std::string& root, std::string_view path) {
  auto real = RealPath(root + std::string(path));
  if (!real || !StartsWith(*real, root + "/")) return "";
  struct stat st;
  if (::stat(real->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  return *real;
}

HttpResponse StaticFiles::Serve(const HttpRequest& request) const {
  HttpResponse res;
  const std::string& path = request.path;
  if (IsReserved(path, options_.reserved_prefixes)) {
    res = HttpResponse::Error(404, "NOT_FOUND", "no such resource");
  } else if (request.method != "GET" && request.method != "HEAD") {
    res =
        HttpResponse::Error(405, "METHOD_NOT_ALLOWED", "method " + request.method + " not allowed");
    res.AddHeader("Allow", "GET, HEAD");
  } else if (canonical_root_.empty()) {
    res.content_type = "text/html; charset=utf-8";
    res.body = std::string(kNotBuiltPage);
    res.AddHeader("Cache-Control", "no-cache");
  } else if (!IsSafePath(path)) {
    res = HttpResponse::Error(404, "NOT_FOUND", "no such resource");
  } else {
    std::string file = path == "/" ? "" : ResolveFile(canonical_root_, path);
    bool asset = StartsWith(path, "/assets/");
    if (file.empty() && asset) {
      res = HttpResponse::Error(404, "NOT_FOUND", "no such resource");
    } else {
      if (file.empty()) file = ResolveFile(canonical_root_, "/index.html");
      std::optional<std::string> body;
      if (!file.empty()) body = ReadFile(file);
      if (!body) {
        res = HttpResponse::Error(404, "NOT_FOUND", "no such resource");
      } else {
        res.content_type = std::string(ContentTypeFor(file));
        res.body = std::move(*body);
        res.AddHeader("Cache-Control", asset ? std::string(kImmutable) : "no-cache");
      }
    }
  }
  AddSecurityHeaders(&res);
  return res;
}

RouteHandler StaticFiles::AsHandler() const {
  return [this](const HttpRequest& request, const PathParams&) { return Serve(request); };
}

}  // namespace jitgate
