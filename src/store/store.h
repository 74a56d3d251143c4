// The datastore: interfaces only. Backends (sqlite/, postgres/) implement them and return the
// same typed errors; driver errors never leak. One conformance suite (tests/store/) runs against
// every backend.
//
// Errors every method may return:
//   kNotFound     - the object does not exist (Get*, Update*, Delete*, Mark*);
//   kConflict     - a uniqueness rule (user email, pool name, idempotency key) would be broken;
//   kUnavailable  - the database cannot be reached, is locked too long, or is full;
//                   a failed Write() changed nothing.
//   kInternal     - anything else (a bug or corruption).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/directory.h"
#include "core/model.h"
#include "core/status.h"

namespace jitgate {

struct UserQuery {
  std::string search;  // case-insensitive substring of email or name; empty: all
  int64_t offset = 0;
  int64_t limit = 10;
};  // ordered by email

struct PoolQuery {
  std::string search;  // case-insensitive substring of the name; empty: all
  int64_t offset = 0;
  int64_t limit = 10;
};  // ordered by name

struct GroupQuery {
  int64_t offset = 0;
  int64_t limit = 10;
};  // ordered by name

// Which grants a list returns, judged by effective status at `now`.
enum class GrantFilter { kActive, kExpired, kRevoked, kAll };

struct GrantQuery {
  GrantFilter filter = GrantFilter::kActive;
  Millis now = 0;
  std::string user_id;        // empty: any
  std::string agent_pool_id;  // empty: any
  int64_t offset = 0;
  int64_t limit = 10;
};  // newest first (created_at desc, then id desc)

struct ApiKeyQuery {
  std::string user_id;  // required
  int64_t offset = 0;
  int64_t limit = 10;
};  // newest first; revoked keys are not listed

struct AuditQuery {
  std::string type;       // exact; empty: any. A trailing ".*" matches the prefix (e.g. "group.*").
  std::string actor_id;   // empty: any
  std::string target_id;  // empty: any
  std::optional<Millis> since;  // at >= since
  std::optional<Millis> until;  // at < until
  int64_t offset = 0;
  int64_t limit = 10;
};  // oldest first (seq asc)

// What kind of object a change-feed entry concerns.
enum class ChangeKind { kUser, kPool, kGroup, kGrant, kApiKey, kSession };

// The stored name of a kind ("user", "pool", "group", "grant", "api_key", "session").
inline const char* ChangeKindName(ChangeKind k) {
  switch (k) {
    case ChangeKind::kUser: return "user";
    case ChangeKind::kPool: return "pool";
    case ChangeKind::kGroup: return "group";
    case ChangeKind::kGrant: return "grant";
    case ChangeKind::kApiKey: return "api_key";
    case ChangeKind::kSession: return "session";
  }
  return "unknown";
}
// The kind named `name`; nullopt for an unknown name.
inline std::optional<ChangeKind> ParseChangeKind(std::string_view name) {
  for (ChangeKind k : {ChangeKind::kUser, ChangeKind::kPool, ChangeKind::kGroup, ChangeKind::kGrant,
                       ChangeKind::kApiKey, ChangeKind::kSession}) {
    if (name == ChangeKindName(k)) return k;
  }
  return std::nullopt;
}

// One entry of the change feed: the committed Write that was given `seq` inserted, updated or
// deleted object `id` of `kind` (for kSession: a token hash or, when all sessions of a user were
// deleted, the user id). Replicas replay the feed to keep their in-memory state current.
struct Change {
  int64_t seq = 0;
  ChangeKind kind = ChangeKind::kUser;
  std::string id;
  Millis at = 0;  // wall-clock time of the write, used only to prune old entries
};

// Reads inside one consistent snapshot. Not thread-safe; valid only inside Store::Read/Write.
class ReadTx {
 public:
  virtual ~ReadTx() = default;

  virtual Result<User> GetUser(const std::string& id) = 0;
  // `email` is matched case-insensitively.
  virtual Result<User> GetUserByEmail(const std::string& email) = 0;
  virtual Result<Page<User>> ListUsers(const UserQuery& q) = 0;
  virtual Result<int64_t> CountEnabledRoleManagers() = 0;

  virtual Result<AgentPool> GetPool(const std::string& id) = 0;
  virtual Result<AgentPool> GetPoolByName(const std::string& name) = 0;
  virtual Result<Page<AgentPool>> ListPools(const PoolQuery& q) = 0;

  virtual Result<Group> GetGroup(const std::string& id) = 0;
  virtual Result<Page<Group>> ListGroups(const GroupQuery& q) = 0;

  virtual Result<Grant> GetGrant(const std::string& id) = 0;
  virtual Result<Page<Grant>> ListGrants(const GrantQuery& q) = 0;
  // Grants with stored status ACTIVE and expires_at > now.
  virtual Result<int64_t> CountActiveGrants(Millis now) = 0;
  // True when some grant with stored status ACTIVE and expires_at > now names the user / pool.
  virtual Result<bool> UserInActiveGrant(const std::string& user_id, Millis now) = 0;
  virtual Result<bool> PoolInActiveGrant(const std::string& pool_id, Millis now) = 0;
  // Grants with stored status ACTIVE and expires_at <= now, oldest expiry first, at most `limit`.
  virtual Result<std::vector<Grant>> ListExpiredButActive(Millis now, int64_t limit) = 0;
  // The smallest expires_at among grants with stored status ACTIVE, nullopt when none.
  virtual Result<std::optional<Millis>> NextActiveExpiry() = 0;

