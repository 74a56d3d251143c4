// Router: the route table from (method, path pattern) to a handler.
// Patterns are literal segments and "{name}" segments matching one non-empty path segment, e.g.
// "/api/v1/jit-access/{id}". Literal segments win over parameters at the same position.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "http/message.h"

namespace jitgate {

// The values of a matched route's "{name}" segments. Views point into the route pattern and the
// request's path: valid while both live (i.e. during the handler call).
class PathParams {
 public:
  static constexpr size_t kMax = 8;  // at most this many parameters in one pattern

  // The value of parameter `name`, empty when the pattern has no such parameter.
  std::string_view Get(std::string_view name) const;
  size_t size() const { return size_; }
  // Adds a parameter; false when kMax are already held.
  bool Add(std::string_view name, std::string_view value);

 private:
  std::array<std::pair<std::string_view, std::string_view>, kMax> items_{};
  size_t size_ = 0;
};

// Handles one matched request. Must be thread-safe: it runs on many threads at once. It should not
// throw; if it does, the server answers 500 INTERNAL.
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

struct RouteOptions {
  // The handler may block (disk or database I/O, password hashing): the server runs it on the
  // blocking thread pool so the I/O threads keep serving other requests (e.g. access checks).
  bool blocking = false;
};

// One registered route. `pattern` doubles as the route's name for metrics and logs.
struct Route {
  std::string method;
  std::string pattern;
  RouteHandler handler;
  RouteOptions options;
};

// What a route listing reports (e.g. to check the OpenAPI document against the code).
struct RouteInfo {
  std::string method;
  std::string pattern;
  bool blocking = false;
};

// The outcome of Router::Match.
struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;  // kFound: the route (or the fallback); owned by the Router
  PathParams params;             // kFound: the pattern's parameters
  std::string allow;             // kMethodNotAllowed: e.g. "GET, HEAD, POST" for the Allow header
};

// Build the table once (single-threaded), then Match from any number of threads (const methods are
// thread-safe; Add/SetFallback must not run concurrently with anything).
class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers `handler` for `method` (upper-case) on `pattern` (starting with "/").
  // kInvalidArgument when the pattern is malformed (e.g. "{", empty name, a name used twice, more
  // than PathParams::kMax parameters) or the same method is already registered on an equivalent
  // pattern (same shape, whatever the parameter names).
  Status Add(std::string_view method, std::string_view pattern, RouteHandler handler,
             RouteOptions options = {});

  // The handler for paths that match no pattern at all (e.g. static files and the portal's
  // client-side routes). It receives every method; without one such paths are kNotFound.
  // Its route name is "*".
  void SetFallback(RouteHandler handler, RouteOptions options = {});

  // Finds the route for `method` and the percent-decoded `path`:
  // - kFound with the route and its parameters; HEAD matches a GET route when no HEAD route exists;
  // - kMethodNotAllowed when some pattern matches the path but not with this method, with `allow`
  //   listing the methods that do (HEAD included wherever GET is), sorted;
  // - otherwise kFound with the fallback when set, else kNotFound.
  RouteMatch Match(std::string_view method, std::string_view path) const;

  // Every registered route (not the fallback), in registration order.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::unique_ptr<Route> fallback_;
};

}  // namespace jitgate
