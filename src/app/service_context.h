// ServiceContext: what every use case shares. Owned by App; services hold a reference.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "app/access_view.h"
#include "app/app_config.h"
#include "app/change_follower.h"
#include "app/metrics.h"
#include "core/clock.h"
#include "store/store.h"

namespace jitgate {

struct ServiceContext {
  Store& store;
  const Clock& clock;
  const AppConfig& config;
  AccessView& view;
  // Writers call follower.CatchUpAfterWrite() after their commit: the view follows the change feed.
  ChangeFollower& follower;
  Metrics& metrics;
  // Bumped whenever a credential may have stopped working (key revoked, user disabled or deleted,
  // session ended); credential caches revalidate entries from an older epoch.
  std::atomic<uint64_t> credentials_epoch{0};
  // Called after a grant is created, so the expirer can wake for an earlier expiry.
  std::function<void(Millis expires_at)> on_grant_created;

  void InvalidateCredentials() { credentials_epoch.fetch_add(1, std::memory_order_acq_rel); }
};

// An Idempotency-Key presented with a create request.
struct IdempotencyKey {
  std::string caller_id;
  std::string key;
  std::string request_hash;  // of method, path and body: a different request with the same key is a 409
};

}  // namespace jitgate
