#include "store/sqlite/sqlite_tx.h"

#include <algorithm>
#include <chrono>

#include "core/audit_chain.h"
#include "store/scope_list.h"

namespace jitgate {
namespace {

constexpr const char* kUserCols =
    "id, email, name, role_manager, disabled, created_at, password_hash";
constexpr const char* kGrantCols =
    "id, name, role, reason, status, created_at, created_by, expires_at, revoked_at, revoked_by";
constexpr const char* kKeyCols =
    "id, label, prefix, user_id, scopes, created_at, expires_at, last_used_at, revoked_at, "
    "key_hash";
constexpr const char* kAuditCols = "seq, at, actor_id, actor_type, type, target_id, details, hash";

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

User ReadUser(const Stmt& s) {
  return User{s.Text(0), s.Text(1), s.Text(2), s.Int(3) != 0, s.Int(4) != 0, s.Int(5), s.Text(6)};
}

AgentPool ReadPool(const Stmt& s) { return AgentPool{s.Text(0), s.Text(1), s.Text(2), s.Int(3)}; }

Grant ReadGrant(const Stmt& s) {
  Grant g;
  g.id = s.Text(0);
  g.name = s.Text(1);
  g.role = ParseRole(s.Text(2)).value_or(Role::kStandard);
  g.reason = s.Text(3);
  const std::string status = s.Text(4);
  g.status = status == "REVOKED"   ? GrantStatus::kRevoked
             : status == "EXPIRED" ? GrantStatus::kExpired
                                   : GrantStatus::kActive;
  g.created_at = s.Int(5);
  g.created_by = s.Text(6);
  g.expires_at = s.Int(7);
  g.revoked_at = s.OptInt(8);
  g.revoked_by = s.OptText(9);
  return g;
}

ApiKey ReadKey(const Stmt& s) {
  ApiKey k;
  k.id = s.Text(0);
  k.label = s.Text(1);
  k.prefix = s.Text(2);
  k.user_id = s.Text(3);
  k.scopes = SplitScopes(s.OptText(4));
  k.created_at = s.Int(5);
  k.expires_at = s.OptInt(6);
  k.last_used_at = s.OptInt(7);
  k.revoked_at = s.OptInt(8);
  k.key_hash = s.Text(9);
  return k;
}

AuditEvent ReadAudit(const Stmt& s) {
  AuditEvent e;
  e.seq = s.Int(0);
  e.at = s.Int(1);
  e.actor_id = s.OptText(2);
  e.actor_type = ParseActorType(s.Text(3)).value_or(ActorType::kSystem);
  e.type = s.Text(4);
  e.target_id = s.OptText(5);
  e.details_json = s.Text(6);
  e.hash = s.Text(7);
  return e;
}

// Steps a statement expected to yield at most one row; NotFound(what) when it yields none.
template <typename T, typename F>
Result<T> One(SqliteConnection& c, Stmt& s, const std::string& what, F&& read) {
  const int rc = s.Step();
  if (rc == SQLITE_ROW) return read(s);
  if (rc == SQLITE_DONE) return Status::NotFound(what);
  return SqliteStatus(rc, c.db(), what);
}

template <typename T, typename F>
Status All(SqliteConnection& c, Stmt& s, std::vector<T>& out, F&& read) {
  for (;;) {
    const int rc = s.Step();
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return SqliteStatus(rc, c.db(), "query");
    out.push_back(read(s));
  }
}

Result<int64_t> Scalar(SqliteConnection& c, Stmt& s) {
  const int rc = s.Step();
  if (rc == SQLITE_ROW) return s.Int(0);
  return SqliteStatus(rc, c.db(), "count");
}

// A WHERE clause with positional text/int parameters, built from optional filters.
struct Where {
  std::string sql;
  std::vector<std::variant<std::string, int64_t>> args;
  void Add(const std::string& clause) { sql += (sql.empty() ? " WHERE " : " AND ") + clause; }
  void Bind(Stmt& s, int first = 1) const {
    int i = first;
    for (const auto& a : args) {
      if (std::holds_alternative<std::string>(a))
        s.Bind(i++, std::get<std::string>(a));
      else
        s.Bind(i++, std::get<int64_t>(a));
    }
  }
};

}  // namespace

// ---- users ----

Result<User> SqliteTx::GetUser(const std::string& id) {
  ASSIGN_OR_RETURN(Stmt s,
                   c_.Prepare(std::string("SELECT ") + kUserCols + " FROM users WHERE id = ?"));
  s.Bind(1, id);
  return One<User>(c_, s, "no such user", ReadUser);
}

Result<User> SqliteTx::GetUserByEmail(const std::string& email) {
  ASSIGN_OR_RETURN(Stmt s,
                   c_.Prepare(std::string("SELECT ") + kUserCols + " FROM users WHERE email = ?"));
  s.Bind(1, Lower(email));
  return One<User>(c_, s, "no such user", ReadUser);
}

Result<Page<User>> SqliteTx::ListUsers(const UserQuery& q) {
  Where w;
  if (!q.search.empty()) {
    w.Add("(email LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')");
    w.args = {LikePattern(q.search), LikePattern(q.search)};
  }
  Page<User> page;
  ASSIGN_OR_RETURN(Stmt count, c_.Prepare("SELECT COUNT(*) FROM users" + w.sql));
  w.Bind(count);
  ASSIGN_OR_RETURN(page.total, Scalar(c_, count));
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare(std::string("SELECT ") + kUserCols + " FROM users" + w.sql +
                                      " ORDER BY email LIMIT ? OFFSET ?"));
  w.Bind(s);
  s.Bind(static_cast<int>(w.args.size()) + 1, q.limit)
      .Bind(static_cast<int>(w.args.size()) + 2, q.offset);
  RETURN_IF_ERROR(All(c_, s, page.items, ReadUser));
  return page;
}

