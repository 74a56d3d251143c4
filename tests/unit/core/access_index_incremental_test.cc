// AccessIndex::WithChanges: after any sequence of changes, the derived snapshot must answer every
// check and AccessOf exactly like a fresh Build of the same directory (sources compared as sets),
// including at the very millisecond a grant expires; older snapshots must never change.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "core/access_index.h"

namespace jitgate {
namespace {

constexpr Millis kNow = 1795521600000;

using SourceKey = std::tuple<AccessSource::Type, std::string, std::optional<Millis>>;

std::vector<SourceKey> Keys(const std::vector<AccessSource>& sources) {
  std::vector<SourceKey> out;
  for (const auto& s : sources) out.emplace_back(s.type, std::string(s.id), s.expires_at);
  std::sort(out.begin(), out.end());
  return out;
}

// A readable difference between two decisions, or "" when they agree.
std::string Diff(const AccessDecision& got, const AccessDecision& want) {
  if (got.allowed != want.allowed) return "allowed differs";
  if (got.role != want.role) return "role differs";
  if (got.valid_until != want.valid_until) return "valid_until differs";
  if (Keys(got.sources) != Keys(want.sources)) return "sources differ";
  return "";
}

// The directory as a set of maps, changed by random steps; each step also yields the
// AccessChanges that describe it.
class Model {
 public:
  explicit Model(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }

  // Ids the checks ask about: every id ever used, plus ids that never existed.
  std::vector<std::string> user_ids, pool_ids;

  Directory ToDirectory() const {
    Directory d;
    for (const auto& [_, u] : users_) d.users.push_back(*u);
    for (const auto& [_, p] : pools_) d.pools.push_back(*p);
    for (const auto& [_, g] : groups_) d.groups.push_back(*g);
    for (const auto& [_, g] : grants_) d.active_grants.push_back(*g);
    return d;
  }

  // Expiry instants worth checking at (each grant's expiry and the millisecond before it).
  std::vector<Millis> Instants() {
    std::vector<Millis> out = {kNow};
    for (const auto& [_, g] : grants_) {
      if (Pick(4) == 0) {
        out.push_back(g->expires_at);
        out.push_back(g->expires_at - 1);
      }
    }
    return out;
  }

  void Populate(int n_users, int n_pools, int n_groups, int n_grants) {
    std::vector<AccessChange> ignored;
    for (int i = 0; i < n_users; ++i) AddUser(ignored);
    for (int i = 0; i < n_pools; ++i) AddPool(ignored);
    for (int i = 0; i < n_groups; ++i) PutGroup(ignored);
    for (int i = 0; i < n_grants; ++i) AddGrant(ignored);
  }

  // One random change; appends what it changed to `out`.
  void Step(std::vector<AccessChange>& out) {
    switch (Pick(12)) {
      case 0:
        AddUser(out);
        break;
      case 1:
        ChangeUser(out);
        break;
      case 2:
        AddPool(out);
        break;
      case 3:
        RemovePool(out);
        break;
      case 4:
        PutGroup(out);
        break;
      case 5:
        ChangeMembers(out);
        break;
      case 6:
        RemoveGroup(out);
        break;
      case 7:
      case 8:
        AddGrant(out);
        break;
      default:
        EndGrant(out);
        break;
    }
  }

 private:
  template <typename T>
  using Map = std::map<std::string, std::shared_ptr<const T>>;

  template <typename T>
  static void Put(Map<T>& m, std::shared_ptr<const T> after, std::vector<AccessChange>& out) {
    auto& slot = m[after->id];
    out.push_back(Replacement<T>{slot, after});
    slot = std::move(after);
  }
  template <typename T>
  static void Remove(Map<T>& m, const std::string& id, std::vector<AccessChange>& out) {
    auto it = m.find(id);
    if (it == m.end()) return;
    out.push_back(Replacement<T>{it->second, nullptr});
    m.erase(it);
  }
  template <typename T>
  std::shared_ptr<const T> Any(const Map<T>& m) {
    if (m.empty()) return nullptr;
    auto it = m.begin();
    std::advance(it, Pick(static_cast<int>(m.size())));
    return it->second;
  }
  // A user id: mostly existing ones, sometimes one that only grants or groups name.
  std::string SomeUser() {
    if (user_ids.empty() || Pick(10) == 0) {
      user_ids.push_back("user-" + std::to_string(next_id_++));
      return user_ids.back();
    }
    return user_ids[Pick(static_cast<int>(user_ids.size()))];
  }
  std::string SomePool() {
    if (pool_ids.empty() || Pick(12) == 0) {
      pool_ids.push_back("pool-" + std::to_string(next_id_++));
      return pool_ids.back();
    }
    return pool_ids[Pick(static_cast<int>(pool_ids.size()))];
  }
  Role SomeRole() { return Pick(2) ? Role::kStandard : Role::kPrivileged; }

