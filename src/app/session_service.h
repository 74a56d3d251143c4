// SessionService: password login and logout for the portal (cookie sessions with a CSRF token).
#pragma once

#include <string>

#include "app/login_rate_limiter.h"
#include "app/principal.h"
#include "app/service_context.h"

namespace jitgate {

struct LoginResult {
  User user;
  std::string session_token;  // the cookie value; only its hash is stored
  std::string csrf_token;     // echoed by the client in X-CSRF-Token; only its hash is stored
  Millis expires_at = 0;
};

class SessionService {
 public:
  explicit SessionService(ServiceContext& ctx);

  // kRateLimited (with retry-after) after repeated failures for the email or the client address;
  // kUnauthenticated for a wrong email or password (the same answer either way). Every attempt is
  // audited (`auth.login` / `auth.login_failed`).
  Result<LoginResult> Login(const std::string& email, const std::string& password, const std::string& address);
  // Ends the session with this cookie value (idempotent).
  Status Logout(const Principal& actor, const std::string& session_token);

 private:
  Status AuditFailure(const std::string& email, const std::string& address, const std::string& reason, Millis now);
  ServiceContext& ctx_;
  LoginRateLimiter limiter_;
};

}  // namespace jitgate
