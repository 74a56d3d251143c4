// AccessView: the in-memory mirror of everything access depends on (users, pools, groups, active
// grants) and the AccessIndex snapshot built from it. Writers change the mirror after their commit,
// holding write_mutex() across commit and publish so the mirror follows commit order; checks read the
// current snapshot without a lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/access_index.h"
#include "core/directory.h"
#include "store/store.h"

namespace jitgate {

class AccessView {
 public:
  AccessView();

  // Replaces the mirror with the store's directory and publishes a new index.
  Status Load(Store& store);

  // The current index. Lock-free; each thread keeps its own reference until a new one is published.
  const AccessIndex& index() const;
  std::shared_ptr<const AccessIndex> index_ptr() const;

  // Held by writers across Store::Write and the mirror updates that follow it.
  std::mutex& write_mutex() { return write_mutex_; }

  // Mirror updates; call with write_mutex() held, then Publish().
  void PutUser(const User& u);
  void RemoveUser(const std::string& id);
  void PutPool(const AgentPool& p);
  void RemovePool(const std::string& id);  // also drops it from groups' pool access
  void PutGroup(const Group& g);
  void RemoveGroup(const std::string& id);
  void PutActiveGrant(const Grant& g);
  void RemoveGrant(const std::string& id);

  // Makes an index of the mirror current: a full build after directory changes, otherwise only
  // the grants part is rebuilt. Call with write_mutex() held.
  void Publish();

  // The earliest expires_at among mirrored active grants. Call with write_mutex() held.
  std::optional<Millis> NextExpiry() const;
  // Number of mirrored grants with expires_at > now. Thread-safe.
  int64_t ActiveGrantCount(Millis now) const;
  // Increases with every Publish(); lets caches of derived data notice changes.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  template <typename T>
  using ById = std::unordered_map<std::string, T>;

  std::mutex write_mutex_;
  ById<User> users_;
  ById<AgentPool> pools_;
  ById<Group> groups_;
  ById<Grant> grants_;
  bool directory_changed_ = true;  // since the last Publish: users, pools or groups changed

  mutable std::mutex expiries_mutex_;
  std::vector<Millis> expiries_;  // of grants_, for ActiveGrantCount without write_mutex_

  std::atomic<std::shared_ptr<const AccessIndex>> current_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace jitgate
