#include "app/metrics.h"

#include <sstream>

namespace jitgate {

void Metrics::RegisterRoutes(const std::vector<std::pair<std::string, std::string>>& method_patterns) {
  routes_.clear();
  for (const auto& [m, p] : method_patterns) {
    auto r = std::make_unique<RouteStats>();
    r->method = m;
    r->pattern = p;
    routes_.push_back(std::move(r));
  }
  auto other = std::make_unique<RouteStats>();
  other->method = "";
  other->pattern = "other";
  routes_.push_back(std::move(other));
}

Metrics::RouteStats* Metrics::Find(const std::string& method, const std::string& pattern) const {
  if (routes_.empty()) return nullptr;
  for (size_t i = 0; i + 1 < routes_.size(); ++i)
    if (routes_[i]->pattern == pattern && routes_[i]->method == method) return routes_[i].get();
  return routes_.back().get();
}

void Metrics::RecordRequest(const std::string& method, const std::string& pattern, int status,
                            double seconds) {
  RouteStats* r = Find(method, pattern);
  if (!r) return;
  size_t si = kStatuses.size() - 1;  // "other" status slot holds 0
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i)
    if (kStatuses[i] == status) si = i;
  r->by_status[si].fetch_add(1, std::memory_order_relaxed);
  size_t bi = kBuckets.size();
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      bi = i;
      break;
    }
  r->buckets[bi].fetch_add(1, std::memory_order_relaxed);
  r->sum_micros.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
  r->count.fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::Render(int64_t active_grants) const {
  std::ostringstream o;
  o << "# HELP jitgate_http_requests_total HTTP requests answered, by route and status.\n"
    << "# TYPE jitgate_http_requests_total counter\n";
  for (const auto& r : routes_)
    for (size_t i = 0; i < kStatuses.size(); ++i) {
      const uint64_t n = r->by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      o << "jitgate_http_requests_total{method=\"" << r->method << "\",route=\"" << r->pattern
        << "\",status=\"" << (kStatuses[i] ? std::to_string(kStatuses[i]) : "other") << "\"} " << n
        << "\n";
    }
  o << "# HELP jitgate_http_request_duration_seconds HTTP request latency, by route.\n"
    << "# TYPE jitgate_http_request_duration_seconds histogram\n";
  for (const auto& r : routes_) {
    const uint64_t count = r->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    const std::string labels = "method=\"" + r->method + "\",route=\"" + r->pattern + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += r->buckets[i].load(std::memory_order_relaxed);
      o << "jitgate_http_request_duration_seconds_bucket{" << labels << ",le=\"" << kBuckets[i]
        << "\"} " << cumulative << "\n";
    }
    cumulative += r->buckets[kBuckets.size()].load(std::memory_order_relaxed);
    o << "jitgate_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << cumulative
      << "\n";
    o << "jitgate_http_request_duration_seconds_sum{" << labels << "} "
      << static_cast<double>(r->sum_micros.load(std::memory_order_relaxed)) / 1e6 << "\n";
    o << "jitgate_http_request_duration_seconds_count{" << labels << "} " << count << "\n";
  }
  o << "# HELP jitgate_active_grants JIT grants active now.\n# TYPE jitgate_active_grants gauge\n"
    << "jitgate_active_grants " << active_grants << "\n";
  o << "# HELP jitgate_access_checks_total Access checks answered, by result.\n"
    << "# TYPE jitgate_access_checks_total counter\n"
    << "jitgate_access_checks_total{result=\"allowed\"} " << checks_allowed_.load() << "\n"
    << "jitgate_access_checks_total{result=\"denied\"} " << checks_denied_.load() << "\n";
  o << "# HELP jitgate_expirations_total Grant expiries recorded by the expirer.\n"
    << "# TYPE jitgate_expirations_total counter\n"
    << "jitgate_expirations_total " << expirations_.load() << "\n";
  return o.str();
}

}  // namespace jitgate
