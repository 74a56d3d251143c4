// The PostgreSQL schema as an ordered list of versioned migrations: the same version numbers and
// the same meaning as the SQLite ones (store/sqlite/sqlite_migrations.cc), in PostgreSQL types
// (timestamps are BIGINT milliseconds, flags BOOLEAN).
#pragma once

#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"

namespace jitgate {

struct PgMigration {
  int version;
  std::string sql;
};

// Every migration, oldest first.
const std::vector<PgMigration>& PostgresMigrations();

// Applies the migrations not yet recorded in schema_migrations, each in its own transaction.
// Holds a session advisory lock meanwhile, so several processes starting at the same moment
// apply each migration exactly once (the others wait, then find it recorded).
Status MigratePostgres(PgConnection& c);

}  // namespace jitgate
