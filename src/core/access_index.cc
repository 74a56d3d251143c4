// The flat access index. Layout, chosen so that a check is two hash lookups and a short scan:
//  - user and pool ids are interned (IdTable); group and grant ids are kept by position (IdArena),
//    as entries only need to name them;
//  - every enabled user's roles are precomputed into 16-byte entries (pool, role, source, expiry),
//    grouped per user and sorted by pool, so a check scans only the user's entries on one pool;
//  - a user's entries are found by the user's *slot position* in the user IdTable, not by its
//    dense index: the position is usually the hash's home slot, so Check requests the user's
//    entry range while the slot itself is still being fetched (one cache miss less per check);
//  - positions are cut into chunks of kChunkUsers, each chunk owning its entries behind a
//    shared_ptr. WithGrants shares the id tables and every chunk without JIT entries before or
//    after, and rebuilds only the other chunks; a finer incremental update can rebuild just the
//    chunks of the users a change touches the same way.
// Expiry is never baked in: entries keep their expires_at and every check compares it with `now`.
#include "core/access_index.h"

#include <algorithm>
#include <array>
#include <limits>

#include "core/id_table.h"

namespace jitgate {
namespace {

constexpr Millis kNever = std::numeric_limits<Millis>::max();
constexpr uint32_t kChunkBits = 8;
constexpr uint32_t kChunkUsers = 1u << kChunkBits;
// While resolving ids in bulk, how many items ahead to request hash slots.
constexpr size_t kLookAhead = 8;
// Above this many entries on one user, find the pool by binary search instead of a linear scan.
constexpr ptrdiff_t kLinearScanMax = 16;

// One way a user holds a role on a pool: a group's pool access (never expires) or a JIT grant.
struct Entry {
  static constexpr uint32_t kJitBit = 1u << 31;
  static constexpr uint32_t kRoleShift = 29;
  static constexpr uint32_t kSourceMask = (1u << kRoleShift) - 1;

  uint32_t pool;
  uint32_t meta;  // bit 31: JIT; bits 29-30: role; bits 0-28: index into group or grant ids
  Millis expires_at;

  static Entry Make(uint32_t pool, Role role, bool jit, uint32_t source, Millis expires_at) {
    return {pool, (jit ? kJitBit : 0) | (static_cast<uint32_t>(role) << kRoleShift) | source,
            expires_at};
  }
  Role role() const { return static_cast<Role>((meta >> kRoleShift) & 3); }
  bool jit() const { return (meta & kJitBit) != 0; }
  uint32_t source() const { return meta & kSourceMask; }
  // Orders by pool, then groups before grants, each in directory order; role is ignored so that
  // duplicates of one source sort next to each other.
  uint64_t SortKey() const {
    return (static_cast<uint64_t>(pool) << 32) | (meta & ~(3u << kRoleShift));
  }
};
static_assert(sizeof(Entry) == 16);

// The entries of the users at kChunkUsers consecutive slot positions (free positions: none).
struct UserChunk {
  std::vector<Entry> entries;                     // user by user; each user's sorted by SortKey
  std::array<uint32_t, kChunkUsers + 1> begin{};  // local position → first entry in `entries`
  bool has_jit = false;                           // whether any entry comes from a JIT grant
};

// An entry waiting to be placed in its user's chunk.
struct PendingEntry {
  uint32_t user;  // slot position
  Entry entry;
};

// Pending entries grouped by user slot position: position u's are flat[start[u], start[u+1]).
struct EntriesByUser {
  std::vector<Entry> flat;
  std::vector<uint32_t> start;
};

class FlatAccessIndex final : public AccessIndex {
 public:
  // A full build.
  explicit FlatAccessIndex(const Directory& dir);
  // `base`'s users, pools and groups with `grants` as the active grants.
  FlatAccessIndex(const FlatAccessIndex& base, const std::vector<Grant>& grants);

