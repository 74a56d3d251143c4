#include "store/postgres/pg_tx.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "core/audit_chain.h"
#include "store/scope_list.h"

namespace jitgate {
namespace {
constexpr const char* kUserCols =
    "id, email, name, role_manager, disabled, created_at, password_hash";
constexpr const char* kPoolCols = "id, name, description, created_at";
constexpr const char* kGrantCols =
    "id, name, role, reason, status, created_at, created_by, expires_at, revoked_at, revoked_by";
constexpr const char* kKeyCols =
    "id, label, prefix, user_id, scopes, created_at, expires_at, last_used_at, revoked_at, "
    "key_hash";
constexpr const char* kAuditCols = "seq, at, actor_id, actor_type, type, target_id, details, hash";
constexpr int64_t kAuditChunk = 500;  // rows per round trip in ForEachAudit

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// `%term%` for LIKE ... ESCAPE '\', with the user's wildcards escaped.
std::string LikePattern(const std::string& term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

std::string Cols(const char* cols, const char* rest) {
  return std::string("SELECT ") + cols + " " + rest;
}

User ReadUser(const PgResult& r, int i) {
  return User{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Bool(i, 3),
              r.Bool(i, 4), r.Int(i, 5),  r.Text(i, 6)};
}

AgentPool ReadPool(const PgResult& r, int i) {
  return AgentPool{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3)};
}

Group ReadGroupRow(const PgResult& r, int i) {
  Group g;
  g.id = r.Text(i, 0);
  g.name = r.Text(i, 1);
  g.created_at = r.Int(i, 2);
  return g;
}

Grant ReadGrant(const PgResult& r, int i) {
  Grant g;
  g.id = r.Text(i, 0);
  g.name = r.Text(i, 1);
  g.role = ParseRole(r.Text(i, 2)).value_or(Role::kStandard);
  g.reason = r.Text(i, 3);
  const std::string status = r.Text(i, 4);
  g.status = status == "REVOKED"   ? GrantStatus::kRevoked
             : status == "EXPIRED" ? GrantStatus::kExpired
                                   : GrantStatus::kActive;
  g.created_at = r.Int(i, 5);
  g.created_by = r.Text(i, 6);
  g.expires_at = r.Int(i, 7);
  g.revoked_at = r.OptInt(i, 8);
  g.revoked_by = r.OptText(i, 9);
  return g;
}

ApiKey ReadKey(const PgResult& r, int i) {
  ApiKey k;
  k.id = r.Text(i, 0);
  k.label = r.Text(i, 1);
  k.prefix = r.Text(i, 2);
  k.user_id = r.Text(i, 3);
  k.scopes = SplitScopes(r.OptText(i, 4));
  k.created_at = r.Int(i, 5);
  k.expires_at = r.OptInt(i, 6);
  k.last_used_at = r.OptInt(i, 7);
  k.revoked_at = r.OptInt(i, 8);
  k.key_hash = r.Text(i, 9);
  return k;
}

AuditEvent ReadAudit(const PgResult& r, int i) {
  AuditEvent e;
  e.seq = r.Int(i, 0);
  e.at = r.Int(i, 1);
  e.actor_id = r.OptText(i, 2);
  e.actor_type = ParseActorType(r.Text(i, 3)).value_or(ActorType::kSystem);
  e.type = r.Text(i, 4);
  e.target_id = r.OptText(i, 5);
  e.details_json = r.Text(i, 6);
  e.hash = r.Text(i, 7);
  return e;
}

// The first row of a query read by `read`; NotFound(what) when there is none.
template <typename T, typename F>
Result<T> One(Result<PgResult> r, const std::string& what, F&& read) {
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound(what);
  return read(*r, 0);
}

template <typename T, typename F>
Status All(Result<PgResult> r, std::vector<T>& out, F&& read) {
  if (!r.ok()) return r.status();
  for (int i = 0; i < r->rows(); ++i) out.push_back(read(*r, i));
  return Status::Ok();
}

Result<int64_t> Scalar(Result<PgResult> r) {
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::Internal("a count returned no row");
  return r->Int(0, 0);
}

// A WHERE clause with positional parameters, built from optional filters.
struct Where {
  std::string sql;
  PgParams params;
  // Adds `v` as the next parameter and returns its placeholder ("$3").
  template <typename T>
  std::string Arg(const T& v) {
    params.Add(v);
    return "$" + std::to_string(params.size());
  }
  void Add(const std::string& clause) { sql += (sql.empty() ? " WHERE " : " AND ") + clause; }
  // " LIMIT $n OFFSET $m" with the paging values appended to a copy of the parameters.
  std::string Page(int64_t limit, int64_t offset, PgParams& out) const {
    out = params;
    out.Add(limit).Add(offset);
    const size_t n = out.size();
    return " LIMIT $" + std::to_string(n - 1) + " OFFSET $" + std::to_string(n);
  }
};

}  // namespace

// ---- users ----

Result<User> PgTx::GetUser(const std::string& id) {
  return One<User>(c_.Query(Cols(kUserCols, "FROM users WHERE id = $1"), PgParams().Add(id),
                            "get user"),
                   "no such user", ReadUser);
}

Result<User> PgTx::GetUserByEmail(const std::string& email) {
  return One<User>(c_.Query(Cols(kUserCols, "FROM users WHERE email = $1"),
                            PgParams().Add(Lower(email)), "get user by email"),
                   "no such user", ReadUser);
}

Result<Page<User>> PgTx::ListUsers(const UserQuery& q) {
  Where w;
  if (!q.search.empty()) {
    const std::string p = w.Arg(LikePattern(q.search));
    w.Add("(email ILIKE " + p + " ESCAPE '\\' OR name ILIKE " + p + " ESCAPE '\\')");
  }
  Page<User> page;
  ASSIGN_OR_RETURN(page.total,
                   Scalar(c_.Query("SELECT COUNT(*) FROM users" + w.sql, w.params, "count users")));
  PgParams params;
  const std::string paging = w.Page(q.limit, q.offset, params);
  RETURN_IF_ERROR(All(c_.Query(Cols(kUserCols, "FROM users") + w.sql + " ORDER BY email" + paging,
                               params, "list users"),
                      page.items, ReadUser));
  return page;
}

Result<int64_t> PgTx::CountEnabledRoleManagers() {
  return Scalar(c_.Query("SELECT COUNT(*) FROM users WHERE role_manager AND NOT disabled",
                         PgParams(), "count role managers"));
}

Status PgTx::InsertUser(const User& u) {
  return Recorded(ChangeKind::kUser, u.id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        PgResult r,
        c_.Query("INSERT INTO users (id, email, name, role_manager, disabled, created_at, "
                 "password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                 PgParams()
                     .Add(u.id)
                     .Add(Lower(u.email))
                     .Add(u.name)
                     .Add(u.role_manager)
                     .Add(u.disabled)
                     .Add(u.created_at)
                     .Add(u.password_hash),
                 "insert user"));
    if (r.affected() == 0) return Status::Conflict("email already in use");
    return Status::Ok();
  }());
}

