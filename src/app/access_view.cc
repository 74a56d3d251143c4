#include "app/access_view.h"

#include <algorithm>

namespace jitgate {

AccessView::AccessView() { current_.store(AccessIndex::Build(Directory{})); }

Status AccessView::Load(Store& store) {
  Directory dir;
  RETURN_IF_ERROR(store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(dir, tx.LoadDirectory());
    return Status::Ok();
  }));
  std::lock_guard lock(write_mutex_);
  users_.clear();
  pools_.clear();
  groups_.clear();
  grants_.clear();
  for (auto& u : dir.users) {
    u.password_hash.clear();
    users_.emplace(u.id, std::move(u));
  }
  for (auto& p : dir.pools) pools_.emplace(p.id, std::move(p));
  for (auto& g : dir.groups) groups_.emplace(g.id, std::move(g));
  for (auto& g : dir.active_grants) grants_.emplace(g.id, std::move(g));
  directory_changed_ = true;
  Publish();
  return Status::Ok();
}

const AccessIndex& AccessView::index() const {
  // A per-thread copy of the shared_ptr avoids touching the shared reference count on every check.
  struct Cached {
    const AccessView* owner = nullptr;
    uint64_t version = ~uint64_t{0};
    std::shared_ptr<const AccessIndex> index;
  };
  thread_local Cached cached;
  const uint64_t v = version_.load(std::memory_order_acquire);
  if (cached.owner != this || cached.version != v || !cached.index) {
    cached.index = current_.load(std::memory_order_acquire);
    cached.owner = this;
    cached.version = v;
  }
  return *cached.index;
}

std::shared_ptr<const AccessIndex> AccessView::index_ptr() const { return current_.load(); }

void AccessView::PutUser(const User& u) {
  directory_changed_ = true;
  User copy = u;
  copy.password_hash.clear();
  users_[u.id] = std::move(copy);
}

void AccessView::RemoveUser(const std::string& id) {
  directory_changed_ = true;
  users_.erase(id);
  for (auto& [_, g] : groups_) std::erase(g.member_ids, id);
}

void AccessView::PutPool(const AgentPool& p) {
  directory_changed_ = true;
  pools_[p.id] = p;
}

void AccessView::RemovePool(const std::string& id) {
  directory_changed_ = true;
  pools_.erase(id);
  for (auto& [_, g] : groups_)
    std::erase_if(g.pool_access, [&](const PoolAccess& a) { return a.agent_pool_id == id; });
}

void AccessView::PutGroup(const Group& g) {
  directory_changed_ = true;
  groups_[g.id] = g;
}

void AccessView::RemoveGroup(const std::string& id) {
  directory_changed_ = true;
  groups_.erase(id);
}
void AccessView::PutActiveGrant(const Grant& g) { grants_[g.id] = g; }
void AccessView::RemoveGrant(const std::string& id) { grants_.erase(id); }

void AccessView::Publish() {
  std::vector<Grant> grants;
  std::vector<Millis> expiries;
  grants.reserve(grants_.size());
  for (const auto& [_, g] : grants_) {
    grants.push_back(g);
    expiries.push_back(g.expires_at);
  }
  std::shared_ptr<const AccessIndex> next;
  if (directory_changed_) {
    Directory dir;
    dir.users.reserve(users_.size());
    for (const auto& [_, u] : users_) dir.users.push_back(u);
    for (const auto& [_, p] : pools_) dir.pools.push_back(p);
    for (const auto& [_, g] : groups_) dir.groups.push_back(g);
    dir.active_grants = std::move(grants);
    next = AccessIndex::Build(dir);
    directory_changed_ = false;
  } else {
    next = current_.load(std::memory_order_acquire)->WithGrants(grants);
  }
  current_.store(std::move(next), std::memory_order_release);
  {
    std::lock_guard lock(expiries_mutex_);
    expiries_ = std::move(expiries);
  }
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::optional<Millis> AccessView::NextExpiry() const {
  std::optional<Millis> next;
  for (const auto& [_, g] : grants_)
    if (!next || g.expires_at < *next) next = g.expires_at;
  return next;
}

int64_t AccessView::ActiveGrantCount(Millis now) const {
  std::lock_guard lock(expiries_mutex_);
  return std::count_if(expiries_.begin(), expiries_.end(), [&](Millis e) { return e > now; });
}

}  // namespace jitgate
