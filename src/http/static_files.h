// StaticFiles: serves the portal's build directory (web/dist), with client-side-route fallback.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/router.h"

namespace jitgate {

class StaticFiles {
 public:
  struct Options {
    std::string root;  // the directory to serve, e.g. "web/dist"
    // Path prefixes that are never the portal's: an unknown path under them is 404 NOT_FOUND
    // (JSON), not index.html.
    std::vector<std::string> reserved_prefixes = {"/api/", "/metrics"};
  };

  explicit StaticFiles(Options options);

  // Answers `request` (its percent-decoded path) from the directory. Thread-safe; reads the disk,
  // so register it as a blocking route/fallback.
  // - GET/HEAD only, else 405 METHOD_NOT_ALLOWED with Allow: GET, HEAD;
  // - an existing regular file inside root: 200 with its content type; files under /assets/
  //   (hashed names) are cacheable forever, index.html is "no-cache";
  // - a path under a reserved prefix: 404 NOT_FOUND (JSON);
  // - a missing file under /assets/: 404 (serving index.html there would poison caches);
  // - any other path: index.html (client-side routes);
  // - a path that could escape root (a ".." or "." segment, backslash, NUL, or a symlink leading
  //   outside): 404, never a file outside root;
  // - when root does not exist: a small HTML page saying the portal is not built.
  // Every portal answer carries the security headers (CSP, nosniff, no-referrer, frame DENY).
  HttpResponse Serve(const HttpRequest& request) const;

  // Serve() as a RouteHandler, for Router::SetFallback(handler, {.blocking = true}).
  // `this` must outlive the router.
  RouteHandler AsHandler() const;

  // The content type for a file name by its extension; application/octet-stream when unknown.
  static std::string_view ContentTypeFor(std::string_view file_name);

 private:
  Options options_;
  std::string canonical_root_;  // realpath of root; empty when it does not exist
};

}  // namespace jitgate
