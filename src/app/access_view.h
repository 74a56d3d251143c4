// AccessView: the in-memory mirror of everything access depends on (users, pools, groups, active
// grants) and the AccessIndex snapshot built from it. The change follower (change_follower.h)
// changes the mirror in commit order, holding write_mutex(), and publishes; checks read the current
// snapshot without a lock. Changes since the last Publish are recorded as deltas, and Publish
// derives the next snapshot from the current one (AccessIndex::WithChanges: microseconds), falling
// back to a full build only after Load, for very large delta sets, or to drop tombstones.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/access_index.h"
#include "core/directory.h"
#include "store/store.h"

namespace jitgate {

class AccessView {
 public:
  AccessView();

  // Replaces the mirror with the store's directory and publishes a new index (a full build).
  Status Load(Store& store);

  // The current index. Lock-free; each thread keeps its own reference until a new one is published.
  const AccessIndex& index() const;
  std::shared_ptr<const AccessIndex> index_ptr() const;

  // Held by whoever changes the mirror, across the changes and the Publish() that follows them.
  std::mutex& write_mutex() { return write_mutex_; }

  // Mirror updates; call with write_mutex() held, then Publish().
  void PutUser(const User& u);
  void RemoveUser(const std::string& id);  // also drops them from groups' members
  void PutPool(const AgentPool& p);
  void RemovePool(const std::string& id);  // also drops it from groups' pool access
  void PutGroup(const Group& g);
  void RemoveGroup(const std::string& id);
  void PutActiveGrant(const Grant& g);
  void RemoveGrant(const std::string& id);

  // Makes an index of the mirror current: the current one with the recorded changes applied, or a
  // full build (see above). Call with write_mutex() held.
  void Publish();

  // The earliest expires_at among mirrored active grants. Call with write_mutex() held.
  std::optional<Millis> NextExpiry() const;
  // Number of mirrored grants with expires_at > now. Thread-safe.
  int64_t ActiveGrantCount(Millis now) const;
  // Increases with every Publish(); lets caches of derived data notice changes.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  // How many Publish() calls did a full build (Load included); for tests and metrics.
  uint64_t full_builds() const { return full_builds_.load(std::memory_order_relaxed); }

 private:
  template <typename T>
  using ById = std::unordered_map<std::string, std::shared_ptr<const T>>;

  // Records `after` (null: removed) as the new state of its id in `m`, and the change as a delta.
  template <typename T>
  void Replace(ById<T>& m, const std::string& id, std::shared_ptr<const T> after);
  // Whether Publish should build from scratch rather than apply `pending_`.
  bool ShouldRebuild(const AccessIndex& current) const;
  std::shared_ptr<const AccessIndex> BuildFromMirror() const;

  std::mutex write_mutex_;
  ById<User> users_;
  ById<AgentPool> pools_;
  ById<Group> groups_;
  ById<Grant> grants_;
  std::vector<AccessChange> pending_;  // since the last Publish, in order
  bool rebuild_ = true;  // until the first Load: changes are not recorded, Publish builds anew
  size_t stale_after_build_ = 0;  // the index's stale_count() right after the last full build
  std::atomic<uint64_t> full_builds_{0};

  mutable std::mutex expiries_mutex_;
  std::multiset<Millis> expiries_;  // of grants_, for ActiveGrantCount without write_mutex_

  std::atomic<std::shared_ptr<const AccessIndex>> current_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace jitgate
