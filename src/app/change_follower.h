// ChangeFollower: keeps the AccessView (and credential caches) in step with the store's change feed
// (store.h: Change). Every write, local or made by another replica, appends to the feed; the
// follower applies entries in seq order, reading each changed object's current state, so the mirror
// follows commit order without holding a lock across Store::Write (which would defeat group commit).
// A gap in the feed (entries pruned while this process was behind) triggers a full reload.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "app/access_view.h"
#include "store/store.h"

namespace jitgate {

class ChangeFollower {
 public:
  // What the follower tells the rest of the app about the changes it applied.
  struct Listener {
    std::function<void()> credentials_changed;         // a user, API key or session changed
    std::function<void(Millis expires_at)> grant_put;  // an active grant entered the mirror
  };

  // `store` and `view` must outlive the follower.
  ChangeFollower(Store& store, AccessView& view);
  void set_listener(Listener l) { listener_ = std::move(l); }

  // Loads the whole mirror and positions the follower at the feed's end. kUnavailable when the
  // store cannot be read.
  Status Reload();

  // Applies every change committed since the last call and publishes a new index. Thread-safe;
  // concurrent callers are serialised, and a caller returns only after everything committed before
  // its call is applied (so a writer that calls it after its commit reads its own write).
  Status CatchUp();

  // CatchUp() for a writer whose commit already succeeded: a failure (the store went away just
  // after the commit) only delays the mirror until the next catch-up, so it is logged, not returned.
  void CatchUpAfterWrite();

  // Drops feed entries older than `keep` (by wall clock). Any replica further behind reloads fully.
  Status Prune(Millis keep);

  // The seq of the last applied change. Thread-safe.
  int64_t applied_seq() const;

 private:
  struct Batch;
  Status ReloadLocked();
  Result<bool> ApplyNextBatch();  // true when more entries may be waiting

  Store& store_;
  AccessView& view_;
  Listener listener_;
  mutable std::mutex mu_;  // serialises Reload/CatchUp; guards applied_seq_
  int64_t applied_seq_ = 0;
};

}  // namespace jitgate
