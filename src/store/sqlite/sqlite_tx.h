// SqliteTx: ReadTx and WriteTx over one SQLite connection inside an open transaction.
#pragma once

#include "store/sqlite/sqlite_connection.h"
#include "store/store.h"

namespace jitgate {

// Every method behaves as documented in store/store.h. Not thread-safe; lives only for the one
// Store::Read/Write call that created it.
class SqliteTx final : public WriteTx {
 public:
  explicit SqliteTx(SqliteConnection& c) : c_(c) {}

  Result<User> GetUser(const std::string& id) override;
  Result<User> GetUserByEmail(const std::string& email) override;
  Result<Page<User>> ListUsers(const UserQuery& q) override;
  Result<int64_t> CountEnabledRoleManagers() override;
  Result<AgentPool> GetPool(const std::string& id) override;
  Result<AgentPool> GetPoolByName(const std::string& name) override;
  Result<Page<AgentPool>> ListPools(const PoolQuery& q) override;
  Result<Group> GetGroup(const std::string& id) override;
  Result<Page<Group>> ListGroups(const GroupQuery& q) override;
  Result<Grant> GetGrant(const std::string& id) override;
  Result<Page<Grant>> ListGrants(const GrantQuery& q) override;
  Result<int64_t> CountActiveGrants(Millis now) override;
  Result<bool> UserInActiveGrant(const std::string& user_id, Millis now) override;
  Result<bool> PoolInActiveGrant(const std::string& pool_id, Millis now) override;
  Result<std::vector<Grant>> ListExpiredButActive(Millis now, int64_t limit) override;
  Result<std::optional<Millis>> NextActiveExpiry() override;
  Result<ApiKey> GetApiKey(const std::string& id) override;
  Result<ApiKey> GetApiKeyByPrefix(const std::string& prefix) override;
  Result<Page<ApiKey>> ListApiKeys(const ApiKeyQuery& q) override;
  Result<Session> GetSession(const std::string& token_hash) override;
  Result<Page<AuditEvent>> ListAudit(const AuditQuery& q) override;
  Status ForEachAudit(int64_t after_seq, const std::function<bool(const AuditEvent&)>& fn) override;
  Result<IdempotencyRecord> GetIdempotency(const std::string& caller_id,
                                           const std::string& key) override;
  Result<Directory> LoadDirectory() override;
  Result<std::vector<Change>> ListChangesAfter(int64_t after_seq, int64_t limit) override;
  Result<int64_t> LastChangeSeq() override;

  Status InsertUser(const User& u) override;
  Status UpdateUser(const User& u) override;
  Status DeleteUser(const std::string& id) override;
  Status InsertPool(const AgentPool& p) override;
  Status UpdatePool(const AgentPool& p) override;
  Status DeletePool(const std::string& id) override;
  Status InsertGroup(const Group& g) override;
  Status UpdateGroup(const Group& g) override;
  Status DeleteGroup(const std::string& id) override;
  Status InsertGrant(const Grant& g) override;
  Status MarkGrantRevoked(const std::string& id, Millis at, const std::string& by) override;
  Status MarkGrantExpired(const std::string& id) override;
  Status InsertApiKey(const ApiKey& k) override;
  Status MarkApiKeyRevoked(const std::string& id, Millis at) override;
  Status TouchApiKey(const std::string& id, Millis at) override;
  Status InsertSession(const Session& s) override;
  Status DeleteSession(const std::string& token_hash) override;
  Status DeleteSessionsOfUser(const std::string& user_id) override;
  Status TouchSession(const std::string& token_hash, Millis at) override;
  Status AppendAudit(AuditEvent& ev) override;
  Status InsertIdempotency(const IdempotencyRecord& r) override;
  Status DeleteIdempotencyBefore(Millis t) override;
  Status DeleteChangesBefore(Millis t) override;

 private:
  // Appends (kind, id) to the change feed when `done` is OK; returns `done` or the append's error.
  Status Recorded(ChangeKind kind, const std::string& id, Status done);
  Status LoadGrantMembers(Grant& g);
  Status LoadGroupMembers(Group& g);
  Status WriteGroupMembers(const Group& g);
  // NotFound(what) when the last UPDATE/DELETE on the connection changed no row, else OK.
  // changed.
  Status ExpectChanged(const char* what);

  SqliteConnection& c_;
};

}  // namespace jitgate
