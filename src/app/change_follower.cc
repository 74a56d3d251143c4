#include "app/change_follower.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <vector>

namespace jitgate {
namespace {
constexpr int64_t kBatchSize = 1000;

// The state of one changed object as of the snapshot that read it; nullopt: it no longer exists
// (or, for grants, is no longer recorded as active).
template <typename T>
Result<std::optional<T>> Current(Result<T> r) {
  if (r.ok()) return std::optional<T>(std::move(r).value());
  if (r.status().code() == Code::kNotFound) return std::optional<T>();
  return r.status();
}
}  // namespace

struct ChangeFollower::Batch {
  std::vector<Change> changes;
  std::vector<std::optional<User>> users;
  std::vector<std::optional<AgentPool>> pools;
  std::vector<std::optional<Group>> groups;
  std::vector<std::optional<Grant>> grants;
  bool gap = false;  // entries were pruned: reload everything
};

ChangeFollower::ChangeFollower(Store& store, AccessView& view) : store_(store), view_(view) {}

Status ChangeFollower::Reload() {
  std::lock_guard lock(mu_);
  return ReloadLocked();
}

Status ChangeFollower::ReloadLocked() {
  // The position is read before the directory: changes committed in between are in the loaded
  // directory and are applied once more by the next CatchUp, which is harmless (it re-reads state).
  int64_t seq = 0;
  RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(seq, tx.LastChangeSeq());
    return Status::Ok();
  }));
  RETURN_IF_ERROR(view_.Load(store_));
  applied_seq_ = seq;
  if (listener_.credentials_changed) listener_.credentials_changed();
  if (listener_.grant_put) {
    std::lock_guard view_lock(view_.write_mutex());
    if (auto next = view_.NextExpiry()) listener_.grant_put(*next);
  }
  return Status::Ok();
}

Status ChangeFollower::CatchUp() {
  std::lock_guard lock(mu_);
  for (;;) {
    ASSIGN_OR_RETURN(bool more, ApplyNextBatch());
    if (!more) return Status::Ok();
  }
}

Result<bool> ChangeFollower::ApplyNextBatch() {
  Batch b;
  RETURN_IF_ERROR(store_.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(b.changes, tx.ListChangesAfter(applied_seq_, kBatchSize));
    if (b.changes.empty()) {
      ASSIGN_OR_RETURN(int64_t last, tx.LastChangeSeq());
      b.gap = last > applied_seq_;
      return Status::Ok();
    }
    if (b.changes.front().seq != applied_seq_ + 1) {
      b.gap = true;
      return Status::Ok();
    }
    for (const Change& c : b.changes) {
      switch (c.kind) {
        case ChangeKind::kUser: {
          ASSIGN_OR_RETURN(auto u, Current(tx.GetUser(c.id)));
          b.users.push_back(std::move(u));
          break;
        }
        case ChangeKind::kPool: {
          ASSIGN_OR_RETURN(auto p, Current(tx.GetPool(c.id)));
          b.pools.push_back(std::move(p));
          break;
        }
        case ChangeKind::kGroup: {
          ASSIGN_OR_RETURN(auto g, Current(tx.GetGroup(c.id)));
          b.groups.push_back(std::move(g));
          break;
        }
        case ChangeKind::kGrant: {
          ASSIGN_OR_RETURN(auto g, Current(tx.GetGrant(c.id)));
          if (g && g->status != GrantStatus::kActive) g.reset();
          b.grants.push_back(std::move(g));
          break;
        }
        case ChangeKind::kApiKey:
        case ChangeKind::kSession:
          break;
      }
    }
    return Status::Ok();
  }));
  if (b.gap) {
    RETURN_IF_ERROR(ReloadLocked());
    return false;
  }
  if (b.changes.empty()) return false;

  bool credentials = false;
  bool mirror = false;
  std::optional<Millis> earliest_grant;
  {
    std::lock_guard view_lock(view_.write_mutex());
    size_t ui = 0, pi = 0, gi = 0, ti = 0;
    for (const Change& c : b.changes) {
      mirror = mirror || (c.kind != ChangeKind::kApiKey && c.kind != ChangeKind::kSession);
      switch (c.kind) {
        case ChangeKind::kUser:
          credentials = true;  // disabled or deleted users lose their keys and sessions
          if (auto& u = b.users[ui++]) view_.PutUser(*u);
          else view_.RemoveUser(c.id);
          break;
        case ChangeKind::kPool:
          if (auto& p = b.pools[pi++]) view_.PutPool(*p);
          else view_.RemovePool(c.id);
          break;
        case ChangeKind::kGroup:
          if (auto& g = b.groups[gi++]) view_.PutGroup(*g);
          else view_.RemoveGroup(c.id);
          break;
        case ChangeKind::kGrant:
          if (auto& g = b.grants[ti++]) {
            view_.PutActiveGrant(*g);
            if (!earliest_grant || g->expires_at < *earliest_grant) earliest_grant = g->expires_at;
          } else {
            view_.RemoveGrant(c.id);
          }
          break;
        case ChangeKind::kApiKey:
        case ChangeKind::kSession:
          credentials = true;
          break;
      }
    }
    if (mirror) view_.Publish();
  }
  applied_seq_ = b.changes.back().seq;
  if (credentials && listener_.credentials_changed) listener_.credentials_changed();
  if (earliest_grant && listener_.grant_put) listener_.grant_put(*earliest_grant);
  return static_cast<int64_t>(b.changes.size()) == kBatchSize;
}

void ChangeFollower::CatchUpAfterWrite() {
  Status st = CatchUp();
  if (!st.ok()) spdlog::warn("the access view lags the store until the next catch-up: {}", st.message());
}

Status ChangeFollower::Prune(Millis keep) {
  const Millis cutoff = SystemClock().Now() - keep;
  return store_.Write([&](WriteTx& tx) { return tx.DeleteChangesBefore(cutoff); });
}

int64_t ChangeFollower::applied_seq() const {
  std::lock_guard lock(mu_);
  return applied_seq_;
}

}  // namespace jitgate