  void AddUser(std::vector<AccessChange>& out) {
    User u;
    // Sometimes a user who grants already name (the id was only a reference so far).
    u.id = Pick(3) == 0 && !user_ids.empty() ? SomeUser() : "user-" + std::to_string(next_id_++);
    if (std::find(user_ids.begin(), user_ids.end(), u.id) == user_ids.end())
      user_ids.push_back(u.id);
    u.disabled = Pick(8) == 0;
    Put(users_, std::make_shared<const User>(u), out);
  }
  void ChangeUser(std::vector<AccessChange>& out) {
    auto u = Any(users_);
    if (!u) return;
    if (Pick(3) == 0) return Remove(users_, u->id, out);
    User changed = *u;
    changed.disabled = !changed.disabled;
    Put(users_, std::make_shared<const User>(changed), out);
  }
  void AddPool(std::vector<AccessChange>& out) {
    AgentPool p;
    p.id = Pick(3) == 0 && !pool_ids.empty() ? SomePool() : "pool-" + std::to_string(next_id_++);
    if (std::find(pool_ids.begin(), pool_ids.end(), p.id) == pool_ids.end())
      pool_ids.push_back(p.id);
    Put(pools_, std::make_shared<const AgentPool>(p), out);
  }
  void RemovePool(std::vector<AccessChange>& out) {
    if (auto p = Any(pools_); p && Pick(2) == 0) Remove(pools_, p->id, out);
  }
  void PutGroup(std::vector<AccessChange>& out) {
    Group g;
    auto old = Any(groups_);
    g.id = old && Pick(2) ? old->id : "group-" + std::to_string(next_id_++);
    for (int k = 0, n = Pick(40); k < n; ++k) g.member_ids.push_back(SomeUser());
    for (int k = 0, n = Pick(4); k < n; ++k) g.pool_access.push_back({SomePool(), SomeRole()});
    Put(groups_, std::make_shared<const Group>(g), out);
  }
  void ChangeMembers(std::vector<AccessChange>& out) {
    auto old = Any(groups_);
    if (!old) return;
    Group g = *old;
    if (!g.member_ids.empty() && Pick(2)) {
      g.member_ids.erase(g.member_ids.begin() + Pick(static_cast<int>(g.member_ids.size())));
    } else {
      g.member_ids.push_back(SomeUser());
    }
    Put(groups_, std::make_shared<const Group>(g), out);
  }
  void RemoveGroup(std::vector<AccessChange>& out) {
    if (auto g = Any(groups_)) Remove(groups_, g->id, out);
  }
  void AddGrant(std::vector<AccessChange>& out) {
    Grant g;
    g.id = "grant-" + std::to_string(next_id_++);
    g.role = SomeRole();
    for (int k = 0, n = 1 + Pick(3); k < n; ++k) g.user_ids.push_back(SomeUser());
    for (int k = 0, n = 1 + Pick(2); k < n; ++k) g.agent_pool_ids.push_back(SomePool());
    g.expires_at = kNow + (Pick(6) - 1) * 1000 + Pick(3);  // some already over
    Put(grants_, std::make_shared<const Grant>(g), out);
  }
  void EndGrant(std::vector<AccessChange>& out) {
    auto g = Any(grants_);
    if (!g) return;
    if (Pick(2)) return Remove(grants_, g->id, out);
    // Revoked: the change carries the grant with its new status; the mirror drops it.
    Grant revoked = *g;
    revoked.status = GrantStatus::kRevoked;
    out.push_back(Replacement<Grant>{g, std::make_shared<const Grant>(revoked)});
    grants_.erase(g->id);
  }

