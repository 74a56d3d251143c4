#include "app/login_rate_limiter.h"

namespace jitgate {

int LoginRateLimiter::WaitFor(const std::string& key, int max, Millis now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  auto& q = it->second;
  while (!q.empty() && q.front() <= now - window_) q.pop_front();
  if (q.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (static_cast<int>(q.size()) < max) return 0;
  // Wait until enough failures leave the window to allow one more try.
  const Millis free_at = q[q.size() - max] + window_;
  return static_cast<int>((free_at - now + 999) / 1000);
}

int LoginRateLimiter::RetryAfterSeconds(const std::string& email, const std::string& address, Millis now) {
  std::lock_guard lock(mu_);
  const int by_email = WaitFor("e:" + email, max_per_email_, now);
  const int by_address = WaitFor("a:" + address, max_per_address_, now);
  return std::max(by_email, by_address);
}

void LoginRateLimiter::RecordFailure(const std::string& email, const std::string& address, Millis now) {
  std::lock_guard lock(mu_);
  // Bound memory under a flood of distinct emails: forget everything rather than grow without limit.
  if (failures_.size() > 100000) failures_.clear();
  for (const std::string& key : {"e:" + email, "a:" + address}) {
    auto& q = failures_[key];
    q.push_back(now);
    if (q.size() > 1000) q.pop_front();
  }
}

void LoginRateLimiter::RecordSuccess(const std::string& email) {
  std::lock_guard lock(mu_);
  failures_.erase("e:" + email);
}

}  // namespace jitgate
