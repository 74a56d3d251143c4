// In-process access checks against the AccessIndex at two scales:
//   small: 10,000 users, 1,000 pools, 1,000 groups, 100 active grants (issue 2's target: < 300 ns)
//   large: 100,000 users, 10,000 pools, 10,000 groups, 100,000 active grants (issue 6: < 200 ns)
// Run (median of 5):
//   build/release/bench/access_check_bench --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>

#include "core/access_index.h"

namespace jitgate {
namespace {

constexpr Millis kNow = 1795514400000;

struct Scale {
  int users, pools, groups, grants;
};

std::string Id(char kind, int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%c%011d", i, kind, i);
  return buf;
}

Directory MakeDirectory(const Scale& s) {
  std::mt19937 rng(42);
  Directory d;
  for (int i = 0; i < s.users; ++i)
    d.users.push_back(User{Id('u', i), Id('e', i) + "@example.com", "u", false, false, 0, ""});
  for (int i = 0; i < s.pools; ++i)
    d.pools.push_back(AgentPool{Id('p', i), "pool" + std::to_string(i), "", 0});
  // Each user is in ~2 groups; each group has access to 3 pools.
  for (int g = 0; g < s.groups; ++g) {
    Group grp{Id('g', g), "group" + std::to_string(g), {}, {}, 0};
    for (int k = 0; k < 3; ++k)
      grp.pool_access.push_back(
          {Id('p', rng() % s.pools), k == 0 ? Role::kPrivileged : Role::kStandard});
    d.groups.push_back(std::move(grp));
  }
  for (int u = 0; u < s.users; ++u)
    for (int k = 0; k < 2; ++k) d.groups[rng() % s.groups].member_ids.push_back(Id('u', u));
  for (int i = 0; i < s.grants; ++i) {
    Grant g;
    g.id = Id('j', i);
    g.role = i % 2 ? Role::kPrivileged : Role::kStandard;
    g.user_ids = {Id('u', rng() % s.users)};
    g.agent_pool_ids = {Id('p', rng() % s.pools)};
    g.expires_at = kNow + 3600000 + i;
    d.active_grants.push_back(std::move(g));
  }
  return d;
}

// Queries are drawn beforehand, enough of them that the ids they touch do not all stay in cache
// (4096 pairs at the large scale would: the loop would then measure L2 hits, not the index).
constexpr size_t kQueries = size_t{1} << 16;

void BM_Check(benchmark::State& state, Scale s) {
  const Directory dir = MakeDirectory(s);
  auto index = AccessIndex::Build(dir);
  std::mt19937 rng(7);
  // Half the queries ask about a (user, pool) that has a grant, half are random (mostly misses).
  // The ids are copied back to back into one buffer so reading them is sequential and cheap.
  std::string buffer;
  std::vector<std::pair<size_t, size_t>> lengths;  // user id length, pool id length
  for (size_t i = 0; i < kQueries; ++i) {
    std::string user, pool;
    if (i % 2 == 0) {
      const Grant& g = dir.active_grants[rng() % dir.active_grants.size()];
      user = g.user_ids[0];
      pool = g.agent_pool_ids[0];
    } else {
      user = Id('u', rng() % s.users);
      pool = Id('p', rng() % s.pools);
    }
    buffer += user;
    buffer += pool;
    lengths.emplace_back(user.size(), pool.size());
  }
  std::vector<std::pair<std::string_view, std::string_view>> queries;
  for (size_t i = 0, at = 0; i < kQueries; ++i) {
    const auto [u, p] = lengths[i];
    queries.emplace_back(std::string_view(buffer).substr(at, u),
                         std::string_view(buffer).substr(at + u, p));
    at += u + p;
  }
  size_t i = 0, allowed = 0;
  for (auto _ : state) {
    const auto& q = queries[i++ & (kQueries - 1)];
    AccessDecision d = index->Check(q.first, q.second, Permission::kUse, kNow);
    allowed += d.allowed;
    benchmark::DoNotOptimize(d);
  }
  state.counters["allowed_ratio"] =
      static_cast<double>(allowed) / static_cast<double>(state.iterations());
}

void BM_Build(benchmark::State& state, Scale s) {
  const Directory dir = MakeDirectory(s);
  for (auto _ : state) benchmark::DoNotOptimize(AccessIndex::Build(dir));
}

// Publishing a changed grant list without a full rebuild (what the app does after a grant change).
void BM_WithGrants(benchmark::State& state, Scale s) {
  const Directory dir = MakeDirectory(s);
  auto index = AccessIndex::Build(dir);
  std::vector<Grant> grants = dir.active_grants;
  grants.pop_back();  // e.g. one revoked
  for (auto _ : state) benchmark::DoNotOptimize(index->WithGrants(grants));
}

// One change applied to the index (what AccessView::Publish does after a write): each iteration
// derives a new snapshot from the same base with `make(dir)`'s changes and drops it.
template <typename MakeChanges>
void ApplyBench(benchmark::State& state, Scale s, MakeChanges make) {
  const Directory dir = MakeDirectory(s);
  auto index = AccessIndex::Build(dir);
  const std::vector<AccessChange> changes = make(dir);
  for (auto _ : state) benchmark::DoNotOptimize(index->WithChanges(changes));
}

// A new grant for one user on one pool.
void BM_ApplyGrant(benchmark::State& state, Scale s) {
  ApplyBench(state, s, [](const Directory& dir) {
    Grant g = dir.active_grants[0];
    g.id = Id('n', 1);
    g.user_ids = {dir.users[dir.users.size() / 2].id};
    return std::vector<AccessChange>{Replacement<Grant>{nullptr, std::make_shared<Grant>(g)}};
  });
}

// A grant revoked.
void BM_ApplyRevoke(benchmark::State& state, Scale s) {
  ApplyBench(state, s, [](const Directory& dir) {
    auto g = std::make_shared<Grant>(dir.active_grants[dir.active_grants.size() / 2]);
    return std::vector<AccessChange>{Replacement<Grant>{g, nullptr}};
  });
}

// One member added to a group.
void BM_ApplyGroupMember(benchmark::State& state, Scale s) {
  ApplyBench(state, s, [](const Directory& dir) {
    auto before = std::make_shared<Group>(dir.groups[1]);
    auto after = std::make_shared<Group>(*before);
    after->member_ids.push_back(dir.users[7].id);
    return std::vector<AccessChange>{Replacement<Group>{before, after}};
  });
}

// A group's pool access changed (every member's entries from the group are redone).
void BM_ApplyGroupAccess(benchmark::State& state, Scale s) {
  ApplyBench(state, s, [](const Directory& dir) {
    auto before = std::make_shared<Group>(dir.groups[1]);
    auto after = std::make_shared<Group>(*before);
    after->pool_access.push_back({dir.pools[3].id, Role::kStandard});
    return std::vector<AccessChange>{Replacement<Group>{before, after}};
  });
}

// A new user, and a new pool.
void BM_ApplyUserAdd(benchmark::State& state, Scale s) {
  ApplyBench(state, s, [](const Directory&) {
    auto u = std::make_shared<User>(User{Id('x', 1), "x@example.com", "x", false, false, 0, ""});
    return std::vector<AccessChange>{Replacement<User>{nullptr, u}};
  });
}
void BM_ApplyPoolAdd(benchmark::State& state, Scale s) {
  ApplyBench(state, s, [](const Directory&) {
    auto p = std::make_shared<AgentPool>(AgentPool{Id('y', 1), "new", "", 0});
    return std::vector<AccessChange>{Replacement<AgentPool>{nullptr, p}};
  });
}

const Scale kSmall{10000, 1000, 1000, 100};
const Scale kLarge{100000, 10000, 10000, 100000};

BENCHMARK_CAPTURE(BM_Check, small_10k_users, kSmall);
BENCHMARK_CAPTURE(BM_Check, large_100k_users, kLarge);
BENCHMARK_CAPTURE(BM_Build, small_10k_users, kSmall)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Build, large_100k_users, kLarge)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(BM_WithGrants, small_10k_users, kSmall)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_WithGrants, large_100k_users, kLarge)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ApplyGrant, small_10k_users, kSmall)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyGrant, large_100k_users, kLarge)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyRevoke, small_10k_users, kSmall)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyRevoke, large_100k_users, kLarge)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyGroupMember, small_10k_users, kSmall)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyGroupMember, large_100k_users, kLarge)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyGroupAccess, small_10k_users, kSmall)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyGroupAccess, large_100k_users, kLarge)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyUserAdd, small_10k_users, kSmall)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyUserAdd, large_100k_users, kLarge)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyPoolAdd, small_10k_users, kSmall)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ApplyPoolAdd, large_100k_users, kLarge)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace jitgate

BENCHMARK_MAIN();
