// The flat access index. Layout, chosen so that a check is two hash lookups and a short scan:
//  - user, pool, group and grant ids are interned in copy-on-write IdTables; entries name pools,
//    groups and grants by dense index;
//  - every user's roles are precomputed into 16-byte entries (pool, role, source, expiry),
//    grouped per user and sorted by pool, so a check scans only the user's entries on one pool;
//  - a user's entries are found by the user's *slot position* in the user IdTable, not by its
//    dense index: the position is usually the hash's home slot, so Check requests the user's
//    entry range while the slot itself is still being fetched (one cache miss less per check);
//  - positions are cut into chunks of kChunkUsers (one IdTable page each), each chunk owning its
//    entries behind a shared_ptr;
//  - ids are never removed, only flagged: a removed or disabled user keeps its entries but the
//    flag (read from the slot Check already holds) hides them; ids that groups or grants name but
//    the directory lacks are interned as absent. So no change ever needs to know who else refers
//    to an id, and a new snapshot is derived from the last one by "ops" on the entries of just
//    the users a change touches: WithChanges copies the chunk pointers, the touched chunks and the
//    touched table pages, and shares everything else with the previous snapshot.
// Expiry is never baked in: entries keep their expires_at and every check compares it with `now`.
#include "core/access_index.h"

#include <algorithm>
#include <array>
#include <limits>

#include "core/id_table.h"

namespace jitgate {
namespace {

constexpr Millis kNever = std::numeric_limits<Millis>::max();
constexpr uint32_t kChunkBits = IdTable::kPageBits;
constexpr uint32_t kChunkUsers = 1u << kChunkBits;
// While resolving ids in bulk, how many items ahead to request hash slots.
constexpr size_t kLookAhead = 8;
// Above this many entries on one user, find the pool by binary search instead of a linear scan.
constexpr ptrdiff_t kLinearScanMax = 16;

// Flags on interned ids.
constexpr uint32_t kAbsent = 1;    // not in the directory (removed, or only referred to)
constexpr uint32_t kDisabled = 2;  // users: disabled

// The id tables, by kind.
enum TableKind : size_t { kUsers, kPools, kGroups, kGrants, kTableCount };

// One way a user holds a role on a pool: a group's pool access (never expires) or a JIT grant.
struct Entry {
  static constexpr uint32_t kJitBit = 1u << 31;
  static constexpr uint32_t kRoleShift = 29;
  static constexpr uint32_t kSourceMask = (1u << kRoleShift) - 1;

  uint32_t pool;
  uint32_t meta;  // bit 31: JIT; bits 29-30: role; bits 0-28: index into group or grant ids
  Millis expires_at;

