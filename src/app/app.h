// App: the application layer assembled — every use case over one store, one clock, one access view.
#pragma once

#include <memory>

#include "app/access_view.h"
#include "app/aligned_clock.h"
#include "app/api_key_service.h"
#include "app/app_config.h"
#include "app/audit_service.h"
#include "app/authenticator.h"
#include "app/change_follower.h"
#include "app/change_watcher.h"
#include "app/expirer.h"
#include "app/grant_service.h"
#include "app/group_service.h"
#include "app/metrics.h"
#include "app/pool_service.h"
#include "app/service_context.h"
#include "app/session_service.h"
#include "app/user_service.h"
#include "store/store.h"

namespace jitgate {

class App {
  // Declared first: the services below keep references to these, so they must be built before.
  Store& store_;
  AlignedClock aligned_clock_;  // the database's clock, on stores shared with other replicas
  const Clock& clock_;          // aligned_clock_ on shared stores, else the clock given
  const AppConfig config_;
  AccessView view_;
  ChangeFollower follower_;
  Metrics metrics_;
  ServiceContext ctx_;

 public:
  // Builds the app over `store` (not owned; must outlive the App) and `clock` (which, on a store
  // shared with other replicas, is aligned to the database's clock). Call Start() before use.
  App(Store& store, const Clock& clock, AppConfig config);
  ~App();

  // Loads the access view from the store, records expiries that happened while down, and starts
  // the background expirer (and, on a store shared with other replicas, the change watcher).
  // kUnavailable when the store cannot be read.
  Status Start();
  // Stops background work. Idempotent.
  void Stop();

  ServiceContext& context() { return ctx_; }
  const AppConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }
  Store& store() { return store_; }
  AccessView& view() { return view_; }
  ChangeFollower& follower() { return follower_; }
  Metrics& metrics() { return metrics_; }

  UserService users;
  PoolService pools;
  GroupService groups;
  GrantService grants;
  ApiKeyService api_keys;
  SessionService sessions;
  AuditService audit;
  Authenticator auth;
  Expirer expirer;
  ChangeWatcher watcher;

 private:
  // Change-feed entries are kept this long: a replica out of touch for longer reloads everything.
  static constexpr Millis kChangeRetention = 60 * 60 * kMillisPerSecond;
  static constexpr Millis kChangePruneInterval = 10 * 60 * kMillisPerSecond;
  static constexpr Millis kClockAlignInterval = 30 * kMillisPerSecond;
  void RunChores();  // on the expirer's thread, about once a second
  Millis last_prune_ = 0;
  Millis last_align_ = 0;
};

}  // namespace jitgate