Status PgTx::UpdateUser(const User& u) {
  return Recorded(ChangeKind::kUser, u.id, [&]() -> Status {
    // Checked first (writers are serialised) so a taken email does not abort the transaction.
    ASSIGN_OR_RETURN(int64_t taken,
                     Scalar(c_.Query("SELECT COUNT(*) FROM users WHERE email = $1 AND id <> $2",
                                     PgParams().Add(Lower(u.email)).Add(u.id), "check email")));
    if (taken > 0) return Status::Conflict("email already in use");
    return Change1(
        "UPDATE users SET email = $1, name = $2, role_manager = $3, disabled = $4, "
        "password_hash = $5 WHERE id = $6",
        PgParams()
            .Add(Lower(u.email))
            .Add(u.name)
            .Add(u.role_manager)
            .Add(u.disabled)
            .Add(u.password_hash)
            .Add(u.id),
        "update user", "no such user");
  }());
}

Status PgTx::DeleteUser(const std::string& id) {
  // Memberships, keys and sessions go with the user (ON DELETE CASCADE).
  return Recorded(ChangeKind::kUser, id,
                  Change1("DELETE FROM users WHERE id = $1", PgParams().Add(id), "delete user",
                          "no such user"));
}

Status PgTx::Change1(const std::string& sql, const PgParams& p, const char* what,
                     const char* not_found) {
  ASSIGN_OR_RETURN(PgResult r, c_.Query(sql, p, what));
  if (r.affected() == 0) return Status::NotFound(not_found);
  return Status::Ok();
}

// ---- agent pools ----

Result<AgentPool> PgTx::GetPool(const std::string& id) {
  return One<AgentPool>(c_.Query(Cols(kPoolCols, "FROM agent_pools WHERE id = $1"),
                                 PgParams().Add(id), "get agent pool"),
                        "no such agent pool", ReadPool);
}

Result<AgentPool> PgTx::GetPoolByName(const std::string& name) {
  return One<AgentPool>(c_.Query(Cols(kPoolCols, "FROM agent_pools WHERE name = $1"),
                                 PgParams().Add(name), "get agent pool by name"),
                        "no such agent pool", ReadPool);
}