Result<int64_t> SqliteTx::CountEnabledRoleManagers() {
  ASSIGN_OR_RETURN(
      Stmt s, c_.Prepare("SELECT COUNT(*) FROM users WHERE role_manager = 1 AND disabled = 0"));
  return Scalar(c_, s);
}

Status SqliteTx::InsertUser(const User& u) {
  return Recorded(ChangeKind::kUser, u.id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt s, c_.Prepare("INSERT INTO users (id, email, name, role_manager, disabled, created_at, "
                           "password_hash) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, u.id)
        .Bind(2, Lower(u.email))
        .Bind(3, u.name)
        .Bind(4, u.role_manager)
        .Bind(5, u.disabled);
    s.Bind(6, u.created_at).Bind(7, u.password_hash);
    Status st = c_.Run(s, "insert user");
    if (st.code() == Code::kConflict) return Status::Conflict("email already in use");
    return st;
  }());
}

Status SqliteTx::UpdateUser(const User& u) {
  return Recorded(ChangeKind::kUser, u.id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt s, c_.Prepare("UPDATE users SET email = ?, name = ?, role_manager = ?, disabled = ?, "
                           "password_hash = ? WHERE id = ?"));
    s.Bind(1, Lower(u.email))
        .Bind(2, u.name)
        .Bind(3, u.role_manager)
        .Bind(4, u.disabled)
        .Bind(5, u.password_hash);
    s.Bind(6, u.id);
    Status st = c_.Run(s, "update user");
    if (st.code() == Code::kConflict) return Status::Conflict("email already in use");
    RETURN_IF_ERROR(st);
    return ExpectChanged("no such user");
  }());
}

Status SqliteTx::DeleteUser(const std::string& id) {
  return Recorded(ChangeKind::kUser, id, [&]() -> Status {
    // Memberships, keys and sessions go with the user (ON DELETE CASCADE).
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("DELETE FROM users WHERE id = ?"));
    s.Bind(1, id);
    RETURN_IF_ERROR(c_.Run(s, "delete user"));
    return ExpectChanged("no such user");
  }());
}

Status SqliteTx::ExpectChanged(const char* what) {
  if (sqlite3_changes(c_.db()) == 0) return Status::NotFound(what);
  return Status::Ok();
}

// ---- agent pools ----

Result<AgentPool> SqliteTx::GetPool(const std::string& id) {
  ASSIGN_OR_RETURN(
      Stmt s, c_.Prepare("SELECT id, name, description, created_at FROM agent_pools WHERE id = ?"));
  s.Bind(1, id);
  return One<AgentPool>(c_, s, "no such agent pool", ReadPool);
}

Result<AgentPool> SqliteTx::GetPoolByName(const std::string& name) {
  ASSIGN_OR_RETURN(
      Stmt s,
      c_.Prepare("SELECT id, name, description, created_at FROM agent_pools WHERE name = ?"));
  s.Bind(1, name);
  return One<AgentPool>(c_, s, "no such agent pool", ReadPool);
}

Result<Page<AgentPool>> SqliteTx::ListPools(const PoolQuery& q) {
  Where w;
  if (!q.search.empty()) {
    w.Add("name LIKE ? ESCAPE '\\'");
    w.args = {LikePattern(q.search)};
  }
  Page<AgentPool> page;
  ASSIGN_OR_RETURN(Stmt count, c_.Prepare("SELECT COUNT(*) FROM agent_pools" + w.sql));
  w.Bind(count);
  ASSIGN_OR_RETURN(page.total, Scalar(c_, count));
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare("SELECT id, name, description, created_at FROM agent_pools" +
                                      w.sql + " ORDER BY lower(name), name, id LIMIT ? OFFSET ?"));
  w.Bind(s);
  s.Bind(static_cast<int>(w.args.size()) + 1, q.limit)
      .Bind(static_cast<int>(w.args.size()) + 2, q.offset);
  RETURN_IF_ERROR(All(c_, s, page.items, ReadPool));
  return page;
}