  std::mt19937 rng_;
  int next_id_ = 0;
  Map<User> users_;
  Map<AgentPool> pools_;
  Map<Group> groups_;
  Map<Grant> grants_;
};

// Every check and AccessOf of `got` against `want`; returns the number of allowed checks.
int ExpectSameAnswers(const AccessIndex& got, const AccessIndex& want, Model& m,
                      const std::vector<Millis>& instants) {
  int allowed = 0;
  for (Millis now : instants) {
    for (const std::string& u : m.user_ids) {
      for (const std::string& p : m.pool_ids) {
        for (Permission perm : {Permission::kUse, Permission::kIgnoreQuota}) {
          const AccessDecision w = want.Check(u, p, perm, now);
          const std::string diff = Diff(got.Check(u, p, perm, now), w);
          if (!diff.empty()) {
            ADD_FAILURE() << diff << ": " << u << " on " << p << " at now+" << now - kNow;
            return allowed;
          }
          allowed += w.allowed;
        }
      }
      const auto a = got.AccessOf(u, now), b = want.AccessOf(u, now);
      EXPECT_EQ(a.size(), b.size()) << "AccessOf " << u;
      for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        EXPECT_EQ(a[i].agent_pool_id, b[i].agent_pool_id);
        EXPECT_EQ(a[i].role, b[i].role);
        EXPECT_EQ(a[i].valid_until, b[i].valid_until);
        EXPECT_EQ(Keys(a[i].sources), Keys(b[i].sources));
      }
    }
  }
  EXPECT_EQ(got.user_count(), want.user_count());
  EXPECT_EQ(got.pool_count(), want.pool_count());
  EXPECT_EQ(got.group_count(), want.group_count());
  EXPECT_EQ(got.grant_count(), want.grant_count());
  return allowed;
}

// Random single changes and small batches, from a directory small enough that adding users grows
// the user table (a re-layout of every chunk) several times.
TEST(AccessIndexIncrementalTest, AnySequenceAnswersLikeAFreshBuild) {
  Model m(20260124);
  m.Populate(100, 10, 8, 60);
  auto index = AccessIndex::Build(m.ToDirectory());
  struct Kept {
    std::shared_ptr<const AccessIndex> snapshot, rebuilt;
    std::vector<Millis> instants;
  };
  std::vector<Kept> kept;
  int allowed = 0;
  for (int step = 1; step <= 600; ++step) {
    std::vector<AccessChange> changes;
    for (int k = 0, n = m.Pick(4) == 0 ? 1 + m.Pick(6) : 1; k < n; ++k) m.Step(changes);
    index = index->WithChanges(changes);
    if (step % 40 == 0) {
      auto rebuilt = AccessIndex::Build(m.ToDirectory());
      const std::vector<Millis> instants = m.Instants();
      allowed += ExpectSameAnswers(*index, *rebuilt, m, instants);
      if (HasFailure()) return;
      kept.push_back({index, rebuilt, instants});
    }
  }
  EXPECT_GT(allowed, 1000);  // the comparison is not between two empty indexes
  EXPECT_GT(m.user_ids.size(), 300u);
  // Snapshots derived from earlier ones still answer as they did.
  for (Kept& k : kept) ExpectSameAnswers(*k.snapshot, *k.rebuilt, m, k.instants);
}

TEST(AccessIndexIncrementalTest, GrantAccessEndsAtItsExpiryMillisecond) {
  Directory dir;
  dir.users = {User{"alice", "", "", false, false, 0, ""}};
  dir.pools = {AgentPool{"p1", "one", "", 0}};
  auto index = AccessIndex::Build(dir);
  Grant g;
  g.id = "j1";
  g.user_ids = {"alice"};
  g.agent_pool_ids = {"p1"};
  g.expires_at = kNow + 1000;
  auto grant = std::make_shared<const Grant>(g);
  std::vector<AccessChange> add = {Replacement<Grant>{nullptr, grant}};
  auto with = index->WithChanges(add);
  EXPECT_TRUE(with->Check("alice", "p1", Permission::kUse, kNow + 999).allowed);
  EXPECT_EQ(with->Check("alice", "p1", Permission::kUse, kNow).valid_until, kNow + 1000);
  EXPECT_FALSE(with->Check("alice", "p1", Permission::kUse, kNow + 1000).allowed);
  EXPECT_FALSE(index->Check("alice", "p1", Permission::kUse, kNow).allowed);  // untouched
  std::vector<AccessChange> remove = {Replacement<Grant>{grant, nullptr}};
  auto without = with->WithChanges(remove);
  EXPECT_FALSE(without->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_EQ(without->grant_count(), 0u);
  EXPECT_EQ(without->stale_count(), 1u);  // the grant's id, until the next Build
  EXPECT_TRUE(with->Check("alice", "p1", Permission::kUse, kNow).allowed);  // untouched
}

TEST(AccessIndexIncrementalTest, DisablingAUserHidesAndRestoresItsAccess) {
  Directory dir;
  User alice{"alice", "", "", false, false, 0, ""};
  dir.users = {alice};
  dir.pools = {AgentPool{"p1", "one", "", 0}};
  dir.groups = {Group{"grp", "g", {"alice"}, {PoolAccess{"p1", Role::kPrivileged}}, 0}};
  auto index = AccessIndex::Build(dir);
  User off = alice;
  off.disabled = true;
  auto a = std::make_shared<const User>(alice), b = std::make_shared<const User>(off);
  std::vector<AccessChange> disable = {Replacement<User>{a, b}};
  auto disabled = index->WithChanges(disable);
  EXPECT_FALSE(disabled->Check("alice", "p1", Permission::kUse, kNow).allowed);
  EXPECT_TRUE(disabled->AccessOf("alice", kNow).empty());
  std::vector<AccessChange> enable = {Replacement<User>{b, a}};
  auto enabled = disabled->WithChanges(enable);
  EXPECT_TRUE(enabled->Check("alice", "p1", Permission::kIgnoreQuota, kNow).allowed);
}

}  // namespace
}  // namespace jitgate
