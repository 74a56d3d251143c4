// PgTx: ReadTx and WriteTx over one PostgreSQL connection inside an open transaction.
#pragma once

#include "store/postgres/pg_connection.h"
#include "store/store.h"

namespace jitgate {

// Every method behaves as documented in store/store.h, exactly like SqliteTx (same ordering,
// same error codes and conflict messages). Not thread-safe; lives only for the one
// Store::Read/Write call that created it.
//
// One difference the store hides: PostgreSQL aborts a transaction at its first SQL error, so
// after a method failed with an SQL error (kConflict from a foreign key, kUnavailable, ...) the
// remaining calls of the transaction fail too, and PostgresStore::Write returns that first error
// even when fn swallowed it. Duplicate-key inserts use ON CONFLICT DO NOTHING and so fail without
// aborting, as in SQLite.
class PgTx final : public WriteTx {
 public:
  explicit PgTx(PgConnection& c) : c_(c) {}

  // The seq of the last change-feed entry this transaction appended; 0 when none.
  int64_t last_change_seq() const { return last_change_seq_; }

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
  // Runs a statement that must change a row: NotFound(what) when it changed none.
  Status Change1(const std::string& sql, const PgParams& p, const char* what,
                 const char* not_found);
  Status LoadGrantMembers(Grant& g);
  Status LoadGroupMembers(Group& g);
  Status WriteGroupMembers(const Group& g);

  PgConnection& c_;
  int64_t last_change_seq_ = 0;
};

}  // namespace jitgate