Status SqliteTx::InsertPool(const AgentPool& p) {
  return Recorded(ChangeKind::kPool, p.id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt s,
        c_.Prepare(
            "INSERT INTO agent_pools (id, name, description, created_at) VALUES (?, ?, ?, ?)"));
    s.Bind(1, p.id).Bind(2, p.name).Bind(3, p.description).Bind(4, p.created_at);
    Status st = c_.Run(s, "insert agent pool");
    if (st.code() == Code::kConflict) return Status::Conflict("agent pool name already in use");
    return st;
  }());
}

Status SqliteTx::UpdatePool(const AgentPool& p) {
  return Recorded(ChangeKind::kPool, p.id, [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s,
                     c_.Prepare("UPDATE agent_pools SET name = ?, description = ? WHERE id = ?"));
    s.Bind(1, p.name).Bind(2, p.description).Bind(3, p.id);
    Status st = c_.Run(s, "update agent pool");
    if (st.code() == Code::kConflict) return Status::Conflict("agent pool name already in use");
    RETURN_IF_ERROR(st);
    return ExpectChanged("no such agent pool");
  }());
}

Status SqliteTx::DeletePool(const std::string& id) {
  return Recorded(ChangeKind::kPool, id, [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("DELETE FROM agent_pools WHERE id = ?"));
    s.Bind(1, id);
    RETURN_IF_ERROR(c_.Run(s, "delete agent pool"));
    return ExpectChanged("no such agent pool");
  }());
}

// ---- groups ----

Status SqliteTx::LoadGroupMembers(Group& g) {
  g.member_ids.clear();
  g.pool_access.clear();
  ASSIGN_OR_RETURN(
      Stmt m, c_.Prepare("SELECT user_id FROM group_members WHERE group_id = ? ORDER BY position"));
  m.Bind(1, g.id);
  RETURN_IF_ERROR(All(c_, m, g.member_ids, [](const Stmt& s) { return s.Text(0); }));
  ASSIGN_OR_RETURN(
      Stmt a,
      c_.Prepare(
          "SELECT pool_id, role FROM group_pool_access WHERE group_id = ? ORDER BY position"));
  a.Bind(1, g.id);
  return All(c_, a, g.pool_access, [](const Stmt& s) {
    return PoolAccess{s.Text(0), ParseRole(s.Text(1)).value_or(Role::kStandard)};
  });
}

Result<Group> SqliteTx::GetGroup(const std::string& id) {
  ASSIGN_OR_RETURN(Stmt s,
                   c_.Prepare("SELECT id, name, created_at FROM access_groups WHERE id = ?"));
  s.Bind(1, id);
  ASSIGN_OR_RETURN(Group g, (One<Group>(c_, s, "no such group", [](const Stmt& r) {
                     Group g;
                     g.id = r.Text(0);
                     g.name = r.Text(1);
                     g.created_at = r.Int(2);
                     return g;
                   })));
  RETURN_IF_ERROR(LoadGroupMembers(g));
  return g;
}

Result<Page<Group>> SqliteTx::ListGroups(const GroupQuery& q) {
  Page<Group> page;
  ASSIGN_OR_RETURN(Stmt count, c_.Prepare("SELECT COUNT(*) FROM access_groups"));
  ASSIGN_OR_RETURN(page.total, Scalar(c_, count));
  {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("SELECT id, name, created_at FROM access_groups ORDER BY "
                                        "lower(name), name, id LIMIT ? OFFSET ?"));
    s.Bind(1, q.limit).Bind(2, q.offset);
    RETURN_IF_ERROR(All(c_, s, page.items, [](const Stmt& r) {
      Group g;
      g.id = r.Text(0);
      g.name = r.Text(1);
      g.created_at = r.Int(2);
      return g;
    }));
  }
  for (auto& g : page.items) RETURN_IF_ERROR(LoadGroupMembers(g));
  return page;
}

