// LoginRateLimiter: counts failed logins per email and per client address in a sliding window.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace jitgate {

// Thread-safe.
class LoginRateLimiter {
 public:
  LoginRateLimiter(int max_per_email, int max_per_address, Millis window)
      : max_per_email_(max_per_email), max_per_address_(max_per_address), window_(window) {}

  // 0 when a login for (email, address) may be tried now; otherwise the seconds to wait.
  int RetryAfterSeconds(const std::string& email, const std::string& address, Millis now);
  void RecordFailure(const std::string& email, const std::string& address, Millis now);
  // A successful login forgets the email's failures (the address's stay counted).
  void RecordSuccess(const std::string& email);

 private:
  int WaitFor(const std::string& key, int max, Millis now);
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Millis>> failures_;  // "e:<email>" / "a:<address>"
  const int max_per_email_;
  const int max_per_address_;
  const Millis window_;
};

}  // namespace jitgate
