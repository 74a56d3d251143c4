// Metrics: process-wide counters and histograms, rendered in the Prometheus text format.
// Recording is lock-free for pre-registered routes (the hot path); thread-safe throughout.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace jitgate {

class Metrics {
 public:
  // Registers the routes whose requests are counted (method + pattern). Call once before serving.
  void RegisterRoutes(const std::vector<std::pair<std::string, std::string>>& method_patterns);

  // Counts one request answered with `status` after `seconds`, for the route registered as
  // (method, pattern); unknown routes are counted under the route "other".
  void RecordRequest(const std::string& method, const std::string& pattern, int status, double seconds);

  void RecordCheck(bool allowed) { (allowed ? checks_allowed_ : checks_denied_).fetch_add(1, std::memory_order_relaxed); }
  void RecordChecks(uint64_t allowed, uint64_t denied) {
    checks_allowed_.fetch_add(allowed, std::memory_order_relaxed);
    checks_denied_.fetch_add(denied, std::memory_order_relaxed);
  }
  void RecordExpirations(uint64_t n) { expirations_.fetch_add(n, std::memory_order_relaxed); }

  // The Prometheus exposition; `active_grants` is sampled by the caller.
  std::string Render(int64_t active_grants) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                       0.01,   0.025,   0.05,   0.1,   0.5,    1.0};
  static constexpr std::array<int, 19> kStatuses = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413,
                                                    415, 429, 431, 500, 503, 304, 301, 408, 0};
  struct RouteStats {
    std::string method, pattern;
    std::array<std::atomic<uint64_t>, kStatuses.size()> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> sum_micros{0};
    std::atomic<uint64_t> count{0};
  };
  RouteStats* Find(const std::string& method, const std::string& pattern) const;

  std::vector<std::unique_ptr<RouteStats>> routes_;  // fixed after RegisterRoutes; last is "other"
  std::atomic<uint64_t> checks_allowed_{0}, checks_denied_{0}, expirations_{0};
};

}  // namespace jitgate
