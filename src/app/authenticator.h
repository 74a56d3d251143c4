// Authenticator: turns a bearer API key or a session cookie into a Principal. Answers repeat
// credentials from a cache (no hash, no I/O) that is dropped whenever a credential may have been
// revoked (ServiceContext::credentials_epoch), so revocation takes effect at once.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/principal.h"
#include "app/service_context.h"

namespace jitgate {

// Thread-safe.
class Authenticator {
 public:
  explicit Authenticator(ServiceContext& ctx) : ctx_(ctx) {}

  // kUnauthenticated for unknown, malformed, expired or revoked keys and disabled users;
  // kUnavailable when the store cannot be read.
  Result<Principal> AuthenticateKey(std::string_view key);
  // The same for a session cookie value; the principal carries the session's CSRF hash.
  Result<Principal> AuthenticateSession(std::string_view token);

  // Writes pending last-used times of keys and sessions (throttled); called periodically.
  void FlushUsage();

 private:
  struct Entry {
    Principal principal;
    std::optional<Millis> expires_at;  // key expiry / session absolute expiry
    uint64_t epoch = 0;
    struct Usage {
      std::atomic<Millis> last_seen{0};       // sessions: for the idle timeout
      std::atomic<Millis> last_persisted{0};  // last time usage was queued for writing
    };
    std::shared_ptr<Usage> usage = std::make_shared<Usage>();  // shared readers update it
    std::string stored_id;  // key id or session token hash
  };
  Result<Entry> LoadKey(std::string_view key);
  Result<Entry> LoadSession(std::string_view token);
  Result<Principal> Authenticate(std::string_view credential, bool session);

  ServiceContext& ctx_;
  std::shared_mutex mu_;
  uint64_t cache_epoch_ = 0;
  std::unordered_map<std::string, Entry> keys_;      // by the whole key
  std::unordered_map<std::string, Entry> sessions_;  // by the cookie value
  std::mutex pending_mu_;
  std::vector<std::pair<std::string, Millis>> pending_keys_, pending_sessions_;
};

}  // namespace jitgate