  AccessDecision Check(std::string_view user_id, std::string_view agent_pool_id,
                       Permission permission, Millis now) const override;
  std::vector<PoolAccessSummary> AccessOf(std::string_view user_id, Millis now) const override;
  std::shared_ptr<const AccessIndex> WithGrants(
      const std::vector<Grant>& active_grants) const override;
  size_t user_count() const override { return users_->size(); }
  size_t pool_count() const override { return pools_->size(); }
  size_t group_count() const override { return groups_->size(); }
  size_t grant_count() const override { return grants_->size(); }

 private:
  // Interns users, pools and groups of `dir` and records who is disabled (by slot position).
  void InternDirectory(const Directory& dir);
  // Keeps the ids of the ACTIVE grants of `grants`, in order, as grants_.
  void InternGrants(const std::vector<Grant>& grants);
  // Appends the (user, entry) pairs that groups give enabled users.
  void AddGroupEntries(const Directory& dir, std::vector<PendingEntry>& out) const;
  // Appends the (user, entry) pairs that the ACTIVE grants of `grants` give enabled users.
  void AddGrantEntries(const std::vector<Grant>& grants, std::vector<PendingEntry>& out) const;
  // Requests the hash slots that resolving `g` will read (building is bound by those misses).
  void PrefetchIdsOf(const Grant& g) const;
  // Counting sort of `pending` by user slot position.
  EntriesByUser GroupByUser(const std::vector<PendingEntry>& pending) const;
  // Builds every chunk from `added`; with `base`, each user also keeps base's group entries, and
  // chunks where neither side has JIT entries are shared with `base` rather than copied.
  void FillChunks(const EntriesByUser& added, const FlatAccessIndex* base);

  // Asks for the entry range of the user whose hash is `user_hash`, assuming the user sits in its
  // home slot (usually true); costs nothing to be wrong about.
  void PrefetchUserEntries(uint64_t user_hash) const;
  // The entries of the user at slot position `us` on every pool: [*first, *last).
  void UserEntries(uint32_t us, const Entry** first, const Entry** last) const;
  // The slot position of `user_id` in users_, or kMissing.
  uint32_t UserSlot(std::string_view user_id) const {
    return users_->FindSlot(user_id, IdTable::Hash(user_id));
  }
  // Fills `out` (role, sources, valid_until) from one user's entries on one pool.
  template <typename Out>
  void Decide(const Entry* begin, const Entry* end, Millis now, Out& out) const;