Status SqliteTx::WriteGroupMembers(const Group& g) {
  ASSIGN_OR_RETURN(Stmt dm, c_.Prepare("DELETE FROM group_members WHERE group_id = ?"));
  dm.Bind(1, g.id);
  RETURN_IF_ERROR(c_.Run(dm, "clear group members"));
  ASSIGN_OR_RETURN(Stmt da, c_.Prepare("DELETE FROM group_pool_access WHERE group_id = ?"));
  da.Bind(1, g.id);
  RETURN_IF_ERROR(c_.Run(da, "clear group access"));
  for (size_t i = 0; i < g.member_ids.size(); ++i) {
    ASSIGN_OR_RETURN(
        Stmt s,
        c_.Prepare("INSERT INTO group_members (group_id, user_id, position) VALUES (?, ?, ?)"));
    s.Bind(1, g.id).Bind(2, g.member_ids[i]).Bind(3, static_cast<int64_t>(i));
    Status st = c_.Run(s, "insert group member");
    if (st.code() == Code::kConflict)
      return Status::Conflict("unknown or repeated group member " + g.member_ids[i]);
    RETURN_IF_ERROR(st);
  }
  for (size_t i = 0; i < g.pool_access.size(); ++i) {
    ASSIGN_OR_RETURN(Stmt s,
                     c_.Prepare("INSERT INTO group_pool_access (group_id, pool_id, role, position) "
                                "VALUES (?, ?, ?, ?)"));
    s.Bind(1, g.id)
        .Bind(2, g.pool_access[i].agent_pool_id)
        .Bind(3, RoleName(g.pool_access[i].role));
    s.Bind(4, static_cast<int64_t>(i));
    Status st = c_.Run(s, "insert group access");
    if (st.code() == Code::kConflict)
      return Status::Conflict("unknown or repeated agent pool " + g.pool_access[i].agent_pool_id);
    RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

Status SqliteTx::InsertGroup(const Group& g) {
  return Recorded(ChangeKind::kGroup, g.id, [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s,
                     c_.Prepare("INSERT INTO access_groups (id, name, created_at) VALUES (?, ?, ?)"));
    s.Bind(1, g.id).Bind(2, g.name).Bind(3, g.created_at);
    RETURN_IF_ERROR(c_.Run(s, "insert group"));
    return WriteGroupMembers(g);
  }());
}

Status SqliteTx::UpdateGroup(const Group& g) {
  return Recorded(ChangeKind::kGroup, g.id, [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("UPDATE access_groups SET name = ? WHERE id = ?"));
    s.Bind(1, g.name).Bind(2, g.id);
    RETURN_IF_ERROR(c_.Run(s, "update group"));
    RETURN_IF_ERROR(ExpectChanged("no such group"));
    return WriteGroupMembers(g);
  }());
}

Status SqliteTx::DeleteGroup(const std::string& id) {
  return Recorded(ChangeKind::kGroup, id, [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("DELETE FROM access_groups WHERE id = ?"));
    s.Bind(1, id);
    RETURN_IF_ERROR(c_.Run(s, "delete group"));
    return ExpectChanged("no such group");
  }());
}

// ---- grants ----

Status SqliteTx::LoadGrantMembers(Grant& g) {
  g.user_ids.clear();
  g.agent_pool_ids.clear();
  ASSIGN_OR_RETURN(
      Stmt u, c_.Prepare("SELECT user_id FROM grant_users WHERE grant_id = ? ORDER BY position"));
  u.Bind(1, g.id);
  RETURN_IF_ERROR(All(c_, u, g.user_ids, [](const Stmt& s) { return s.Text(0); }));
  ASSIGN_OR_RETURN(
      Stmt p, c_.Prepare("SELECT pool_id FROM grant_pools WHERE grant_id = ? ORDER BY position"));
  p.Bind(1, g.id);
  return All(c_, p, g.agent_pool_ids, [](const Stmt& s) { return s.Text(0); });
}

Result<Grant> SqliteTx::GetGrant(const std::string& id) {
  ASSIGN_OR_RETURN(Stmt s,
                   c_.Prepare(std::string("SELECT ") + kGrantCols + " FROM grants WHERE id = ?"));
  s.Bind(1, id);
  ASSIGN_OR_RETURN(Grant g, One<Grant>(c_, s, "no such grant", ReadGrant));
  RETURN_IF_ERROR(LoadGrantMembers(g));
  return g;
}

Result<Page<Grant>> SqliteTx::ListGrants(const GrantQuery& q) {
  Where w;
  switch (q.filter) {
    case GrantFilter::kActive:
      w.Add("status = 'ACTIVE' AND expires_at > ?");
      w.args.push_back(q.now);
      break;
    case GrantFilter::kExpired:
      w.Add("(status = 'EXPIRED' OR (status = 'ACTIVE' AND expires_at <= ?))");
      w.args.push_back(q.now);
      break;
    case GrantFilter::kRevoked:
      w.Add("status = 'REVOKED'");
      break;
    case GrantFilter::kAll:
      break;
  }
  if (!q.user_id.empty()) {
    w.Add("id IN (SELECT grant_id FROM grant_users WHERE user_id = ?)");
    w.args.push_back(q.user_id);
  }
  if (!q.agent_pool_id.empty()) {
    w.Add("id IN (SELECT grant_id FROM grant_pools WHERE pool_id = ?)");
    w.args.push_back(q.agent_pool_id);
  }
  Page<Grant> page;
  ASSIGN_OR_RETURN(Stmt count, c_.Prepare("SELECT COUNT(*) FROM grants" + w.sql));
  w.Bind(count);
  ASSIGN_OR_RETURN(page.total, Scalar(c_, count));
  {
    ASSIGN_OR_RETURN(Stmt s,
                     c_.Prepare(std::string("SELECT ") + kGrantCols + " FROM grants" + w.sql +
                                " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"));
    w.Bind(s);
    s.Bind(static_cast<int>(w.args.size()) + 1, q.limit)
        .Bind(static_cast<int>(w.args.size()) + 2, q.offset);
    RETURN_IF_ERROR(All(c_, s, page.items, ReadGrant));
  }
  for (auto& g : page.items) RETURN_IF_ERROR(LoadGrantMembers(g));
  return page;
}

