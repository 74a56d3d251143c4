#include "http/router.h"

#include <algorithm>
#include <set>
#include <utility>

namespace jitgate {

// A trie over path segments: literal children first, then at most one "{param}" child.
struct Router::Node {
  struct Entry {
    const Route* route;
    std::vector<std::string> param_names;  // in pattern order
  };
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> param;
  std::vector<Entry> entries;  // routes ending here, one per method

  Node* Literal(std::string_view segment) const {
    for (const auto& [name, child] : literals) {
      if (name == segment) return child.get();
    }
    return nullptr;
  }
  const Entry* ForMethod(std::string_view method) const {
    for (const auto& e : entries) {
      if (e.route->method == method) return &e;
    }
    return nullptr;
  }
};

namespace {

// Splits off the first segment of `rest` (which has no leading "/").
std::string_view NextSegment(std::string_view* rest) {
  size_t slash = rest->find('/');
  std::string_view seg = rest->substr(0, slash);
  *rest = slash == std::string_view::npos ? std::string_view() : rest->substr(slash + 1);
  return seg;
}

bool IsParamSegment(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

// The state of one Match: captured parameter values and what was found so far.
struct MatchState {
  std::string_view method;
  std::array<std::string_view, PathParams::kMax> captures{};
  size_t depth = 0;
  const void* found = nullptr;  // the Entry chosen
  std::array<std::string_view, PathParams::kMax> found_captures{};
  std::set<std::string_view> allowed;  // methods on matching paths (only filled when needed)
  bool any_path = false;
};

}  // namespace

std::string_view PathParams::Get(std::string_view name) const {
  for (size_t i = 0; i < size_; ++i) {
    if (items_[i].first == name) return items_[i].second;
  }
  return {};
}

bool PathParams::Add(std::string_view name, std::string_view value) {
  if (size_ == kMax) return false;
  items_[size_++] = {name, value};
  return true;
}

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

Status Router::Add(std::string_view method, std::string_view pattern, RouteHandler handler,
                   RouteOptions options) {
  if (method.empty() || pattern.empty() || pattern.front() != '/') {
    return Status::Invalid("pattern", "must start with '/': " + std::string(pattern));
  }
  Node* node = root_.get();
  std::vector<std::string> names;
  std::string_view rest = pattern.substr(1);
  // Segments are split exactly as Match splits paths: a trailing "/" is an empty last segment
  // (so "/a/" is not "/a"), else a path could reach a route its pattern does not spell.
  for (bool last = rest.empty(); !last;) {
    last = rest.find('/') == std::string_view::npos;
    std::string_view seg = NextSegment(&rest);
    if (IsParamSegment(seg)) {
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (name.empty() || name.find_first_of("{}/") != std::string_view::npos) {
        return Status::Invalid("pattern", "bad parameter in " + std::string(pattern));
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) {  // Get() sees only one
        return Status::Invalid("pattern", "parameter named twice in " + std::string(pattern));
      }
      names.emplace_back(name);
      if (names.size() > PathParams::kMax) {
        return Status::Invalid("pattern", "too many parameters in " + std::string(pattern));
      }
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        return Status::Invalid("pattern", "bad segment in " + std::string(pattern));
      }
      Node* child = node->Literal(seg);
      if (!child) {
        node->literals.emplace_back(std::string(seg), std::make_unique<Node>());
        child = node->literals.back().second.get();
      }
      node = child;
    }
  }
  if (node->ForMethod(method)) {
    return Status::Invalid(
        "pattern", std::string(method) + " " + std::string(pattern) + " is already registered");
  }
  auto route = std::make_unique<Route>(
      Route{std::string(method), std::string(pattern), std::move(handler), options});
  node->entries.push_back(Node::Entry{route.get(), std::move(names)});
  routes_.push_back(std::move(route));
  return Status::Ok();
}

void Router::SetFallback(RouteHandler handler, RouteOptions options) {
  fallback_ = std::make_unique<Route>(Route{"*", "*", std::move(handler), options});
}

namespace {

// Depth-first search, literal children before the parameter child, so the first entry found for
// the method is the most specific. Returns true once an entry was chosen.
template <typename NodeT>
bool Search(const NodeT* node, std::string_view rest, bool at_end, MatchState* st) {
  if (at_end) {
    if (node->entries.empty()) return false;
    st->any_path = true;
    const auto* e = node->ForMethod(st->method);
    if (!e && st->method == "HEAD") e = node->ForMethod("GET");
    if (e) {
      st->found = e;
      st->found_captures = st->captures;
      return true;
    }
    for (const auto& entry : node->entries) st->allowed.insert(entry.route->method);
    return false;
  }
  std::string_view remaining = rest;
  std::string_view seg = NextSegment(&remaining);
  bool next_end = remaining.empty() && rest.find('/') == std::string_view::npos;
  if (const NodeT* lit = node->Literal(seg)) {
    if (Search(lit, remaining, next_end, st)) return true;
  }
  if (node->param && !seg.empty() && st->depth < PathParams::kMax) {
    st->captures[st->depth++] = seg;
    bool ok = Search(node->param.get(), remaining, next_end, st);
    --st->depth;
    if (ok) return true;
  }
  return false;
}

std::string JoinAllow(const std::set<std::string_view>& methods) {
  std::set<std::string_view> all = methods;
  if (all.count("GET")) all.insert("HEAD");
  std::string out;
  for (std::string_view m : all) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

}  // namespace

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch m;
  if (path.empty() || path.front() != '/') return m;
  MatchState st;
  st.method = method;
  std::string_view rest = path.substr(1);
  if (Search(root_.get(), rest, rest.empty(), &st)) {
    const auto* e = static_cast<const Node::Entry*>(st.found);
    m.kind = RouteMatch::Kind::kFound;
    m.route = e->route;
    for (size_t i = 0; i < e->param_names.size(); ++i) {
      m.params.Add(e->param_names[i], st.found_captures[i]);
    }
    return m;
  }
  if (st.any_path) {
    m.kind = RouteMatch::Kind::kMethodNotAllowed;
    m.allow = JoinAllow(st.allowed);
    return m;
  }
  if (fallback_) {
    m.kind = RouteMatch::Kind::kFound;
    m.route = fallback_.get();
  }
  return m;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_)
    out.push_back(RouteInfo{r->method, r->pattern, r->options.blocking});
  return out;
}

}  // namespace jitgate