  std::shared_ptr<const IdTable> users_, pools_;
  std::shared_ptr<const IdArena> groups_, grants_;
  std::shared_ptr<const std::vector<uint8_t>> disabled_;  // by user slot position
  std::vector<std::shared_ptr<const UserChunk>> chunks_;  // chunk i: positions [i*256, i*256+256)
};

// Sorts one user's entries and merges repeats of one source on one pool (a member listed twice,
// a pool listed twice), keeping the strongest role and the latest expiry.
Entry* SortAndMerge(Entry* begin, Entry* end) {
  std::sort(begin, end, [](const Entry& a, const Entry& b) { return a.SortKey() < b.SortKey(); });
  Entry* out = begin;
  for (Entry* e = begin; e != end; ++e) {
    if (out != begin && (out - 1)->SortKey() == e->SortKey()) {
      Entry& kept = *(out - 1);
      const Role role = std::max(kept.role(), e->role());
      kept = Entry::Make(kept.pool, role, kept.jit(), kept.source(),
                         std::max(kept.expires_at, e->expires_at));
    } else {
      *out++ = *e;
    }
  }
  return out;
}

FlatAccessIndex::FlatAccessIndex(const Directory& dir) {
  InternDirectory(dir);
  InternGrants(dir.active_grants);
  std::vector<PendingEntry> pending;
  AddGroupEntries(dir, pending);
  AddGrantEntries(dir.active_grants, pending);
  FillChunks(GroupByUser(pending), nullptr);
}

FlatAccessIndex::FlatAccessIndex(const FlatAccessIndex& base, const std::vector<Grant>& grants)
    : users_(base.users_), pools_(base.pools_), groups_(base.groups_), disabled_(base.disabled_) {
  InternGrants(grants);
  std::vector<PendingEntry> pending;
  AddGrantEntries(grants, pending);
  FillChunks(GroupByUser(pending), &base);
}

std::shared_ptr<const AccessIndex> FlatAccessIndex::WithGrants(
    const std::vector<Grant>& active_grants) const {
  return std::make_shared<FlatAccessIndex>(*this, active_grants);
}

void FlatAccessIndex::InternDirectory(const Directory& dir) {
  auto users = std::make_shared<IdTable>(), pools = std::make_shared<IdTable>();
  auto groups = std::make_shared<IdArena>();
  auto disabled = std::make_shared<std::vector<uint8_t>>();
  users->Reserve(dir.users.size());
  pools->Reserve(dir.pools.size());
  groups->Reserve(dir.groups.size());
  for (const User& u : dir.users) users->Intern(u.id);
  // Positions are final only now that every user is in.
  disabled->assign(users->slot_count(), 0);
  for (const User& u : dir.users) {
    // A (malformed) repeated id is disabled if any copy is.
    (*disabled)[users->FindSlot(u.id, IdTable::Hash(u.id))] |= u.disabled;
  }
  for (const AgentPool& p : dir.pools) pools->Intern(p.id);
  for (const Group& g : dir.groups) groups->Append(g.id);
  users_ = std::move(users);
  pools_ = std::move(pools);
  groups_ = std::move(groups);
  disabled_ = std::move(disabled);
}

void FlatAccessIndex::InternGrants(const std::vector<Grant>& grants) {
  auto ids = std::make_shared<IdArena>();
  ids->Reserve(grants.size());
  for (const Grant& g : grants) {
    if (g.status == GrantStatus::kActive) ids->Append(g.id);
  }
  grants_ = std::move(ids);
}

void FlatAccessIndex::AddGroupEntries(const Directory& dir, std::vector<PendingEntry>& out) const {
  std::vector<std::pair<uint32_t, Role>> pool_roles;  // one group's resolved pool access
  for (uint32_t gi = 0; gi < dir.groups.size(); ++gi) {
    const Group& g = dir.groups[gi];     // groups_ holds the ids in this same order
    if (gi > Entry::kSourceMask) break;  // beyond 2^29 groups: cannot be encoded (never happens)
    pool_roles.clear();
    for (const PoolAccess& a : g.pool_access) {
      const uint32_t pi = pools_->Find(a.agent_pool_id);
      if (pi != IdTable::kMissing && a.role != Role::kNone) pool_roles.emplace_back(pi, a.role);
    }
    if (pool_roles.empty()) continue;
    const std::vector<std::string>& members = g.member_ids;
    for (size_t i = 0; i < members.size(); ++i) {
      if (i + kLookAhead < members.size()) users_->Prefetch(IdTable::Hash(members[i + kLookAhead]));
      const uint32_t ui = UserSlot(members[i]);
      if (ui == IdTable::kMissing || (*disabled_)[ui]) continue;
      for (const auto& [pi, role] : pool_roles)
        out.push_back({ui, Entry::Make(pi, role, false, gi, kNever)});
    }
  }
}

void FlatAccessIndex::PrefetchIdsOf(const Grant& g) const {
  for (const std::string& user : g.user_ids) users_->Prefetch(IdTable::Hash(user));
  for (const std::string& pool : g.agent_pool_ids) pools_->Prefetch(IdTable::Hash(pool));
}

void FlatAccessIndex::AddGrantEntries(const std::vector<Grant>& grants,
                                      std::vector<PendingEntry>& out) const {
  uint32_t gi = 0;  // position in grants_, which holds the ACTIVE grants in this same order
  for (size_t i = 0; i < grants.size(); ++i) {
    if (i + kLookAhead < grants.size()) PrefetchIdsOf(grants[i + kLookAhead]);
    const Grant& g = grants[i];
    if (g.status != GrantStatus::kActive) continue;
    if (gi > Entry::kSourceMask) break;  // as for groups
    const uint32_t source = gi++;
    if (g.role == Role::kNone) continue;
    for (const std::string& user : g.user_ids) {
      const uint32_t ui = UserSlot(user);
      if (ui == IdTable::kMissing || (*disabled_)[ui]) continue;
      for (const std::string& pool : g.agent_pool_ids) {
        const uint32_t pi = pools_->Find(pool);
        if (pi != IdTable::kMissing)
          out.push_back({ui, Entry::Make(pi, g.role, true, source, g.expires_at)});
      }
    }
  }
}

EntriesByUser FlatAccessIndex::GroupByUser(const std::vector<PendingEntry>& pending) const {
  EntriesByUser out;
  const size_t n_users = users_->slot_count();
  out.start.assign(n_users + 1, 0);
  for (const PendingEntry& p : pending) ++out.start[p.user + 1];
  for (size_t u = 0; u < n_users; ++u) out.start[u + 1] += out.start[u];
  out.flat.resize(pending.size());
  std::vector<uint32_t> next(out.start.begin(), out.start.end() - 1);
  for (const PendingEntry& p : pending) out.flat[next[p.user]++] = p.entry;
  return out;
}

void FlatAccessIndex::FillChunks(const EntriesByUser& added, const FlatAccessIndex* base) {
  const size_t n_users = users_->slot_count();  // positions, that is
  const size_t n_chunks = (n_users + kChunkUsers - 1) / kChunkUsers;
  chunks_.reserve(n_chunks);
  std::vector<Entry> user_entries;  // scratch: one user's entries before sorting
  for (size_t c = 0; c < n_chunks; ++c) {
    const size_t first_user = c * kChunkUsers;
    const size_t end_user = std::min(n_users, first_user + kChunkUsers);
    const UserChunk* old = base ? base->chunks_[c].get() : nullptr;
    const bool adds = added.start[end_user] != added.start[first_user];
    if (old && !old->has_jit && !adds) {  // grants neither were nor are here: share the chunk
      chunks_.push_back(base->chunks_[c]);
      continue;
    }
    auto chunk = std::make_shared<UserChunk>();
    for (size_t u = first_user; u < end_user; ++u) {
      const size_t local = u - first_user;
      user_entries.clear();
      if (old) {
        for (uint32_t i = old->begin[local]; i < old->begin[local + 1]; ++i)
          if (!old->entries[i].jit()) user_entries.push_back(old->entries[i]);
      }
      user_entries.insert(user_entries.end(), added.flat.begin() + added.start[u],
                          added.flat.begin() + added.start[u + 1]);
      chunk->begin[local] = static_cast<uint32_t>(chunk->entries.size());
      Entry* kept_end =
          SortAndMerge(user_entries.data(), user_entries.data() + user_entries.size());
      chunk->entries.insert(chunk->entries.end(), user_entries.data(), kept_end);
    }
    // Users past the last one (only in the final chunk) get empty ranges.
    for (size_t u = end_user - first_user; u <= kChunkUsers; ++u)
      chunk->begin[u] = static_cast<uint32_t>(chunk->entries.size());
    chunk->entries.shrink_to_fit();
    chunk->has_jit = std::any_of(chunk->entries.begin(), chunk->entries.end(),
                                 [](const Entry& e) { return e.jit(); });
    chunks_.push_back(std::move(chunk));
  }
}

void FlatAccessIndex::PrefetchUserEntries(uint64_t user_hash) const {
  const uint32_t home = users_->HomeSlot(user_hash);
  __builtin_prefetch(&chunks_[home >> kChunkBits]->begin[home & (kChunkUsers - 1)]);
}

void FlatAccessIndex::UserEntries(uint32_t us, const Entry** first, const Entry** last) const {
  const UserChunk& chunk = *chunks_[us >> kChunkBits];
  const uint32_t local = us & (kChunkUsers - 1);
  *first = chunk.entries.data() + chunk.begin[local];
  *last = chunk.entries.data() + chunk.begin[local + 1];
}

template <typename Out>
void FlatAccessIndex::Decide(const Entry* begin, const Entry* end, Millis now, Out& out) const {
  // Roles only ever weaken as time passes (nothing starts in the future), so the strongest role
  // lasts exactly as long as the longest-lived entry giving it: that instant is valid_until.
  Role role = Role::kNone;
  Millis until = 0;
  out.sources.reserve(static_cast<size_t>(end - begin));
  for (const Entry* e = begin; e != end; ++e) {
    if (e->expires_at <= now) continue;  // half-open: a grant counts while now < expires_at
    const Role r = e->role();
    if (r > role) {
      role = r;
      until = e->expires_at;
    } else if (r == role) {
      until = std::max(until, e->expires_at);
    }
    if (e->jit()) {
      out.sources.push_back({AccessSource::Type::kJit, grants_->At(e->source()), e->expires_at});
    } else {
      out.sources.push_back({AccessSource::Type::kGroup, groups_->At(e->source()), std::nullopt});
    }
  }
  out.role = role;
  if (role != Role::kNone && until != kNever) out.valid_until = until;
}

AccessDecision FlatAccessIndex::Check(std::string_view user_id, std::string_view agent_pool_id,
                                      Permission permission, Millis now) const {
  AccessDecision d;
  // Both hash slots are requested before either is examined: their cache misses overlap.
  const uint64_t user_hash = IdTable::Hash(user_id), pool_hash = IdTable::Hash(agent_pool_id);
  users_->Prefetch(user_hash);
  pools_->Prefetch(pool_hash);
  PrefetchUserEntries(user_hash);
  const uint32_t us = users_->FindSlot(user_id, user_hash);
  if (us == IdTable::kMissing) return d;
  const Entry *first, *last;
  UserEntries(us, &first, &last);
  const uint32_t pi = pools_->Find(agent_pool_id, pool_hash);
  if (pi == IdTable::kMissing || first == last) return d;
  if (last - first > kLinearScanMax) {
    first =
        std::lower_bound(first, last, pi, [](const Entry& e, uint32_t p) { return e.pool < p; });
  } else {
    while (first != last && first->pool < pi) ++first;
  }
  const Entry* end = first;
  while (end != last && end->pool == pi) ++end;
  if (first == end) return d;
  Decide(first, end, now, d);
  d.allowed = RoleAllows(d.role, permission);
  return d;
}

std::vector<PoolAccessSummary> FlatAccessIndex::AccessOf(std::string_view user_id,
                                                         Millis now) const {
  std::vector<PoolAccessSummary> out;
  const uint32_t us = UserSlot(user_id);
  if (us == IdTable::kMissing) return out;
  const Entry *e, *last;
  UserEntries(us, &e, &last);
  while (e != last) {
    const Entry* end = e;
    while (end != last && end->pool == e->pool) ++end;
    PoolAccessSummary s;
    s.agent_pool_id = pools_->At(e->pool);
    Decide(e, end, now, s);
    if (s.role != Role::kNone) out.push_back(std::move(s));
    e = end;
  }
  // Entries are in interning (directory) order; the contract wants pool id order.
  std::sort(out.begin(), out.end(), [](const PoolAccessSummary& a, const PoolAccessSummary& b) {
    return a.agent_pool_id < b.agent_pool_id;
  });
  return out;
}

}  // namespace

std::shared_ptr<const AccessIndex> AccessIndex::Build(const Directory& dir) {
  return std::make_shared<FlatAccessIndex>(dir);
}

}  // namespace jitgate