Result<int64_t> SqliteTx::CountActiveGrants(Millis now) {
  ASSIGN_OR_RETURN(
      Stmt s, c_.Prepare("SELECT COUNT(*) FROM grants WHERE status = 'ACTIVE' AND expires_at > ?"));
  s.Bind(1, now);
  return Scalar(c_, s);
}

Result<bool> SqliteTx::UserInActiveGrant(const std::string& user_id, Millis now) {
  ASSIGN_OR_RETURN(
      Stmt s, c_.Prepare("SELECT COUNT(*) FROM grant_users gu JOIN grants g ON g.id = gu.grant_id "
                         "WHERE gu.user_id = ? AND g.status = 'ACTIVE' AND g.expires_at > ?"));
  s.Bind(1, user_id).Bind(2, now);
  ASSIGN_OR_RETURN(int64_t n, Scalar(c_, s));
  return n > 0;
}

Result<bool> SqliteTx::PoolInActiveGrant(const std::string& pool_id, Millis now) {
  ASSIGN_OR_RETURN(
      Stmt s, c_.Prepare("SELECT COUNT(*) FROM grant_pools gp JOIN grants g ON g.id = gp.grant_id "
                         "WHERE gp.pool_id = ? AND g.status = 'ACTIVE' AND g.expires_at > ?"));
  s.Bind(1, pool_id).Bind(2, now);
  ASSIGN_OR_RETURN(int64_t n, Scalar(c_, s));
  return n > 0;
}

Result<std::vector<Grant>> SqliteTx::ListExpiredButActive(Millis now, int64_t limit) {
  std::vector<Grant> out;
  {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare(std::string("SELECT ") + kGrantCols +
                                        " FROM grants WHERE status = 'ACTIVE' AND expires_at <= ? "
                                        "ORDER BY expires_at, id LIMIT ?"));
    s.Bind(1, now).Bind(2, limit);
    RETURN_IF_ERROR(All(c_, s, out, ReadGrant));
  }
  for (auto& g : out) RETURN_IF_ERROR(LoadGrantMembers(g));
  return out;
}

Result<std::optional<Millis>> SqliteTx::NextActiveExpiry() {
  ASSIGN_OR_RETURN(Stmt s,
                   c_.Prepare("SELECT MIN(expires_at) FROM grants WHERE status = 'ACTIVE'"));
  const int rc = s.Step();
  if (rc != SQLITE_ROW) return SqliteStatus(rc, c_.db(), "next expiry");
  return s.OptInt(0);
}

Status SqliteTx::InsertGrant(const Grant& g) {
  return Recorded(ChangeKind::kGrant, g.id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt s,
        c_.Prepare("INSERT INTO grants (id, name, role, reason, status, created_at, created_by, "
                   "expires_at, revoked_at, revoked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, g.id)
        .Bind(2, g.name)
        .Bind(3, RoleName(g.role))
        .Bind(4, g.reason)
        .Bind(5, GrantStatusName(g.status));
    s.Bind(6, g.created_at)
        .Bind(7, g.created_by)
        .Bind(8, g.expires_at)
        .Bind(9, g.revoked_at)
        .Bind(10, g.revoked_by);
    RETURN_IF_ERROR(c_.Run(s, "insert grant"));
    for (size_t i = 0; i < g.user_ids.size(); ++i) {
      ASSIGN_OR_RETURN(
          Stmt u,
          c_.Prepare("INSERT INTO grant_users (grant_id, user_id, position) VALUES (?, ?, ?)"));
      u.Bind(1, g.id).Bind(2, g.user_ids[i]).Bind(3, static_cast<int64_t>(i));
      RETURN_IF_ERROR(c_.Run(u, "insert grant user"));
    }
    for (size_t i = 0; i < g.agent_pool_ids.size(); ++i) {
      ASSIGN_OR_RETURN(
          Stmt p,
          c_.Prepare("INSERT INTO grant_pools (grant_id, pool_id, position) VALUES (?, ?, ?)"));
      p.Bind(1, g.id).Bind(2, g.agent_pool_ids[i]).Bind(3, static_cast<int64_t>(i));
      RETURN_IF_ERROR(c_.Run(p, "insert grant pool"));
    }
    return Status::Ok();
  }());
}

Status SqliteTx::MarkGrantRevoked(const std::string& id, Millis at, const std::string& by) {
  return Recorded(ChangeKind::kGrant, id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt s,
        c_.Prepare(
            "UPDATE grants SET status = 'REVOKED', revoked_at = ?, revoked_by = ? WHERE id = ?"));
    s.Bind(1, at).Bind(2, by).Bind(3, id);
    RETURN_IF_ERROR(c_.Run(s, "revoke grant"));
    return ExpectChanged("no such grant");
  }());
}

Status SqliteTx::MarkGrantExpired(const std::string& id) {
  return Recorded(ChangeKind::kGrant, id, [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("UPDATE grants SET status = 'EXPIRED' WHERE id = ?"));
    s.Bind(1, id);
    RETURN_IF_ERROR(c_.Run(s, "expire grant"));
    return ExpectChanged("no such grant");
  }());
}