Result<Page<AgentPool>> PgTx::ListPools(const PoolQuery& q) {
  Where w;
  if (!q.search.empty()) w.Add("name ILIKE " + w.Arg(LikePattern(q.search)) + " ESCAPE '\\'");
  Page<AgentPool> page;
  ASSIGN_OR_RETURN(page.total, Scalar(c_.Query("SELECT COUNT(*) FROM agent_pools" + w.sql,
                                               w.params, "count agent pools")));
  PgParams params;
  const std::string paging = w.Page(q.limit, q.offset, params);
  RETURN_IF_ERROR(All(c_.Query(Cols(kPoolCols, "FROM agent_pools") + w.sql +
                                   " ORDER BY lower(name), name, id" + paging,
                               params, "list agent pools"),
                      page.items, ReadPool));
  return page;
}

Status PgTx::InsertPool(const AgentPool& p) {
  return Recorded(ChangeKind::kPool, p.id, [&]() -> Status {
    ASSIGN_OR_RETURN(PgResult r,
                     c_.Query("INSERT INTO agent_pools (id, name, description, created_at) "
                              "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                              PgParams().Add(p.id).Add(p.name).Add(p.description).Add(p.created_at),
                              "insert agent pool"));
    if (r.affected() == 0) return Status::Conflict("agent pool name already in use");
    return Status::Ok();
  }());
}

Status PgTx::UpdatePool(const AgentPool& p) {
  return Recorded(ChangeKind::kPool, p.id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        int64_t taken,
        Scalar(c_.Query("SELECT COUNT(*) FROM agent_pools WHERE name = $1 AND id <> $2",
                        PgParams().Add(p.name).Add(p.id), "check agent pool name")));
    if (taken > 0) return Status::Conflict("agent pool name already in use");
    return Change1("UPDATE agent_pools SET name = $1, description = $2 WHERE id = $3",
                   PgParams().Add(p.name).Add(p.description).Add(p.id), "update agent pool",
                   "no such agent pool");
  }());
}

Status PgTx::DeletePool(const std::string& id) {
  return Recorded(ChangeKind::kPool, id,
                  Change1("DELETE FROM agent_pools WHERE id = $1", PgParams().Add(id),
                          "delete agent pool", "no such agent pool"));
}

// ---- groups ----

Status PgTx::LoadGroupMembers(Group& g) {
  g.member_ids.clear();
  g.pool_access.clear();
  RETURN_IF_ERROR(
      All(c_.Query("SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY position",
                   PgParams().Add(g.id), "load group members"),
          g.member_ids, [](const PgResult& r, int i) { return r.Text(i, 0); }));
  return All(c_.Query("SELECT pool_id, role FROM group_pool_access WHERE group_id = $1 "
                      "ORDER BY position",
                      PgParams().Add(g.id), "load group access"),
             g.pool_access, [](const PgResult& r, int i) {
               return PoolAccess{r.Text(i, 0), ParseRole(r.Text(i, 1)).value_or(Role::kStandard)};
             });
}

Result<Group> PgTx::GetGroup(const std::string& id) {
  ASSIGN_OR_RETURN(Group g, One<Group>(c_.Query("SELECT id, name, created_at FROM access_groups "
                                                "WHERE id = $1",
                                                PgParams().Add(id), "get group"),
                                       "no such group", ReadGroupRow));
  RETURN_IF_ERROR(LoadGroupMembers(g));
  return g;
}

Result<Page<Group>> PgTx::ListGroups(const GroupQuery& q) {
  Page<Group> page;
  ASSIGN_OR_RETURN(page.total, Scalar(c_.Query("SELECT COUNT(*) FROM access_groups", PgParams(),
                                               "count groups")));
  RETURN_IF_ERROR(All(c_.Query("SELECT id, name, created_at FROM access_groups ORDER BY "
                               "lower(name), name, id LIMIT $1 OFFSET $2",
                               PgParams().Add(q.limit).Add(q.offset), "list groups"),
                      page.items, ReadGroupRow));
  for (auto& g : page.items) RETURN_IF_ERROR(LoadGroupMembers(g));
  return page;
}