  static Entry Make(uint32_t pool, Role role, bool jit, uint32_t source, Millis expires_at) {
    return {pool, SourceKeyOf(jit, source) | (static_cast<uint32_t>(role) << kRoleShift),
            expires_at};
  }
  // Names a source (a group or a grant) whatever the pool and role.
  static uint32_t SourceKeyOf(bool jit, uint32_t source) { return (jit ? kJitBit : 0) | source; }
  Role role() const { return static_cast<Role>((meta >> kRoleShift) & 3); }
  bool jit() const { return (meta & kJitBit) != 0; }
  uint32_t source() const { return meta & kSourceMask; }
  uint32_t SourceKey() const { return meta & ~(3u << kRoleShift); }
  // Orders by pool, then groups before grants, each by index; role is ignored so that duplicates
  // of one source sort next to each other.
  uint64_t SortKey() const { return (static_cast<uint64_t>(pool) << 32) | SourceKey(); }
};
static_assert(sizeof(Entry) == 16);

// The entries of the users at kChunkUsers consecutive slot positions (free positions: none).
struct UserChunk {
  std::vector<Entry> entries;                     // user by user; each user's sorted by SortKey
  std::array<uint32_t, kChunkUsers + 1> begin{};  // local position → first entry in `entries`
  bool has_jit = false;                           // whether any entry comes from a JIT grant
};

const std::shared_ptr<const UserChunk>& EmptyChunk() {
  static const auto* empty = new std::shared_ptr<const UserChunk>(std::make_shared<UserChunk>());
  return *empty;
}

// A change to one user's entries: add `entry`, or remove every entry whose source key is
// `entry.meta`. A user's ops apply in the order they were made.
struct Op {
  uint32_t user;  // dense index while ops are made; slot position once FinishOps resolves them
  bool add;
  Entry entry;
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

// Orders ops by user, keeping each user's ops in the order they were made.
void SortByUser(std::vector<Op>& ops, size_t n_users) {
  if (ops.size() * 8 < n_users) {
    std::stable_sort(ops.begin(), ops.end(),
                     [](const Op& a, const Op& b) { return a.user < b.user; });
    return;
  }
  std::vector<uint32_t> start(n_users + 1, 0);  // a counting sort: O(ops + users)
  for (const Op& op : ops) ++start[op.user + 1];
  for (size_t u = 0; u < n_users; ++u) start[u + 1] += start[u];
  std::vector<Op> sorted(ops.size());
  for (const Op& op : ops) sorted[start[op.user]++] = op;
  ops.swap(sorted);
}

// Member ids of `a` not in `b` (each once).
std::vector<std::string_view> MembersNotIn(const Group& a, const Group& b) {
  std::vector<std::string_view> in_b(b.member_ids.begin(), b.member_ids.end());
  std::sort(in_b.begin(), in_b.end());
  std::vector<std::string_view> out;
  for (const std::string& m : a.member_ids)
    if (!std::binary_search(in_b.begin(), in_b.end(), std::string_view(m))) out.push_back(m);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

class FlatAccessIndex final : public AccessIndex {
 public:
  // A full build.
  explicit FlatAccessIndex(const Directory& dir);
  // A copy sharing every table and chunk with `other`, ready to be changed.
  FlatAccessIndex(const FlatAccessIndex& other) = default;

  AccessDecision Check(std::string_view user_id, std::string_view agent_pool_id,
                       Permission permission, Millis now) const override;
  std::vector<PoolAccessSummary> AccessOf(std::string_view user_id, Millis now) const override;
  std::shared_ptr<const AccessIndex> WithGrants(
      const std::vector<Grant>& active_grants) const override;
  std::shared_ptr<const AccessIndex> WithChanges(
      std::span<const AccessChange> changes) const override;
  size_t user_count() const override { return live_[kUsers]; }
  size_t pool_count() const override { return live_[kPools]; }
  size_t group_count() const override { return live_[kGroups]; }
  size_t grant_count() const override { return live_[kGrants]; }
  size_t stale_count() const override {
    return stale_[kUsers] + stale_[kPools] + stale_[kGroups] + stale_[kGrants];
  }

 private:
  // ---- changing a copy that is not yet published ----
  // Starts a change of this (unpublished) copy: tables are copied on their first change.
  void BeginEdit() { owned_ = {}; }
  // Table `t`, writable.
  IdTable& Mut(TableKind t);
  // Interns `id` in table `t`; a new id starts absent. Returns its position.
  uint32_t InternRef(TableKind t, std::string_view id);
  // Sets whether the id at `pos` of table `t` is present (with `extra` flags), keeping counts.
  void SetPresent(TableKind t, uint32_t pos, bool present, uint32_t extra = 0);
  // The key an op uses for user `id` (its dense index), interning it.
  uint32_t UserKey(std::string_view id) {
    const uint32_t pos = InternRef(kUsers, id);  // may replace tables_[kUsers]: read it after
    return tables_[kUsers]->IndexAt(pos);
  }
  // The dense index of pool `id`, interning it.
  uint32_t PoolIndex(std::string_view id) {
    const uint32_t pos = InternRef(kPools, id);  // may replace tables_[kPools]: read it after
    return tables_[kPools]->IndexAt(pos);
  }
  // Requests the hash slots that resolving `g` will read (bulk changes are bound by those misses).
  void PrefetchIdsOf(const Grant& g) const {
    for (const std::string& user : g.user_ids) users().Prefetch(IdTable::Hash(user));
    for (const std::string& pool : g.agent_pool_ids) pools().Prefetch(IdTable::Hash(pool));
    tables_[kGrants]->Prefetch(IdTable::Hash(g.id));
  }
  // Moves every chunk's entries from the users' positions in `old` (the user table before it
  // grew) to their positions now.
  void RemapChunks(const IdTable& old);
  // Applies `ops` (made with dense user indexes) once every id is interned: re-lays the chunks out
  // if the user table grew since `old_users` (null: chunks are already laid out for the table).
  void FinishOps(std::vector<Op>& ops, const IdTable* old_users);
  // The ops of one change.
  void ChangeOps(const Replacement<User>& r, std::vector<Op>& ops);
  void ChangeOps(const Replacement<AgentPool>& r, std::vector<Op>& ops);
  void ChangeOps(const Replacement<Group>& r, std::vector<Op>& ops);
  void ChangeOps(const Replacement<Grant>& r, std::vector<Op>& ops);
  // Ops adding (or removing) the entries group number `gi` (holding `g`) gives `members`.
  void GroupOps(const Group& g, uint32_t gi, bool add, const std::vector<std::string_view>& members,
                std::vector<Op>& ops);
  // Ops removing active grant `before`'s entries (if any), then adding active grant `after`'s.
  void GrantOps(const Grant* before, const Grant* after, std::vector<Op>& ops);
  // Applies `ops` (keyed by position): rebuilds the chunks they touch.
  void ApplyOps(std::vector<Op>& ops);
  // Drops every JIT entry.
  void StripJit();

  // ---- reading ----
  const IdTable& users() const { return *tables_[kUsers]; }
  const IdTable& pools() const { return *tables_[kPools]; }
  // Asks for the entry range of the user whose hash is `user_hash`, assuming the user sits in its
  // home slot (usually true); costs nothing to be wrong about.
  void PrefetchUserEntries(uint64_t user_hash) const;
  // The entries of the user at slot position `us` on every pool: [*first, *last).
  void UserEntries(uint32_t us, const Entry** first, const Entry** last) const;
  // Fills `out` (role, sources, valid_until) from one user's entries on one pool.
  template <typename Out>
  void Decide(const Entry* begin, const Entry* end, Millis now, Out& out) const;

  std::array<std::shared_ptr<IdTable>, kTableCount> tables_;  // never changed once published
  std::vector<std::shared_ptr<const UserChunk>> chunks_;      // chunk i: positions [256i, 256i+256)
  std::array<size_t, kTableCount> live_{}, stale_{};          // present / absent ids per table
  std::array<bool, kTableCount> owned_{};  // during a change: tables_[t] is this copy's own
};

// ---- building ----

FlatAccessIndex::FlatAccessIndex(const Directory& dir) {
  for (auto& t : tables_) t = std::make_shared<IdTable>();
  owned_.fill(true);
  IdTable& users = *tables_[kUsers];
  users.Reserve(dir.users.size());
  tables_[kPools]->Reserve(dir.pools.size());
  tables_[kGroups]->Reserve(dir.groups.size());
  tables_[kGrants]->Reserve(dir.active_grants.size());
  for (const User& u : dir.users) {
    const uint32_t pos = users.Intern(u.id);
    // A (malformed) repeated id is disabled if any copy is.
    if (u.disabled) users.SetFlags(pos, users.FlagsAt(pos) | kDisabled);
  }
  for (const AgentPool& p : dir.pools) tables_[kPools]->Intern(p.id);
  for (const Group& g : dir.groups) tables_[kGroups]->Intern(g.id);
  for (size_t t = 0; t < kTableCount; ++t) live_[t] = tables_[t]->size();

  std::vector<Op> ops;
  std::vector<std::string_view> members;
  for (const Group& g : dir.groups) {
    members.assign(g.member_ids.begin(), g.member_ids.end());
    GroupOps(g, tables_[kGroups]->Find(g.id), true, members, ops);
  }
  for (size_t i = 0; i < dir.active_grants.size(); ++i) {
    if (i + kLookAhead < dir.active_grants.size()) PrefetchIdsOf(dir.active_grants[i + kLookAhead]);
    GrantOps(nullptr, &dir.active_grants[i], ops);
  }
  chunks_.assign(users.slot_count() / kChunkUsers, EmptyChunk());
  FinishOps(ops, nullptr);
}

IdTable& FlatAccessIndex::Mut(TableKind t) {
  if (!owned_[t]) {
    tables_[t] = std::make_shared<IdTable>(*tables_[t]);
    owned_[t] = true;
  }
  return *tables_[t];
}

uint32_t FlatAccessIndex::InternRef(TableKind t, std::string_view id) {
  // A shared table is searched first so that it is not copied for an id it already has.
  if (!owned_[t]) {
    const uint32_t pos = tables_[t]->FindSlot(id, IdTable::Hash(id));
    if (pos != IdTable::kMissing) return pos;
  }
  IdTable& table = Mut(t);
  const size_t before = table.size();
  const uint32_t pos = table.Intern(id);
  if (table.size() != before) {
    table.SetFlags(pos, kAbsent);
    ++stale_[t];
  }
  return pos;
}

void FlatAccessIndex::SetPresent(TableKind t, uint32_t pos, bool present, uint32_t extra) {
  const uint32_t old = tables_[t]->FlagsAt(pos);
  const uint32_t flags = (present ? 0 : kAbsent) | extra;
  if (old == flags) return;
  if ((old & kAbsent) && present) {
    ++live_[t];
    --stale_[t];
  } else if (!(old & kAbsent) && !present) {
    --live_[t];
    ++stale_[t];
  }
  Mut(t).SetFlags(pos, flags);
}

void FlatAccessIndex::GroupOps(const Group& g, uint32_t gi, bool add,
                               const std::vector<std::string_view>& members, std::vector<Op>& ops) {
  if (gi > Entry::kSourceMask) return;  // beyond 2^29 groups: cannot be encoded (never happens)
  const uint32_t key = Entry::SourceKeyOf(false, gi);
  std::vector<std::pair<uint32_t, Role>> pool_roles;
  if (add) {
    for (const PoolAccess& a : g.pool_access) {
      if (a.role == Role::kNone) continue;
      pool_roles.emplace_back(PoolIndex(a.agent_pool_id), a.role);
    }
    if (pool_roles.empty()) return;
  }
  for (size_t i = 0; i < members.size(); ++i) {
    if (i + kLookAhead < members.size()) users().Prefetch(IdTable::Hash(members[i + kLookAhead]));
    if (!add) {
      const uint32_t pos = users().FindSlot(members[i], IdTable::Hash(members[i]));
      if (pos != IdTable::kMissing) ops.push_back({users().IndexAt(pos), false, Entry{0, key, 0}});
      continue;
    }
    const uint32_t user = UserKey(members[i]);
    for (const auto& [pi, role] : pool_roles)
      ops.push_back({user, true, Entry::Make(pi, role, false, gi, kNever)});
  }
}

void FlatAccessIndex::GrantOps(const Grant* before, const Grant* after, std::vector<Op>& ops) {
  if (before && before->status != GrantStatus::kActive) before = nullptr;
  if (after && after->status != GrantStatus::kActive) after = nullptr;
  if (!before && !after) return;
  const std::string& id = after ? after->id : before->id;
  uint32_t pos;
  if (after) {
    pos = InternRef(kGrants, id);
    SetPresent(kGrants, pos, true);
  } else {
    pos = tables_[kGrants]->FindSlot(id, IdTable::Hash(id));
    if (pos == IdTable::kMissing) return;
    SetPresent(kGrants, pos, false);
  }
  const uint32_t gi = tables_[kGrants]->IndexAt(pos);
  if (gi > Entry::kSourceMask) return;  // as for groups
  if (before) {
    for (const std::string& user : before->user_ids) {
      const uint32_t us = users().FindSlot(user, IdTable::Hash(user));
      if (us != IdTable::kMissing)
        ops.push_back({users().IndexAt(us), false, Entry{0, Entry::SourceKeyOf(true, gi), 0}});
    }
  }
  if (!after || after->role == Role::kNone) return;
  std::vector<uint32_t> pools;
  for (const std::string& pool : after->agent_pool_ids) pools.push_back(PoolIndex(pool));
  for (const std::string& user : after->user_ids) {
    const uint32_t key = UserKey(user);
    for (uint32_t pi : pools)
      ops.push_back({key, true, Entry::Make(pi, after->role, true, gi, after->expires_at)});
  }
}

void FlatAccessIndex::ApplyOps(std::vector<Op>& ops) {
  SortByUser(ops, users().slot_count());
  std::vector<Entry> scratch;  // one user's entries while its ops apply
  size_t i = 0;
  while (i < ops.size()) {
    const uint32_t c = ops[i].user >> kChunkBits;
    const UserChunk& old = *chunks_[c];
    auto chunk = std::make_shared<UserChunk>();
    size_t adds = 0;
    for (size_t j = i; j < ops.size() && (ops[j].user >> kChunkBits) == c; ++j) adds += ops[j].add;
    chunk->entries.reserve(old.entries.size() + adds);
    for (uint32_t local = 0; local < kChunkUsers; ++local) {
      const uint32_t pos = (c << kChunkBits) | local;
      chunk->begin[local] = static_cast<uint32_t>(chunk->entries.size());
      const Entry* first = old.entries.data() + old.begin[local];
      const Entry* last = old.entries.data() + old.begin[local + 1];
      if (i == ops.size() || ops[i].user != pos) {
        chunk->entries.insert(chunk->entries.end(), first, last);
        continue;
      }
      scratch.assign(first, last);
      for (; i < ops.size() && ops[i].user == pos; ++i) {
        const Op& op = ops[i];
        if (op.add) {
          scratch.push_back(op.entry);
        } else {
          std::erase_if(scratch, [&](const Entry& e) { return e.SourceKey() == op.entry.meta; });
        }
      }
      Entry* kept = SortAndMerge(scratch.data(), scratch.data() + scratch.size());
      chunk->entries.insert(chunk->entries.end(), scratch.data(), kept);
    }
    chunk->begin[kChunkUsers] = static_cast<uint32_t>(chunk->entries.size());
    chunk->has_jit = std::any_of(chunk->entries.begin(), chunk->entries.end(),
                                 [](const Entry& e) { return e.jit(); });
    if (chunk->entries.empty()) {
      chunks_[c] = EmptyChunk();
    } else {
      chunks_[c] = std::move(chunk);
    }
  }
}

// ---- changing ----

void FlatAccessIndex::RemapChunks(const IdTable& old) {
  std::vector<uint32_t> old_pos(old.size());
  for (uint32_t pos = 0; pos < old.slot_count(); ++pos)
    if (old.Used(pos)) old_pos[old.IndexAt(pos)] = pos;
  const IdTable& table = users();
  const std::vector<std::shared_ptr<const UserChunk>> old_chunks = std::move(chunks_);
  chunks_.assign(table.slot_count() / kChunkUsers, EmptyChunk());
  for (size_t c = 0; c < chunks_.size(); ++c) {
    auto chunk = std::make_shared<UserChunk>();
    for (uint32_t local = 0; local < kChunkUsers; ++local) {
      const auto pos = static_cast<uint32_t>((c << kChunkBits) | local);
      chunk->begin[local] = static_cast<uint32_t>(chunk->entries.size());
      if (!table.Used(pos) || table.IndexAt(pos) >= old_pos.size()) continue;  // none / new
      const uint32_t from = old_pos[table.IndexAt(pos)];
      const UserChunk& prev = *old_chunks[from >> kChunkBits];
      const uint32_t prev_local = from & (kChunkUsers - 1);
      chunk->entries.insert(chunk->entries.end(), prev.entries.begin() + prev.begin[prev_local],
                            prev.entries.begin() + prev.begin[prev_local + 1]);
    }
    chunk->begin[kChunkUsers] = static_cast<uint32_t>(chunk->entries.size());
    chunk->has_jit = std::any_of(chunk->entries.begin(), chunk->entries.end(),
                                 [](const Entry& e) { return e.jit(); });
    if (!chunk->entries.empty()) chunks_[c] = std::move(chunk);
  }
}

void FlatAccessIndex::FinishOps(std::vector<Op>& ops, const IdTable* old_users) {
  const IdTable& users = this->users();
  if (old_users && old_users->slot_count() != users.slot_count()) RemapChunks(*old_users);
  if (ops.size() * 8 >= users.slot_count()) {  // many ops: one pass over the slots
    std::vector<uint32_t> pos_of(users.size());
    for (uint32_t pos = 0; pos < users.slot_count(); ++pos)
      if (users.Used(pos)) pos_of[users.IndexAt(pos)] = pos;
    for (Op& op : ops) op.user = pos_of[op.user];
  } else {
    for (Op& op : ops) {
      const std::string_view id = users.At(op.user);
      op.user = users.FindSlot(id, IdTable::Hash(id));
    }
  }
  ApplyOps(ops);
}

void FlatAccessIndex::ChangeOps(const Replacement<User>& r, std::vector<Op>&) {
  if (r.after) {
    SetPresent(kUsers, InternRef(kUsers, r.after->id), true, r.after->disabled ? kDisabled : 0);
  } else if (r.before) {
    const uint32_t pos = users().FindSlot(r.before->id, IdTable::Hash(r.before->id));
    if (pos != IdTable::kMissing) SetPresent(kUsers, pos, false);
  }
}

void FlatAccessIndex::ChangeOps(const Replacement<AgentPool>& r, std::vector<Op>&) {
  if (r.after) {
    SetPresent(kPools, InternRef(kPools, r.after->id), true);
  } else if (r.before) {
    const uint32_t pos = pools().FindSlot(r.before->id, IdTable::Hash(r.before->id));
    if (pos != IdTable::kMissing) SetPresent(kPools, pos, false);
  }
}

void FlatAccessIndex::ChangeOps(const Replacement<Group>& r, std::vector<Op>& ops) {
  const Group* before = r.before.get();
  const Group* after = r.after.get();
  if (!before && !after) return;
  const std::string& id = after ? after->id : before->id;
  uint32_t pos;
  if (after) {
    pos = InternRef(kGroups, id);
    SetPresent(kGroups, pos, true);
  } else {
    pos = tables_[kGroups]->FindSlot(id, IdTable::Hash(id));
    if (pos == IdTable::kMissing) return;
    SetPresent(kGroups, pos, false);
  }
  const uint32_t gi = tables_[kGroups]->IndexAt(pos);
  if (before && after && before->pool_access == after->pool_access) {
    // Only membership changed (the common case): touch only those who left or joined.
    GroupOps(*before, gi, false, MembersNotIn(*before, *after), ops);
    GroupOps(*after, gi, true, MembersNotIn(*after, *before), ops);
    return;
  }
  if (before) {
    GroupOps(*before, gi, false, {before->member_ids.begin(), before->member_ids.end()}, ops);
  }
  if (after) GroupOps(*after, gi, true, {after->member_ids.begin(), after->member_ids.end()}, ops);
}

void FlatAccessIndex::ChangeOps(const Replacement<Grant>& r, std::vector<Op>& ops) {
  GrantOps(r.before.get(), r.after.get(), ops);
}

std::shared_ptr<const AccessIndex> FlatAccessIndex::WithChanges(
    std::span<const AccessChange> changes) const {
  auto next = std::make_shared<FlatAccessIndex>(*this);
  next->BeginEdit();  // so this->tables_ stay as they are: the old layout for FinishOps
  std::vector<Op> ops;
  for (const AccessChange& c : changes)
    std::visit([&](const auto& r) { next->ChangeOps(r, ops); }, c);
  next->FinishOps(ops, tables_[kUsers].get());
  return next;
}

void FlatAccessIndex::StripJit() {
  for (auto& c : chunks_) {
    if (!c->has_jit) continue;
    auto chunk = std::make_shared<UserChunk>();
    for (uint32_t local = 0; local < kChunkUsers; ++local) {
      chunk->begin[local] = static_cast<uint32_t>(chunk->entries.size());
      for (uint32_t i = c->begin[local]; i < c->begin[local + 1]; ++i)
        if (!c->entries[i].jit()) chunk->entries.push_back(c->entries[i]);
    }
    chunk->begin[kChunkUsers] = static_cast<uint32_t>(chunk->entries.size());
    c = std::move(chunk);
  }
}

std::shared_ptr<const AccessIndex> FlatAccessIndex::WithGrants(
    const std::vector<Grant>& active_grants) const {
  auto next = std::make_shared<FlatAccessIndex>(*this);
  next->BeginEdit();
  next->StripJit();
  next->tables_[kGrants] = std::make_shared<IdTable>();
  next->owned_[kGrants] = true;
  next->tables_[kGrants]->Reserve(active_grants.size());
  next->live_[kGrants] = next->stale_[kGrants] = 0;
  std::vector<Op> ops;
  for (size_t i = 0; i < active_grants.size(); ++i) {
    if (i + kLookAhead < active_grants.size()) next->PrefetchIdsOf(active_grants[i + kLookAhead]);
    next->GrantOps(nullptr, &active_grants[i], ops);
  }
  next->FinishOps(ops, tables_[kUsers].get());
  return next;
}

// ---- reading ----

void FlatAccessIndex::PrefetchUserEntries(uint64_t user_hash) const {
  const uint32_t home = users().HomeSlot(user_hash);
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
      out.sources.push_back(
          {AccessSource::Type::kJit, tables_[kGrants]->At(e->source()), e->expires_at});
    } else {
      out.sources.push_back(
          {AccessSource::Type::kGroup, tables_[kGroups]->At(e->source()), std::nullopt});
    }
  }
  out.role = role;
  if (role != Role::kNone && until != kNever) out.valid_until = until;
}

AccessDecision FlatAccessIndex::Check(std::string_view user_id, std::string_view agent_pool_id,
                                      Permission permission, Millis now) const {
  AccessDecision d;
  const IdTable& users = this->users();
  const IdTable& pools = this->pools();
  // Both hash slots are requested before either is examined: their cache misses overlap.
  const uint64_t user_hash = IdTable::Hash(user_id), pool_hash = IdTable::Hash(agent_pool_id);
  users.Prefetch(user_hash);
  pools.Prefetch(pool_hash);
  PrefetchUserEntries(user_hash);
  const uint32_t us = users.FindSlot(user_id, user_hash);
  if (us == IdTable::kMissing || users.FlagsAt(us) != 0) return d;  // unknown, absent, disabled
  const Entry *first, *last;
  UserEntries(us, &first, &last);
  if (first == last) return d;
  const uint32_t ps = pools.FindSlot(agent_pool_id, pool_hash);
  if (ps == IdTable::kMissing || pools.FlagsAt(ps) != 0) return d;
  const uint32_t pi = pools.IndexAt(ps);
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
  const uint32_t us = users().FindSlot(user_id, IdTable::Hash(user_id));
  if (us == IdTable::kMissing || users().FlagsAt(us) != 0) return out;
  const Entry *e, *last;
  UserEntries(us, &e, &last);
  while (e != last) {
    const Entry* end = e;
    while (end != last && end->pool == e->pool) ++end;
    PoolAccessSummary s;
    s.agent_pool_id = pools().At(e->pool);
    const uint32_t ps = pools().FindSlot(s.agent_pool_id, IdTable::Hash(s.agent_pool_id));
    if (pools().FlagsAt(ps) == 0) {
      Decide(e, end, now, s);
      if (s.role != Role::kNone) out.push_back(std::move(s));
    }
    e = end;
  }
  // Entries are in interning order; the contract wants pool id order.
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
