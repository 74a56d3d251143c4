#include "store/sqlite/sqlite_migrations.h"

#include <chrono>

namespace jitgate {

const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role_manager INTEGER NOT NULL,
  disabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  password_hash TEXT NOT NULL DEFAULT ''
);
CREATE TABLE agent_pools (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE access_groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES access_groups(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);
CREATE TABLE group_pool_access (
  group_id TEXT NOT NULL REFERENCES access_groups(id) ON DELETE CASCADE,
  pool_id TEXT NOT NULL REFERENCES agent_pools(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (group_id, pool_id)
);
CREATE INDEX group_pool_access_pool ON group_pool_access(pool_id);
CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT
);
CREATE INDEX grants_status_expires ON grants(status, expires_at);
CREATE INDEX grants_created ON grants(created_at, id);
CREATE TABLE grant_users (
  grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (grant_id, user_id)
);
CREATE INDEX grant_users_user ON grant_users(user_id);
CREATE TABLE grant_pools (
  grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  pool_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (grant_id, pool_id)
);
CREATE INDEX grant_pools_pool ON grant_pools(pool_id);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  prefix TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scopes TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER,
  key_hash TEXT NOT NULL
);
CREATE INDEX api_keys_user ON api_keys(user_id, created_at);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  csrf_hash TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id TEXT,
  actor_type TEXT NOT NULL,
  type TEXT NOT NULL,
  target_id TEXT,
  details TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_type ON audit_events(type, seq);
CREATE INDEX audit_events_actor ON audit_events(actor_id, seq);
CREATE INDEX audit_events_target ON audit_events(target_id, seq);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE TABLE idempotency_keys (
  caller_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (caller_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
)sql"},
      // The change feed other replicas follow (see store.h); seq is assigned MAX + 1 by the
      // single writer, so it is gapless and in commit order.
      {2, R"sql(
CREATE TABLE changes (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX changes_at ON changes(at);
)sql"},
  };
  return kMigrations;
}

Status MigrateSqlite(SqliteConnection& c) {
  RETURN_IF_ERROR(
      c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
             "applied_at INTEGER NOT NULL)"));
  for (const Migration& m : SqliteMigrations()) {
    // BEGIN IMMEDIATE takes the write lock first, so two processes opening a new file at once
    // cannot both apply the same migration.
    RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
    Status st = [&]() -> Status {
      bool applied = false;
      {
        ASSIGN_OR_RETURN(Stmt check,
                         c.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?"));
        check.Bind(1, m.version);
        applied = check.Step() == SQLITE_ROW;
      }
      if (applied) return Status::Ok();
      RETURN_IF_ERROR(c.Exec(m.sql));
      ASSIGN_OR_RETURN(
          Stmt record,
          c.Prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)"));
      const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      record.Bind(1, m.version).Bind(2, now);
      return c.Run(record, "record migration");
    }();
    if (!st.ok()) {
      (void)c.Exec("ROLLBACK");
      return st;
    }
    RETURN_IF_ERROR(c.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace jitgate