// ---- API keys ----

Result<ApiKey> SqliteTx::GetApiKey(const std::string& id) {
  ASSIGN_OR_RETURN(Stmt s,
                   c_.Prepare(std::string("SELECT ") + kKeyCols + " FROM api_keys WHERE id = ?"));
  s.Bind(1, id);
  return One<ApiKey>(c_, s, "no such API key", ReadKey);
}

Result<ApiKey> SqliteTx::GetApiKeyByPrefix(const std::string& prefix) {
  ASSIGN_OR_RETURN(
      Stmt s, c_.Prepare(std::string("SELECT ") + kKeyCols + " FROM api_keys WHERE prefix = ?"));
  s.Bind(1, prefix);
  return One<ApiKey>(c_, s, "no such API key", ReadKey);
}

Result<Page<ApiKey>> SqliteTx::ListApiKeys(const ApiKeyQuery& q) {
  Page<ApiKey> page;
  ASSIGN_OR_RETURN(
      Stmt count,
      c_.Prepare("SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL"));
  count.Bind(1, q.user_id);
  ASSIGN_OR_RETURN(page.total, Scalar(c_, count));
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare(std::string("SELECT ") + kKeyCols +
                                      " FROM api_keys WHERE user_id = ? AND revoked_at IS NULL "
                                      "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"));
  s.Bind(1, q.user_id).Bind(2, q.limit).Bind(3, q.offset);
  RETURN_IF_ERROR(All(c_, s, page.items, ReadKey));
  return page;
}

Status SqliteTx::InsertApiKey(const ApiKey& k) {
  return Recorded(ChangeKind::kApiKey, k.id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt s, c_.Prepare("INSERT INTO api_keys (id, label, prefix, user_id, scopes, created_at, "
                           "expires_at, last_used_at, revoked_at, key_hash) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, k.id)
        .Bind(2, k.label)
        .Bind(3, k.prefix)
        .Bind(4, k.user_id)
        .Bind(5, JoinScopes(k.scopes));
    s.Bind(6, k.created_at)
        .Bind(7, k.expires_at)
        .Bind(8, k.last_used_at)
        .Bind(9, k.revoked_at)
        .Bind(10, k.key_hash);
    Status st = c_.Run(s, "insert API key");
    if (st.code() == Code::kConflict)
      return Status::Conflict("API key prefix already in use or unknown user");
    return st;
  }());
}

Status SqliteTx::MarkApiKeyRevoked(const std::string& id, Millis at) {
  return Recorded(ChangeKind::kApiKey, id, [&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt s, c_.Prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"));
    s.Bind(1, at).Bind(2, id);
    RETURN_IF_ERROR(c_.Run(s, "revoke API key"));
    return ExpectChanged("no such API key");
  }());
}

Status SqliteTx::TouchApiKey(const std::string& id, Millis at) {
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?"));
  s.Bind(1, at).Bind(2, id);
  RETURN_IF_ERROR(c_.Run(s, "touch API key"));
  return ExpectChanged("no such API key");
}

// ---- sessions ----

Result<Session> SqliteTx::GetSession(const std::string& token_hash) {
  ASSIGN_OR_RETURN(
      Stmt s,
      c_.Prepare("SELECT token_hash, csrf_hash, user_id, created_at, last_seen_at, expires_at "
                 "FROM sessions WHERE token_hash = ?"));
  s.Bind(1, token_hash);
  return One<Session>(c_, s, "no such session", [](const Stmt& r) {
    return Session{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), r.Int(5)};
  });
}

Status SqliteTx::InsertSession(const Session& x) {
  ASSIGN_OR_RETURN(Stmt s,
                   c_.Prepare("INSERT INTO sessions (token_hash, csrf_hash, user_id, created_at, "
                              "last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"));
  s.Bind(1, x.token_hash)
      .Bind(2, x.csrf_hash)
      .Bind(3, x.user_id)
      .Bind(4, x.created_at)
      .Bind(5, x.last_seen_at);
  s.Bind(6, x.expires_at);
  return c_.Run(s, "insert session");
}

Status SqliteTx::DeleteSession(const std::string& token_hash) {
  return Recorded(ChangeKind::kSession, token_hash, [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    s.Bind(1, token_hash);
    RETURN_IF_ERROR(c_.Run(s, "delete session"));
    return ExpectChanged("no such session");
  }());
}

Status SqliteTx::DeleteSessionsOfUser(const std::string& user_id) {
  return Recorded(ChangeKind::kSession, user_id, [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("DELETE FROM sessions WHERE user_id = ?"));
    s.Bind(1, user_id);
    return c_.Run(s, "delete sessions");
  }());
}

Status SqliteTx::TouchSession(const std::string& token_hash, Millis at) {
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"));
  s.Bind(1, at).Bind(2, token_hash);
  RETURN_IF_ERROR(c_.Run(s, "touch session"));
  return ExpectChanged("no such session");
}

