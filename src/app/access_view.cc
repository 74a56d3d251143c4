#include "app/access_view.h"

#include <algorithm>

namespace jitgate {
namespace {
// Above this many recorded changes (or a quarter of the mirror), one full build is cheaper than
// applying them one by one.
constexpr size_t kMaxDeltas = 4096;
// Tombstones (ids of removed objects) the index may carry beyond the live objects before a full
// build drops them.
constexpr size_t kMinStaleBeforeRebuild = 4096;

// Removes one copy of `t` (if any) from `s`.
void EraseOne(std::multiset<Millis>& s, Millis t) {
  if (auto it = s.find(t); it != s.end()) s.erase(it);
}
}  // namespace

AccessView::AccessView() { current_.store(AccessIndex::Build(Directory{})); }

Status AccessView::Load(Store& store) {
  Directory dir;
  RETURN_IF_ERROR(store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(dir, tx.LoadDirectory());
    return Status::Ok();
  }));
  // Built from the loaded rows before they move into the mirror: a build from the mirror would
  // copy the whole directory once more (start-up time and peak memory at 1M grants).
  std::shared_ptr<const AccessIndex> next = AccessIndex::Build(dir);
  std::multiset<Millis> expiries;
  for (const Grant& g : dir.active_grants) expiries.insert(g.expires_at);
  std::lock_guard lock(write_mutex_);
  users_.clear();
  pools_.clear();
  groups_.clear();
  grants_.clear();
  users_.reserve(dir.users.size());
  pools_.reserve(dir.pools.size());
  groups_.reserve(dir.groups.size());
  grants_.reserve(dir.active_grants.size());
  for (auto& u : dir.users) {
    u.password_hash.clear();
    std::string id = u.id;
    users_.emplace(std::move(id), std::make_shared<const User>(std::move(u)));
  }
  for (auto& p : dir.pools) {
    std::string id = p.id;
    pools_.emplace(std::move(id), std::make_shared<const AgentPool>(std::move(p)));
  }
  for (auto& g : dir.groups) {
    std::string id = g.id;
    groups_.emplace(std::move(id), std::make_shared<const Group>(std::move(g)));
  }
  for (auto& g : dir.active_grants) {
    std::string id = g.id;
    grants_.emplace(std::move(id), std::make_shared<const Grant>(std::move(g)));
  }
  {
    std::lock_guard e(expiries_mutex_);
    expiries_ = std::move(expiries);
  }
  pending_.clear();
  rebuild_ = false;
  stale_after_build_ = next->stale_count();
  full_builds_.fetch_add(1, std::memory_order_relaxed);
  current_.store(std::move(next), std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
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

template <typename T>
void AccessView::Replace(ById<T>& m, const std::string& id, std::shared_ptr<const T> after) {
  std::shared_ptr<const T> before;
  if (auto it = m.find(id); it != m.end()) {
    before = it->second;
    if (after) {
      it->second = after;
    } else {
      m.erase(it);
    }
  } else if (after) {
    m.emplace(id, after);
  } else {
    return;  // removing what is not there
  }
  if (!rebuild_) pending_.push_back(Replacement<T>{std::move(before), std::move(after)});
}

void AccessView::PutUser(const User& u) {
  auto copy = std::make_shared<User>(u);
  copy->password_hash.clear();
  Replace<User>(users_, u.id, std::move(copy));
}

void AccessView::RemoveUser(const std::string& id) {
  if (!users_.contains(id)) return;
  Replace<User>(users_, id, nullptr);
  // As the store does: the user leaves every group (a scan, but deleting a user is rare).
  std::vector<std::shared_ptr<const Group>> changed;
  for (const auto& [_, g] : groups_) {
    if (std::find(g->member_ids.begin(), g->member_ids.end(), id) == g->member_ids.end()) continue;
    auto copy = std::make_shared<Group>(*g);
    std::erase(copy->member_ids, id);
    changed.push_back(std::move(copy));
  }
  for (auto& g : changed) Replace<Group>(groups_, g->id, std::move(g));
}

void AccessView::PutPool(const AgentPool& p) {
  Replace<AgentPool>(pools_, p.id, std::make_shared<const AgentPool>(p));
}

void AccessView::RemovePool(const std::string& id) {
  if (!pools_.contains(id)) return;
  Replace<AgentPool>(pools_, id, nullptr);
  std::vector<std::shared_ptr<const Group>> changed;
  for (const auto& [_, g] : groups_) {
    auto is_it = [&](const PoolAccess& a) { return a.agent_pool_id == id; };
    if (std::none_of(g->pool_access.begin(), g->pool_access.end(), is_it)) continue;
    auto copy = std::make_shared<Group>(*g);
    std::erase_if(copy->pool_access, is_it);
    changed.push_back(std::move(copy));
  }
  for (auto& g : changed) Replace<Group>(groups_, g->id, std::move(g));
}

void AccessView::PutGroup(const Group& g) {
  Replace<Group>(groups_, g.id, std::make_shared<const Group>(g));
}

void AccessView::RemoveGroup(const std::string& id) { Replace<Group>(groups_, id, nullptr); }

void AccessView::PutActiveGrant(const Grant& g) {
  {
    std::lock_guard lock(expiries_mutex_);
    auto it = grants_.find(g.id);
    if (it != grants_.end()) EraseOne(expiries_, it->second->expires_at);
    expiries_.insert(g.expires_at);
  }
  Replace<Grant>(grants_, g.id, std::make_shared<const Grant>(g));
}

void AccessView::RemoveGrant(const std::string& id) {
  auto it = grants_.find(id);
  if (it == grants_.end()) return;
  {
    std::lock_guard lock(expiries_mutex_);
    EraseOne(expiries_, it->second->expires_at);
  }
  Replace<Grant>(grants_, id, nullptr);
}

std::shared_ptr<const AccessIndex> AccessView::BuildFromMirror() const {
  Directory dir;
  dir.users.reserve(users_.size());
  for (const auto& [_, u] : users_) dir.users.push_back(*u);
  dir.pools.reserve(pools_.size());
  for (const auto& [_, p] : pools_) dir.pools.push_back(*p);
  dir.groups.reserve(groups_.size());
  for (const auto& [_, g] : groups_) dir.groups.push_back(*g);
  dir.active_grants.reserve(grants_.size());
  for (const auto& [_, g] : grants_) dir.active_grants.push_back(*g);
  return AccessIndex::Build(dir);
}

void AccessView::Publish() {
  std::shared_ptr<const AccessIndex> next;
  const size_t objects = users_.size() + pools_.size() + groups_.size() + grants_.size();
  if (!rebuild_ && pending_.size() <= std::max(kMaxDeltas, objects / 4)) {
    next = pending_.empty() ? current_.load(std::memory_order_acquire)
                            : current_.load(std::memory_order_acquire)->WithChanges(pending_);
    // Drop the tombstones of removed objects once they outnumber the live ones.
    if (next->stale_count() > stale_after_build_ + std::max(kMinStaleBeforeRebuild, objects))
      next = nullptr;
  }
  if (!next) {
    next = BuildFromMirror();
    stale_after_build_ = next->stale_count();
    full_builds_.fetch_add(1, std::memory_order_relaxed);
  }
  pending_.clear();
  rebuild_ = false;
  current_.store(std::move(next), std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::optional<Millis> AccessView::NextExpiry() const {
  std::lock_guard lock(expiries_mutex_);
  if (expiries_.empty()) return std::nullopt;
  return *expiries_.begin();
}

int64_t AccessView::ActiveGrantCount(Millis now) const {
  std::lock_guard lock(expiries_mutex_);
  return static_cast<int64_t>(std::distance(expiries_.upper_bound(now), expiries_.end()));
}

}  // namespace jitgate
