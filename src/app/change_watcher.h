// ChangeWatcher: on a store shared by several replicas, a thread that applies other replicas'
// changes. It wakes on the store's change notification (PostgreSQL LISTEN/NOTIFY) and also polls,
// so a lost notification or a dropped connection delays a change by at most kPollInterval once the
// database answers again (the change feed, not the notification, says what changed); and it reloads
// everything every kFullReloadInterval as a consistency check.
#pragma once

#include <atomic>
#include <thread>

#include "app/change_follower.h"
#include "store/store.h"

namespace jitgate {

class ChangeWatcher {
 public:
  // Also the longest wait for a change whose notification was lost.
  static constexpr Millis kPollInterval = 500;
  // A full reload now and then, so that even a change the feed could not describe is healed.
  static constexpr Millis kFullReloadInterval = 5 * 60 * 1000;

  ChangeWatcher(Store& store, ChangeFollower& follower) : store_(store), follower_(follower) {}
  ~ChangeWatcher() { Stop(); }

  // Starts the thread. Call once.
  void Start();
  // Stops the thread (within about kPollInterval). Idempotent.
  void Stop();

 private:
  void Loop();

  Store& store_;
  ChangeFollower& follower_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace jitgate
