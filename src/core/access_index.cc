#include "core/access_index.h"

#include <algorithm>
#include <limits>

#include "core/id_table.h"

namespace jitgate {
namespace {

constexpr Millis kNever = std::numeric_limits<Millis>::max();

// One way a user holds a role on a pool: a group membership (expires kNever) or a JIT grant.
struct Entry {
  uint32_t pool;
  Role role;
  AccessSource::Type type;
  uint32_t source;  // index into group_ids_ or grant_ids_
  Millis expires_at;
};

class FlatAccessIndex final : public AccessIndex {
 public:
  explicit FlatAccessIndex(const Directory& dir);

  AccessDecision Check(std::string_view user_id, std::string_view agent_pool_id, Permission permission,
                       Millis now) const override;
  std::vector<PoolAccessSummary> AccessOf(std::string_view user_id, Millis now) const override;
  size_t user_count() const override { return users_.size(); }
  size_t pool_count() const override { return pools_.size(); }
  size_t group_count() const override { return groups_.size(); }
  size_t grant_count() const override { return grants_.size(); }

 private:
  // Fills `out` (role, sources, valid_until) from the user's entries on one pool.
  template <typename Out>
  void Decide(const Entry* begin, const Entry* end, Millis now, Out& out) const;

  IdTable users_, pools_, groups_, grants_;
  std::vector<uint8_t> disabled_;       // by user index
  std::vector<uint32_t> first_entry_;   // by user index, size users+1 (CSR offsets into entries_)
  std::vector<Entry> entries_;          // per user, sorted by pool
};

FlatAccessIndex::FlatAccessIndex(const Directory& dir) {
  users_.Reserve(dir.users.size());
  pools_.Reserve(dir.pools.size());
  groups_.Reserve(dir.groups.size());
  grants_.Reserve(dir.active_grants.size());
  for (const auto& u : dir.users) users_.Intern(u.id);
  disabled_.assign(users_.size(), 0);
  for (const auto& u : dir.users) disabled_[users_.Find(u.id)] = u.disabled;
  for (const auto& p : dir.pools) pools_.Intern(p.id);

  std::vector<std::vector<Entry>> per_user(users_.size());
  for (const auto& g : dir.groups) {
    const uint32_t gi = groups_.Intern(g.id);
    for (const auto& member : g.member_ids) {
      const uint32_t ui = users_.Find(member);
      if (ui == IdTable::kMissing) continue;
      for (const auto& a : g.pool_access) {
        const uint32_t pi = pools_.Find(a.agent_pool_id);
        if (pi != IdTable::kMissing) per_user[ui].push_back({pi, a.role, AccessSource::Type::kGroup, gi, kNever});
      }
    }
  }
  for (const auto& g : dir.active_grants) {
    if (g.status != GrantStatus::kActive) continue;
    const uint32_t gi = grants_.Intern(g.id);
    for (const auto& user : g.user_ids) {
      const uint32_t ui = users_.Find(user);
      if (ui == IdTable::kMissing) continue;
      for (const auto& pool : g.agent_pool_ids) {
        const uint32_t pi = pools_.Find(pool);
        if (pi != IdTable::kMissing) per_user[ui].push_back({pi, g.role, AccessSource::Type::kJit, gi, g.expires_at});
      }
    }
  }
  first_entry_.reserve(users_.size() + 1);
  for (auto& list : per_user) {
    first_entry_.push_back(static_cast<uint32_t>(entries_.size()));
    std::stable_sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) { return a.pool < b.pool; });
    entries_.insert(entries_.end(), list.begin(), list.end());
  }
  first_entry_.push_back(static_cast<uint32_t>(entries_.size()));
}

template <typename Out>
void FlatAccessIndex::Decide(const Entry* begin, const Entry* end, Millis now, Out& out) const {
  Role group_role = Role::kNone;
  Role role = Role::kNone;
  bool has_jit = false;
  for (const Entry* e = begin; e != end; ++e) {
    if (e->expires_at <= now) continue;  // half-open: a grant counts while now < expires_at
    role = std::max(role, e->role);
    if (e->type == AccessSource::Type::kGroup) {
      group_role = std::max(group_role, e->role);
      out.sources.push_back({e->type, groups_.At(e->source), std::nullopt});
    } else {
      has_jit = true;
      out.sources.push_back({e->type, grants_.At(e->source), e->expires_at});
    }
  }
  out.role = role;
  if (!has_jit) return;
  // The role next changes at the earliest expiry after which the remaining entries give less.
  Millis candidate = kNever;
  for (;;) {
    Millis next = kNever;
    for (const Entry* e = begin; e != end; ++e)
      if (e->expires_at > now && e->expires_at > (candidate == kNever ? now : candidate) && e->expires_at < next)
        next = e->expires_at;
    if (next == kNever) return;  // only never-expiring entries remain: role is stable
    Role after = group_role;
    for (const Entry* e = begin; e != end; ++e)
      if (e->expires_at > next) after = std::max(after, e->role);
    if (after != role) {
      out.valid_until = next;
      return;
    }
    candidate = next;
  }
}

AccessDecision FlatAccessIndex::Check(std::string_view user_id, std::string_view agent_pool_id,
                                      Permission permission, Millis now) const {
  AccessDecision d;
  const uint32_t ui = users_.Find(user_id);
  if (ui == IdTable::kMissing || disabled_[ui]) return d;
  const uint32_t pi = pools_.Find(agent_pool_id);
  if (pi == IdTable::kMissing) return d;
  const Entry* first = entries_.data() + first_entry_[ui];
  const Entry* last = entries_.data() + first_entry_[ui + 1];
  const Entry* begin = std::lower_bound(first, last, pi, [](const Entry& e, uint32_t p) { return e.pool < p; });
  const Entry* end = begin;
  while (end != last && end->pool == pi) ++end;
  if (begin == end) return d;
  Decide(begin, end, now, d);
  d.allowed = RoleAllows(d.role, permission);
  return d;
}

std::vector<PoolAccessSummary> FlatAccessIndex::AccessOf(std::string_view user_id, Millis now) const {
  std::vector<PoolAccessSummary> out;
  const uint32_t ui = users_.Find(user_id);
  if (ui == IdTable::kMissing || disabled_[ui]) return out;
  const Entry* e = entries_.data() + first_entry_[ui];
  const Entry* last = entries_.data() + first_entry_[ui + 1];
  while (e != last) {
    const Entry* end = e;
    while (end != last && end->pool == e->pool) ++end;
    PoolAccessSummary s;
    s.agent_pool_id = pools_.At(e->pool);
    Decide(e, end, now, s);
    if (s.role != Role::kNone) out.push_back(std::move(s));
    e = end;
  }
  std::sort(out.begin(), out.end(),
            [](const PoolAccessSummary& a, const PoolAccessSummary& b) { return a.agent_pool_id < b.agent_pool_id; });
  return out;
}

}  // namespace

std::shared_ptr<const AccessIndex> AccessIndex::Build(const Directory& dir) {
  return std::make_shared<FlatAccessIndex>(dir);
}

}  // namespace jitgate
