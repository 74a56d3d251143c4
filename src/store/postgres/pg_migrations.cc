#include "store/postgres/pg_migrations.h"

#include <chrono>

namespace jitgate {
namespace {
// Key of the session advisory lock held while migrating ("jg-migr" in ASCII). Distinct from the
// writer lock so a migrating process never waits on itself.
constexpr const char* kMigrationLock = "7667146838564631040";
}  // namespace

// Text columns that are ordered or searched are COLLATE "C": ordering and case folding are then
// bytewise / ASCII-only, exactly as in SQLite, whatever the database's locale.
const std::vector<PgMigration>& PostgresMigrations() {
  static const std::vector<PgMigration> kMigrations = {
      {1, R"sql(
CREATE TABLE users (
  id TEXT COLLATE "C" PRIMARY KEY,
  email TEXT COLLATE "C" NOT NULL UNIQUE,
  name TEXT COLLATE "C" NOT NULL,
  role_manager BOOLEAN NOT NULL,
  disabled BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  password_hash TEXT NOT NULL DEFAULT ''
);
CREATE TABLE agent_pools (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  description TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE access_groups (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE group_members (
  group_id TEXT COLLATE "C" NOT NULL REFERENCES access_groups(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);
CREATE TABLE group_pool_access (
  group_id TEXT COLLATE "C" NOT NULL REFERENCES access_groups(id) ON DELETE CASCADE,
  pool_id TEXT COLLATE "C" NOT NULL REFERENCES agent_pools(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (group_id, pool_id)
);
CREATE INDEX group_pool_access_pool ON group_pool_access(pool_id);
CREATE TABLE grants (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  revoked_by TEXT
);
CREATE INDEX grants_status_expires ON grants(status, expires_at);
CREATE INDEX grants_created ON grants(created_at, id);
CREATE TABLE grant_users (
  grant_id TEXT COLLATE "C" NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (grant_id, user_id)
);
CREATE INDEX grant_users_user ON grant_users(user_id);
CREATE TABLE grant_pools (
  grant_id TEXT COLLATE "C" NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  pool_id TEXT COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (grant_id, pool_id)
);
CREATE INDEX grant_pools_pool ON grant_pools(pool_id);
CREATE TABLE api_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  label TEXT NOT NULL,
  prefix TEXT COLLATE "C" NOT NULL UNIQUE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scopes TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  last_used_at BIGINT,
  revoked_at BIGINT,
  key_hash TEXT NOT NULL
);
CREATE INDEX api_keys_user ON api_keys(user_id, created_at);
CREATE TABLE sessions (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  csrf_hash TEXT NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id TEXT COLLATE "C",
  actor_type TEXT NOT NULL,
  type TEXT COLLATE "C" NOT NULL,
  target_id TEXT COLLATE "C",
  details TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_type ON audit_events(type, seq);
CREATE INDEX audit_events_actor ON audit_events(actor_id, seq);
CREATE INDEX audit_events_target ON audit_events(target_id, seq);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE TABLE idempotency_keys (
  caller_id TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  request_hash TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (caller_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
)sql"},
      // The change feed other replicas follow (see store.h); seq is assigned MAX + 1 under the
      // writer advisory lock, so it is gapless and in commit order across processes.
      {2, R"sql(
CREATE TABLE changes (
  seq BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX changes_at ON changes(at);
)sql"},
  };
  return kMigrations;
}

namespace {

Status ApplyPending(PgConnection& c) {
  RETURN_IF_ERROR(
      c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
             "applied_at BIGINT NOT NULL)",
             "create schema_migrations"));
  for (const PgMigration& m : PostgresMigrations()) {
    ASSIGN_OR_RETURN(PgResult applied,
                     c.Query("SELECT 1 FROM schema_migrations WHERE version = $1",
                             PgParams().Add(m.version), "check migration"));
    if (applied.rows() > 0) continue;
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    // One simple-protocol string: the migration and its record commit together or not at all.
    RETURN_IF_ERROR(c.Exec("BEGIN;\n" + m.sql +
                               "\nINSERT INTO schema_migrations(version, applied_at) VALUES (" +
                               std::to_string(m.version) + ", " + std::to_string(now) +
                               ");\nCOMMIT;",
                           "apply migration " + std::to_string(m.version)));
  }
  return Status::Ok();
}

}  // namespace

Status MigratePostgres(PgConnection& c) {
  RETURN_IF_ERROR(c.Exec(std::string("SELECT pg_advisory_lock(") + kMigrationLock + ")",
                         "take the migration lock"));
  Status st = ApplyPending(c);
  if (!st.ok()) (void)c.Exec("ROLLBACK", "roll back migration");
  (void)c.Exec(std::string("SELECT pg_advisory_unlock(") + kMigrationLock + ")",
               "release the migration lock");
  return st;
}

}  // namespace jitgate