Status PgTx::WriteGroupMembers(const Group& g) {
  RETURN_IF_ERROR(c_.Query("DELETE FROM group_members WHERE group_id = $1", PgParams().Add(g.id),
                           "clear group members")
                      .status());
  RETURN_IF_ERROR(c_.Query("DELETE FROM group_pool_access WHERE group_id = $1",
                           PgParams().Add(g.id), "clear group access")
                      .status());
  for (size_t i = 0; i < g.member_ids.size(); ++i) {
    Status st = c_.Query("INSERT INTO group_members (group_id, user_id, position) "
                         "VALUES ($1, $2, $3)",
                         PgParams().Add(g.id).Add(g.member_ids[i]).Add(i), "insert group member")
                    .status();
    if (st.code() == Code::kConflict)
      return Status::Conflict("unknown or repeated group member " + g.member_ids[i]);
    RETURN_IF_ERROR(st);
  }
  for (size_t i = 0; i < g.pool_access.size(); ++i) {
    const PoolAccess& a = g.pool_access[i];
    Status st = c_.Query("INSERT INTO group_pool_access (group_id, pool_id, role, position) "
                         "VALUES ($1, $2, $3, $4)",
                         PgParams().Add(g.id).Add(a.agent_pool_id).Add(RoleName(a.role)).Add(i),
                         "insert group access")
                    .status();
    if (st.code() == Code::kConflict)
      return Status::Conflict("unknown or repeated agent pool " + a.agent_pool_id);
    RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

Status PgTx::InsertGroup(const Group& g) {
  return Recorded(ChangeKind::kGroup, g.id, [&]() -> Status {
    RETURN_IF_ERROR(c_.Query("INSERT INTO access_groups (id, name, created_at) VALUES ($1, $2, $3)",
                             PgParams().Add(g.id).Add(g.name).Add(g.created_at), "insert group")
                        .status());
    return WriteGroupMembers(g);
  }());
}

Status PgTx::UpdateGroup(const Group& g) {
  return Recorded(ChangeKind::kGroup, g.id, [&]() -> Status {
    RETURN_IF_ERROR(Change1("UPDATE access_groups SET name = $1 WHERE id = $2",
                            PgParams().Add(g.name).Add(g.id), "update group", "no such group"));
    return WriteGroupMembers(g);
  }());
}

Status PgTx::DeleteGroup(const std::string& id) {
  return Recorded(ChangeKind::kGroup, id,
                  Change1("DELETE FROM access_groups WHERE id = $1", PgParams().Add(id),
                          "delete group", "no such group"));
}

// ---- grants ----

Status PgTx::LoadGrantMembers(Grant& g) {
  g.user_ids.clear();
  g.agent_pool_ids.clear();
  auto text0 = [](const PgResult& r, int i) { return r.Text(i, 0); };
  RETURN_IF_ERROR(All(c_.Query("SELECT user_id FROM grant_users WHERE grant_id = $1 "
                               "ORDER BY position",
                               PgParams().Add(g.id), "load grant users"),
                      g.user_ids, text0));
  return All(c_.Query("SELECT pool_id FROM grant_pools WHERE grant_id = $1 ORDER BY position",
                      PgParams().Add(g.id), "load grant pools"),
             g.agent_pool_ids, text0);
}

Result<Grant> PgTx::GetGrant(const std::string& id) {
  ASSIGN_OR_RETURN(Grant g, One<Grant>(c_.Query(Cols(kGrantCols, "FROM grants WHERE id = $1"),
                                                PgParams().Add(id), "get grant"),
                                       "no such grant", ReadGrant));
  RETURN_IF_ERROR(LoadGrantMembers(g));
  return g;
}

Result<Page<Grant>> PgTx::ListGrants(const GrantQuery& q) {
  Where w;
  switch (q.filter) {
    case GrantFilter::kActive:
      w.Add("status = 'ACTIVE' AND expires_at > " + w.Arg(q.now));
      break;
    case GrantFilter::kExpired:
      w.Add("(status = 'EXPIRED' OR (status = 'ACTIVE' AND expires_at <= " + w.Arg(q.now) + "))");
      break;
    case GrantFilter::kRevoked:
      w.Add("status = 'REVOKED'");
      break;
    case GrantFilter::kAll:
      break;
  }
  if (!q.user_id.empty())
    w.Add("id IN (SELECT grant_id FROM grant_users WHERE user_id = " + w.Arg(q.user_id) + ")");
  if (!q.agent_pool_id.empty())
    w.Add("id IN (SELECT grant_id FROM grant_pools WHERE pool_id = " + w.Arg(q.agent_pool_id) +
          ")");
  Page<Grant> page;
  ASSIGN_OR_RETURN(page.total, Scalar(c_.Query("SELECT COUNT(*) FROM grants" + w.sql, w.params,
                                               "count grants")));
  PgParams params;
  const std::string paging = w.Page(q.limit, q.offset, params);
  RETURN_IF_ERROR(All(c_.Query(Cols(kGrantCols, "FROM grants") + w.sql +
                                   " ORDER BY created_at DESC, id DESC" + paging,
                               params, "list grants"),
                      page.items, ReadGrant));
  for (auto& g : page.items) RETURN_IF_ERROR(LoadGrantMembers(g));
  return page;
}

Result<int64_t> PgTx::CountActiveGrants(Millis now) {
  return Scalar(c_.Query("SELECT COUNT(*) FROM grants WHERE status = 'ACTIVE' AND expires_at > $1",
                         PgParams().Add(now), "count active grants"));
}

Result<bool> PgTx::UserInActiveGrant(const std::string& user_id, Millis now) {
  ASSIGN_OR_RETURN(
      int64_t n,
      Scalar(c_.Query("SELECT COUNT(*) FROM grant_users gu JOIN grants g ON g.id = gu.grant_id "
                      "WHERE gu.user_id = $1 AND g.status = 'ACTIVE' AND g.expires_at > $2",
                      PgParams().Add(user_id).Add(now), "user in active grant")));
  return n > 0;
}

Result<bool> PgTx::PoolInActiveGrant(const std::string& pool_id, Millis now) {
  ASSIGN_OR_RETURN(
      int64_t n,
      Scalar(c_.Query("SELECT COUNT(*) FROM grant_pools gp JOIN grants g ON g.id = gp.grant_id "
                      "WHERE gp.pool_id = $1 AND g.status = 'ACTIVE' AND g.expires_at > $2",
                      PgParams().Add(pool_id).Add(now), "pool in active grant")));
  return n > 0;
}

Result<std::vector<Grant>> PgTx::ListExpiredButActive(Millis now, int64_t limit) {
  std::vector<Grant> out;
  RETURN_IF_ERROR(All(c_.Query(Cols(kGrantCols,
                                    "FROM grants WHERE status = 'ACTIVE' AND expires_at <= $1 "
                                    "ORDER BY expires_at, id LIMIT $2"),
                               PgParams().Add(now).Add(limit), "list expired grants"),
                      out, ReadGrant));
  for (auto& g : out) RETURN_IF_ERROR(LoadGrantMembers(g));
  return out;
}

Result<std::optional<Millis>> PgTx::NextActiveExpiry() {
  ASSIGN_OR_RETURN(PgResult r, c_.Query("SELECT MIN(expires_at) FROM grants WHERE status = "
                                        "'ACTIVE'",
                                        PgParams(), "next expiry"));
  if (r.rows() == 0) return std::optional<Millis>();
  return r.OptInt(0, 0);
}

Status PgTx::InsertGrant(const Grant& g) {
  return Recorded(ChangeKind::kGrant, g.id, [&]() -> Status {
    RETURN_IF_ERROR(c_.Query("INSERT INTO grants (id, name, role, reason, status, created_at, "
                             "created_by, expires_at, revoked_at, revoked_by) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                             PgParams()
                                 .Add(g.id)
                                 .Add(g.name)
                                 .Add(RoleName(g.role))
                                 .Add(g.reason)
                                 .Add(GrantStatusName(g.status))
                                 .Add(g.created_at)
                                 .Add(g.created_by)
                                 .Add(g.expires_at)
                                 .Add(g.revoked_at)
                                 .Add(g.revoked_by),
                             "insert grant")
                        .status());
    // Members go in one statement each (unnest keeps the order as position).
    std::string users = "{", pools = "{";
    auto append = [](std::string& arr, const std::string& v) {
      if (arr.size() > 1) arr += ',';
      arr += '"';
      for (char c : v) {
        if (c == '"' || c == '\\') arr += '\\';
        arr += c;
      }
      arr += '"';
    };
    for (const auto& u : g.user_ids) append(users, u);
    for (const auto& p : g.agent_pool_ids) append(pools, p);
    users += '}';
    pools += '}';
    RETURN_IF_ERROR(c_.Query("INSERT INTO grant_users (grant_id, user_id, position) "
                             "SELECT $1, u, n - 1 FROM unnest($2::text[]) WITH ORDINALITY AS t(u, n)",
                             PgParams().Add(g.id).Add(users), "insert grant users")
                        .status());
    return c_.Query("INSERT INTO grant_pools (grant_id, pool_id, position) "
                    "SELECT $1, p, n - 1 FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n)",
                    PgParams().Add(g.id).Add(pools), "insert grant pools")
        .status();
  }());
}

Status PgTx::MarkGrantRevoked(const std::string& id, Millis at, const std::string& by) {
  return Recorded(
      ChangeKind::kGrant, id,
      Change1("UPDATE grants SET status = 'REVOKED', revoked_at = $1, revoked_by = $2 WHERE id = $3",
              PgParams().Add(at).Add(by).Add(id), "revoke grant", "no such grant"));
}

Status PgTx::MarkGrantExpired(const std::string& id) {
  return Recorded(ChangeKind::kGrant, id,
                  Change1("UPDATE grants SET status = 'EXPIRED' WHERE id = $1", PgParams().Add(id),
                          "expire grant", "no such grant"));
}

// ---- API keys ----

Result<ApiKey> PgTx::GetApiKey(const std::string& id) {
  return One<ApiKey>(c_.Query(Cols(kKeyCols, "FROM api_keys WHERE id = $1"), PgParams().Add(id),
                              "get API key"),
                     "no such API key", ReadKey);
}

Result<ApiKey> PgTx::GetApiKeyByPrefix(const std::string& prefix) {
  return One<ApiKey>(c_.Query(Cols(kKeyCols, "FROM api_keys WHERE prefix = $1"),
                              PgParams().Add(prefix), "get API key by prefix"),
                     "no such API key", ReadKey);
}

Result<Page<ApiKey>> PgTx::ListApiKeys(const ApiKeyQuery& q) {
  Page<ApiKey> page;
  ASSIGN_OR_RETURN(
      page.total,
      Scalar(c_.Query("SELECT COUNT(*) FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL",
                      PgParams().Add(q.user_id), "count API keys")));
  RETURN_IF_ERROR(All(c_.Query(Cols(kKeyCols,
                                    "FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL "
                                    "ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"),
                               PgParams().Add(q.user_id).Add(q.limit).Add(q.offset),
                               "list API keys"),
                      page.items, ReadKey));
  return page;
}

Status PgTx::InsertApiKey(const ApiKey& k) {
  return Recorded(ChangeKind::kApiKey, k.id, [&]() -> Status {
    auto r = c_.Query("INSERT INTO api_keys (id, label, prefix, user_id, scopes, created_at, "
                      "expires_at, last_used_at, revoked_at, key_hash) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
                      PgParams()
                          .Add(k.id)
                          .Add(k.label)
                          .Add(k.prefix)
                          .Add(k.user_id)
                          .Add(JoinScopes(k.scopes))
                          .Add(k.created_at)
                          .Add(k.expires_at)
                          .Add(k.last_used_at)
                          .Add(k.revoked_at)
                          .Add(k.key_hash),
                      "insert API key");
    if ((r.ok() && r->affected() == 0) || r.status().code() == Code::kConflict)
      return Status::Conflict("API key prefix already in use or unknown user");
    return r.status();
  }());
}

Status PgTx::MarkApiKeyRevoked(const std::string& id, Millis at) {
  return Recorded(ChangeKind::kApiKey, id,
                  Change1("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                          PgParams().Add(at).Add(id), "revoke API key", "no such API key"));
}

Status PgTx::TouchApiKey(const std::string& id, Millis at) {
  return Change1("UPDATE api_keys SET last_used_at = $1 WHERE id = $2", PgParams().Add(at).Add(id),
                 "touch API key", "no such API key");
}

// ---- sessions ----

Result<Session> PgTx::GetSession(const std::string& token_hash) {
  return One<Session>(
      c_.Query("SELECT token_hash, csrf_hash, user_id, created_at, last_seen_at, expires_at "
               "FROM sessions WHERE token_hash = $1",
               PgParams().Add(token_hash), "get session"),
      "no such session", [](const PgResult& r, int i) {
        return Session{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2),
                       r.Int(i, 3),  r.Int(i, 4),  r.Int(i, 5)};
      });
}

Status PgTx::InsertSession(const Session& x) {
  return c_
      .Query("INSERT INTO sessions (token_hash, csrf_hash, user_id, created_at, last_seen_at, "
             "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
             PgParams()
                 .Add(x.token_hash)
                 .Add(x.csrf_hash)
                 .Add(x.user_id)
                 .Add(x.created_at)
                 .Add(x.last_seen_at)
                 .Add(x.expires_at),
             "insert session")
      .status();
}

Status PgTx::DeleteSession(const std::string& token_hash) {
  return Recorded(ChangeKind::kSession, token_hash,
                  Change1("DELETE FROM sessions WHERE token_hash = $1", PgParams().Add(token_hash),
                          "delete session", "no such session"));
}

Status PgTx::DeleteSessionsOfUser(const std::string& user_id) {
  return Recorded(ChangeKind::kSession, user_id,
                  c_.Query("DELETE FROM sessions WHERE user_id = $1", PgParams().Add(user_id),
                           "delete sessions")
                      .status());
}

Status PgTx::TouchSession(const std::string& token_hash, Millis at) {
  return Change1("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
                 PgParams().Add(at).Add(token_hash), "touch session", "no such session");
}

// ---- audit ----

Result<Page<AuditEvent>> PgTx::ListAudit(const AuditQuery& q) {
  Where w;
  if (!q.type.empty()) {
    if (q.type.size() >= 2 && q.type.ends_with(".*")) {
      const std::string prefix = q.type.substr(0, q.type.size() - 1);  // keep the dot
      w.Add("starts_with(type, " + w.Arg(prefix) + ")");
    } else {
      w.Add("type = " + w.Arg(q.type));
    }
  }
  if (!q.actor_id.empty()) w.Add("actor_id = " + w.Arg(q.actor_id));
  if (!q.target_id.empty()) w.Add("target_id = " + w.Arg(q.target_id));
  if (q.since) w.Add("at >= " + w.Arg(*q.since));
  if (q.until) w.Add("at < " + w.Arg(*q.until));
  Page<AuditEvent> page;
  ASSIGN_OR_RETURN(page.total, Scalar(c_.Query("SELECT COUNT(*) FROM audit_events" + w.sql,
                                               w.params, "count audit events")));
  PgParams params;
  const std::string paging = w.Page(q.limit, q.offset, params);
  RETURN_IF_ERROR(All(c_.Query(Cols(kAuditCols, "FROM audit_events") + w.sql + " ORDER BY seq" +
                                   paging,
                               params, "list audit events"),
                      page.items, ReadAudit));
  return page;
}

Status PgTx::ForEachAudit(int64_t after_seq, const std::function<bool(const AuditEvent&)>& fn) {
  // In chunks, so a long chain is never held in memory at once; the snapshot keeps it consistent.
  for (int64_t next = after_seq;;) {
    ASSIGN_OR_RETURN(PgResult r, c_.Query(Cols(kAuditCols, "FROM audit_events WHERE seq > $1 "
                                                           "ORDER BY seq LIMIT $2"),
                                          PgParams().Add(next).Add(kAuditChunk), "read audit"));
    for (int i = 0; i < r.rows(); ++i) {
      const AuditEvent ev = ReadAudit(r, i);
      next = ev.seq;
      if (!fn(ev)) return Status::Ok();
    }
    if (r.rows() < kAuditChunk) return Status::Ok();
  }
}

Status PgTx::AppendAudit(AuditEvent& ev) {
  // Read-last-then-insert is exact because every Write holds the writer advisory lock.
  std::string prev = kAuditGenesisHash;
  ev.seq = 1;
  {
    ASSIGN_OR_RETURN(PgResult last,
                     c_.Query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
                              PgParams(), "read audit head"));
    if (last.rows() > 0) {
      ev.seq = last.Int(0, 0) + 1;
      prev = last.Text(0, 1);
    }
  }
  ev.hash = AuditChainHash(prev, ev);
  return c_
      .Query("INSERT INTO audit_events (seq, at, actor_id, actor_type, type, target_id, details, "
             "hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             PgParams()
                 .Add(ev.seq)
                 .Add(ev.at)
                 .Add(ev.actor_id)
                 .Add(ActorTypeName(ev.actor_type))
                 .Add(ev.type)
                 .Add(ev.target_id)
                 .Add(ev.details_json)
                 .Add(ev.hash),
             "append audit event")
      .status();
}

// ---- idempotency ----

Result<IdempotencyRecord> PgTx::GetIdempotency(const std::string& caller_id,
                                               const std::string& key) {
  return One<IdempotencyRecord>(
      c_.Query("SELECT caller_id, key, request_hash, resource_type, resource_id, created_at "
               "FROM idempotency_keys WHERE caller_id = $1 AND key = $2",
               PgParams().Add(caller_id).Add(key), "get idempotency key"),
      "no such idempotency key", [](const PgResult& r, int i) {
        return IdempotencyRecord{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2),
                                 r.Text(i, 3), r.Text(i, 4), r.Int(i, 5)};
      });
}

Status PgTx::InsertIdempotency(const IdempotencyRecord& r) {
  ASSIGN_OR_RETURN(PgResult res,
                   c_.Query("INSERT INTO idempotency_keys (caller_id, key, request_hash, "
                            "resource_type, resource_id, created_at) VALUES ($1, $2, $3, $4, $5, "
                            "$6) ON CONFLICT DO NOTHING",
                            PgParams()
                                .Add(r.caller_id)
                                .Add(r.key)
                                .Add(r.request_hash)
                                .Add(r.resource_type)
                                .Add(r.resource_id)
                                .Add(r.created_at),
                            "insert idempotency key"));
  if (res.affected() == 0) return Status::Conflict("Idempotency-Key already in use");
  return Status::Ok();
}

Status PgTx::DeleteIdempotencyBefore(Millis t) {
  return c_.Query("DELETE FROM idempotency_keys WHERE created_at < $1", PgParams().Add(t),
                  "forget idempotency keys")
      .status();
}

// ---- change feed ----

Status PgTx::Recorded(ChangeKind kind, const std::string& id, Status done) {
  if (!done.ok()) return done;
  // MAX + 1 is gapless and in commit order because every Write holds the writer advisory lock.
  ASSIGN_OR_RETURN(PgResult r,
                   c_.Query("INSERT INTO changes (seq, kind, id, at) SELECT COALESCE(MAX(seq), 0) "
                            "+ 1, $1::text, $2::text, $3::bigint FROM changes RETURNING seq",
                            PgParams().Add(ChangeKindName(kind)).Add(id).Add(SystemClock().Now()),
                            "record change"));
  if (r.rows() > 0) last_change_seq_ = r.Int(0, 0);
  return Status::Ok();
}

Result<std::vector<Change>> PgTx::ListChangesAfter(int64_t after_seq, int64_t limit) {
  std::vector<Change> out;
  RETURN_IF_ERROR(All(c_.Query("SELECT seq, kind, id, at FROM changes WHERE seq > $1 "
                               "ORDER BY seq LIMIT $2",
                               PgParams().Add(after_seq).Add(limit), "list changes"),
                      out, [](const PgResult& r, int i) {
                        // An unknown kind can only come from a newer version; kUser makes the
                        // reader reload it.
                        return Change{r.Int(i, 0),
                                      ParseChangeKind(r.Text(i, 1)).value_or(ChangeKind::kUser),
                                      r.Text(i, 2), r.Int(i, 3)};
                      }));
  return out;
}

Result<int64_t> PgTx::LastChangeSeq() {
  return Scalar(c_.Query("SELECT COALESCE(MAX(seq), 0) FROM changes", PgParams(), "last change"));
}

Status PgTx::DeleteChangesBefore(Millis t) {
  return c_
      .Query("DELETE FROM changes WHERE at < $1 AND seq < (SELECT MAX(seq) FROM changes)",
             PgParams().Add(t), "prune change feed")
      .status();
}

// ---- directory ----

Result<Directory> PgTx::LoadDirectory() {
  Directory d;
  RETURN_IF_ERROR(All(c_.Query(Cols(kUserCols, "FROM users"), PgParams(), "load users"), d.users,
                      [](const PgResult& r, int i) {
                        User u = ReadUser(r, i);
                        u.password_hash.clear();
                        return u;
                      }));
  RETURN_IF_ERROR(
      All(c_.Query(Cols(kPoolCols, "FROM agent_pools"), PgParams(), "load pools"), d.pools, ReadPool));
  RETURN_IF_ERROR(All(c_.Query("SELECT id, name, created_at FROM access_groups", PgParams(),
                               "load groups"),
                      d.groups, ReadGroupRow));
  std::unordered_map<std::string, size_t> group_at;
  for (size_t i = 0; i < d.groups.size(); ++i) group_at[d.groups[i].id] = i;
  {
    ASSIGN_OR_RETURN(PgResult r, c_.Query("SELECT group_id, user_id FROM group_members "
                                          "ORDER BY group_id, position",
                                          PgParams(), "load group members"));
    for (int i = 0; i < r.rows(); ++i)
      d.groups[group_at[r.Text(i, 0)]].member_ids.push_back(r.Text(i, 1));
  }
  {
    ASSIGN_OR_RETURN(PgResult r, c_.Query("SELECT group_id, pool_id, role FROM group_pool_access "
                                          "ORDER BY group_id, position",
                                          PgParams(), "load group access"));
    for (int i = 0; i < r.rows(); ++i)
      d.groups[group_at[r.Text(i, 0)]].pool_access.push_back(
          {r.Text(i, 1), ParseRole(r.Text(i, 2)).value_or(Role::kStandard)});
  }
  RETURN_IF_ERROR(All(c_.Query(Cols(kGrantCols, "FROM grants WHERE status = 'ACTIVE'"), PgParams(),
                               "load active grants"),
                      d.active_grants, ReadGrant));
  std::unordered_map<std::string, size_t> grant_at;
  for (size_t i = 0; i < d.active_grants.size(); ++i) grant_at[d.active_grants[i].id] = i;
  {
    ASSIGN_OR_RETURN(PgResult r,
                     c_.Query("SELECT gu.grant_id, gu.user_id FROM grant_users gu JOIN grants g ON "
                              "g.id = gu.grant_id WHERE g.status = 'ACTIVE' "
                              "ORDER BY gu.grant_id, gu.position",
                              PgParams(), "load grant users"));
    for (int i = 0; i < r.rows(); ++i)
      d.active_grants[grant_at[r.Text(i, 0)]].user_ids.push_back(r.Text(i, 1));
  }
  {
    ASSIGN_OR_RETURN(PgResult r,
                     c_.Query("SELECT gp.grant_id, gp.pool_id FROM grant_pools gp JOIN grants g ON "
                              "g.id = gp.grant_id WHERE g.status = 'ACTIVE' "
                              "ORDER BY gp.grant_id, gp.position",
                              PgParams(), "load grant pools"));
    for (int i = 0; i < r.rows(); ++i)
      d.active_grants[grant_at[r.Text(i, 0)]].agent_pool_ids.push_back(r.Text(i, 1));
  }
  return d;
}

}  // namespace jitgate