// ---- audit ----

Result<Page<AuditEvent>> SqliteTx::ListAudit(const AuditQuery& q) {
  Where w;
  if (!q.type.empty()) {
    if (q.type.size() >= 2 && q.type.ends_with(".*")) {
      w.Add("substr(type, 1, ?) = ?");
      const std::string prefix = q.type.substr(0, q.type.size() - 1);  // keep the dot
      w.args.push_back(static_cast<int64_t>(prefix.size()));
      w.args.push_back(prefix);
    } else {
      w.Add("type = ?");
      w.args.push_back(q.type);
    }
  }
  if (!q.actor_id.empty()) {
    w.Add("actor_id = ?");
    w.args.push_back(q.actor_id);
  }
  if (!q.target_id.empty()) {
    w.Add("target_id = ?");
    w.args.push_back(q.target_id);
  }
  if (q.since) {
    w.Add("at >= ?");
    w.args.push_back(*q.since);
  }
  if (q.until) {
    w.Add("at < ?");
    w.args.push_back(*q.until);
  }
  Page<AuditEvent> page;
  ASSIGN_OR_RETURN(Stmt count, c_.Prepare("SELECT COUNT(*) FROM audit_events" + w.sql));
  w.Bind(count);
  ASSIGN_OR_RETURN(page.total, Scalar(c_, count));
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare(std::string("SELECT ") + kAuditCols + " FROM audit_events" +
                                      w.sql + " ORDER BY seq LIMIT ? OFFSET ?"));
  w.Bind(s);
  s.Bind(static_cast<int>(w.args.size()) + 1, q.limit)
      .Bind(static_cast<int>(w.args.size()) + 2, q.offset);
  RETURN_IF_ERROR(All(c_, s, page.items, ReadAudit));
  return page;
}

Status SqliteTx::ForEachAudit(int64_t after_seq, const std::function<bool(const AuditEvent&)>& fn) {
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare(std::string("SELECT ") + kAuditCols +
                                      " FROM audit_events WHERE seq > ? ORDER BY seq"));
  s.Bind(1, after_seq);
  for (;;) {
    const int rc = s.Step();
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return SqliteStatus(rc, c_.db(), "read audit");
    if (!fn(ReadAudit(s))) return Status::Ok();
  }
}

Status SqliteTx::AppendAudit(AuditEvent& ev) {
  std::string prev = kAuditGenesisHash;
  ev.seq = 1;
  {
    ASSIGN_OR_RETURN(Stmt last,
                     c_.Prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"));
    const int rc = last.Step();
    if (rc == SQLITE_ROW) {
      ev.seq = last.Int(0) + 1;
      prev = last.Text(1);
    } else if (rc != SQLITE_DONE) {
      return SqliteStatus(rc, c_.db(), "read audit head");
    }
  }
  ev.hash = AuditChainHash(prev, ev);
  ASSIGN_OR_RETURN(
      Stmt s,
      c_.Prepare("INSERT INTO audit_events (seq, at, actor_id, actor_type, type, target_id, "
                 "details, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, ev.seq)
      .Bind(2, ev.at)
      .Bind(3, ev.actor_id)
      .Bind(4, ActorTypeName(ev.actor_type))
      .Bind(5, ev.type);
  s.Bind(6, ev.target_id).Bind(7, ev.details_json).Bind(8, ev.hash);
  return c_.Run(s, "append audit event");
}

// ---- idempotency ----

Result<IdempotencyRecord> SqliteTx::GetIdempotency(const std::string& caller_id,
                                                   const std::string& key) {
  ASSIGN_OR_RETURN(
      Stmt s,
      c_.Prepare("SELECT caller_id, key, request_hash, resource_type, resource_id, created_at "
                 "FROM idempotency_keys WHERE caller_id = ? AND key = ?"));
  s.Bind(1, caller_id).Bind(2, key);
  return One<IdempotencyRecord>(c_, s, "no such idempotency key", [](const Stmt& r) {
    return IdempotencyRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)};
  });
}

Status SqliteTx::InsertIdempotency(const IdempotencyRecord& r) {
  ASSIGN_OR_RETURN(
      Stmt s,
      c_.Prepare("INSERT INTO idempotency_keys (caller_id, key, request_hash, resource_type, "
                 "resource_id, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
  s.Bind(1, r.caller_id)
      .Bind(2, r.key)
      .Bind(3, r.request_hash)
      .Bind(4, r.resource_type)
      .Bind(5, r.resource_id);
  s.Bind(6, r.created_at);
  Status st = c_.Run(s, "insert idempotency key");
  if (st.code() == Code::kConflict) return Status::Conflict("Idempotency-Key already in use");
  return st;
}

Status SqliteTx::DeleteIdempotencyBefore(Millis t) {
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare("DELETE FROM idempotency_keys WHERE created_at < ?"));
  s.Bind(1, t);
  return c_.Run(s, "forget idempotency keys");
}

// ---- change feed ----

Status SqliteTx::Recorded(ChangeKind kind, const std::string& id, Status done) {
  if (!done.ok()) return done;
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare("INSERT INTO changes (seq, kind, id, at) "
                                      "SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM changes"));
  s.Bind(1, ChangeKindName(kind)).Bind(2, id).Bind(3, SystemClock().Now());
  return c_.Run(s, "record change");
}

Result<std::vector<Change>> SqliteTx::ListChangesAfter(int64_t after_seq, int64_t limit) {
  ASSIGN_OR_RETURN(
      Stmt s, c_.Prepare("SELECT seq, kind, id, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?"));
  s.Bind(1, after_seq).Bind(2, limit);
  std::vector<Change> out;
  RETURN_IF_ERROR(All(c_, s, out, [](const Stmt& r) {
    // An unknown kind can only come from a newer version; kUser makes the reader reload it.
    return Change{r.Int(0), ParseChangeKind(r.Text(1)).value_or(ChangeKind::kUser), r.Text(2),
                  r.Int(3)};
  }));
  return out;
}

Result<int64_t> SqliteTx::LastChangeSeq() {
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare("SELECT COALESCE(MAX(seq), 0) FROM changes"));
  return Scalar(c_, s);
}

