// The SQLite schema as an ordered list of versioned migrations.
#pragma once

#include <string>
#include <vector>

#include "store/sqlite/sqlite_connection.h"

namespace jitgate {

struct Migration {
  int version;
  std::string sql;
};

// Every migration, oldest first. Versions match the PostgreSQL backend's.
const std::vector<Migration>& SqliteMigrations();

// Applies the migrations not yet recorded in schema_migrations, each in its own transaction.
Status MigrateSqlite(SqliteConnection& c);

}  // namespace jitgate