  virtual Result<ApiKey> GetApiKey(const std::string& id) = 0;
  // Looks a key up by its public prefix (revoked keys included, so callers can say why).
  virtual Result<ApiKey> GetApiKeyByPrefix(const std::string& prefix) = 0;
  virtual Result<Page<ApiKey>> ListApiKeys(const ApiKeyQuery& q) = 0;

  virtual Result<Session> GetSession(const std::string& token_hash) = 0;

  virtual Result<Page<AuditEvent>> ListAudit(const AuditQuery& q) = 0;
  // Calls fn for every event in seq order, from `after_seq` + 1; stops early when fn returns false.
  virtual Status ForEachAudit(int64_t after_seq, const std::function<bool(const AuditEvent&)>& fn) = 0;

  virtual Result<IdempotencyRecord> GetIdempotency(const std::string& caller_id,
                                                   const std::string& key) = 0;

  virtual Result<Directory> LoadDirectory() = 0;

  // The change feed in seq order: entries with seq > after_seq, at most `limit`.
  // Seqs are assigned in commit order without gaps (writes are serialised), so a reader that
  // gets a first seq above after_seq + 1 knows entries were pruned and must reload everything.
  virtual Result<std::vector<Change>> ListChangesAfter(int64_t after_seq, int64_t limit) = 0;
  // The highest seq assigned so far; 0 when there has been no change.
  virtual Result<int64_t> LastChangeSeq() = 0;
};

// Reads and writes inside one transaction. Not thread-safe; valid only inside Store::Write.
class WriteTx : public ReadTx {
 public:
  virtual Status InsertUser(const User& u) = 0;  // kConflict on duplicate email
  // Replaces name, email, role_manager, disabled, password_hash of the user with u.id.
  virtual Status UpdateUser(const User& u) = 0;
  // Deletes the user, their group memberships, API keys and sessions. Grants keep the id.
  virtual Status DeleteUser(const std::string& id) = 0;

  virtual Status InsertPool(const AgentPool& p) = 0;  // kConflict on duplicate name
  virtual Status UpdatePool(const AgentPool& p) = 0;  // name, description; kConflict on name
  // Deletes the pool and removes it from every group's pool access.
  virtual Status DeletePool(const std::string& id) = 0;

  virtual Status InsertGroup(const Group& g) = 0;
  virtual Status UpdateGroup(const Group& g) = 0;  // replaces name, members, pool access
  virtual Status DeleteGroup(const std::string& id) = 0;

  virtual Status InsertGrant(const Grant& g) = 0;
  // Sets status REVOKED with revoked_at/by. kNotFound when no such grant.
  virtual Status MarkGrantRevoked(const std::string& id, Millis at, const std::string& by) = 0;
  virtual Status MarkGrantExpired(const std::string& id) = 0;

  virtual Status InsertApiKey(const ApiKey& k) = 0;
  virtual Status MarkApiKeyRevoked(const std::string& id, Millis at) = 0;
  virtual Status TouchApiKey(const std::string& id, Millis at) = 0;  // sets last_used_at

  virtual Status InsertSession(const Session& s) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  virtual Status DeleteSessionsOfUser(const std::string& user_id) = 0;
  virtual Status TouchSession(const std::string& token_hash, Millis at) = 0;

  // Appends `ev` to the audit chain: assigns ev.seq (last + 1) and ev.hash
  // (ChainHash(previous hash, ev), see core/audit_chain.h) and stores it.
  virtual Status AppendAudit(AuditEvent& ev) = 0;

  virtual Status InsertIdempotency(const IdempotencyRecord& r) = 0;  // kConflict on (caller,key)
  virtual Status DeleteIdempotencyBefore(Millis t) = 0;

  // Prunes change-feed entries with at < t. The last entry is always kept so seqs never restart.
  virtual Status DeleteChangesBefore(Millis t) = 0;
};

// Every Insert*/Update*/Delete*/Mark* of users, pools, groups, grants and API keys, and every
// DeleteSession*, appends one Change to the feed inside the same transaction. Touch*, sessions
// being created, audit events and idempotency records are not in the feed.

// What differs between backends, declared as data (never `if (engine == ...)` in callers).
struct StoreFeatures {
  bool shared_between_processes = false;  // true for PostgreSQL: other replicas write too
};

// A durable store. Thread-safe: Read and Write may be called from any thread concurrently.
class Store {
 public:
  virtual ~Store() = default;

  // Runs fn in a read-only consistent snapshot. Returns fn's status or a store error.
  virtual Status Read(const std::function<Status(ReadTx&)>& fn) = 0;

  // Runs fn in a serialisable write transaction. Commits when fn returns OK and returns OK only
  // after the commit is durable; otherwise rolls back and returns fn's (or the commit's) error,
  // having changed nothing. fn may be retried by the backend on transient conflicts, so it must
  // have no side effects outside the transaction.
  virtual Status Write(const std::function<Status(WriteTx&)>& fn) = 0;

  // Returns when another process may have committed a change (PostgreSQL: LISTEN/NOTIFY) or
  // after `timeout`, whichever is first. Backends whose features().shared_between_processes is
  // false simply wait for the timeout. kUnavailable (after waiting) when the database is down.
  virtual Status WaitForChange(Millis timeout) = 0;

  // The database server's clock, in ms since the Unix epoch. Replicas sharing a database align their
  // clocks to it so that every replica decides expiry by the same clock. SQLite: the host's clock.
  // kUnavailable when the database cannot be reached.
  virtual Result<Millis> DatabaseTime() = 0;

  // OK when the database answers a trivial query.
  virtual Status Ping() = 0;

  virtual StoreFeatures features() const = 0;
};

// Opens (and migrates) the store named by `url`: `sqlite:PATH` or `postgres://...`.
// kInvalidArgument for an unknown scheme, kUnavailable when the database cannot be opened.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace jitgate