Status SqliteTx::DeleteChangesBefore(Millis t) {
  ASSIGN_OR_RETURN(Stmt s, c_.Prepare("DELETE FROM changes WHERE at < ? AND "
                                      "seq < (SELECT MAX(seq) FROM changes)"));
  s.Bind(1, t);
  return c_.Run(s, "prune change feed");
}

// ---- directory ----

Result<Directory> SqliteTx::LoadDirectory() {
  Directory d;
  {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare(std::string("SELECT ") + kUserCols + " FROM users"));
    RETURN_IF_ERROR(All(c_, s, d.users, [](const Stmt& r) {
      User u = ReadUser(r);
      u.password_hash.clear();
      return u;
    }));
  }
  {
    ASSIGN_OR_RETURN(Stmt s,
                     c_.Prepare("SELECT id, name, description, created_at FROM agent_pools"));
    RETURN_IF_ERROR(All(c_, s, d.pools, ReadPool));
  }
  std::unordered_map<std::string, size_t> group_at;
  {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare("SELECT id, name, created_at FROM access_groups"));
    RETURN_IF_ERROR(All(c_, s, d.groups, [](const Stmt& r) {
      Group g;
      g.id = r.Text(0);
      g.name = r.Text(1);
      g.created_at = r.Int(2);
      return g;
    }));
    for (size_t i = 0; i < d.groups.size(); ++i) group_at[d.groups[i].id] = i;
  }
  {
    ASSIGN_OR_RETURN(
        Stmt s,
        c_.Prepare("SELECT group_id, user_id FROM group_members ORDER BY group_id, position"));
    for (int rc; (rc = s.Step()) == SQLITE_ROW;)
      d.groups[group_at[s.Text(0)]].member_ids.push_back(s.Text(1));
  }
  {
    ASSIGN_OR_RETURN(
        Stmt s,
        c_.Prepare(
            "SELECT group_id, pool_id, role FROM group_pool_access ORDER BY group_id, position"));
    for (int rc; (rc = s.Step()) == SQLITE_ROW;)
      d.groups[group_at[s.Text(0)]].pool_access.push_back(
          {s.Text(1), ParseRole(s.Text(2)).value_or(Role::kStandard)});
  }
  std::unordered_map<std::string, size_t> grant_at;
  {
    ASSIGN_OR_RETURN(Stmt s, c_.Prepare(std::string("SELECT ") + kGrantCols +
                                        " FROM grants WHERE status = 'ACTIVE'"));
    RETURN_IF_ERROR(All(c_, s, d.active_grants, ReadGrant));
    for (size_t i = 0; i < d.active_grants.size(); ++i) grant_at[d.active_grants[i].id] = i;
  }
  {
    ASSIGN_OR_RETURN(
        Stmt s,
        c_.Prepare(
            "SELECT gu.grant_id, gu.user_id FROM grant_users gu JOIN grants g ON "
            "g.id = gu.grant_id WHERE g.status = 'ACTIVE' ORDER BY gu.grant_id, gu.position"));
    for (int rc; (rc = s.Step()) == SQLITE_ROW;)
      d.active_grants[grant_at[s.Text(0)]].user_ids.push_back(s.Text(1));
  }
  {
    ASSIGN_OR_RETURN(
        Stmt s,
        c_.Prepare(
            "SELECT gp.grant_id, gp.pool_id FROM grant_pools gp JOIN grants g ON "
            "g.id = gp.grant_id WHERE g.status = 'ACTIVE' ORDER BY gp.grant_id, gp.position"));
    for (int rc; (rc = s.Step()) == SQLITE_ROW;)
      d.active_grants[grant_at[s.Text(0)]].agent_pool_ids.push_back(s.Text(1));
  }
  return d;
}

}  // namespace jitgate
