// The one place a backend is chosen from the --db URL.
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace jitgate {
namespace {

Status BadUrl(std::string message) {
  return Status(Code::kInvalidArgument, message, {FieldError{"db", message}});
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    const std::string path = url.substr(kSqlite.size());
    if (path.empty()) return BadUrl("sqlite: needs a file path, e.g. sqlite:data/jitgate.db");
    ASSIGN_OR_RETURN(auto store, SqliteStore::Open(path));
    return std::unique_ptr<Store>(std::move(store));
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    // The URL goes to libpq as is (it may carry the password); it is never logged or echoed.
    ASSIGN_OR_RETURN(auto store, PostgresStore::Open(url));
    return std::unique_ptr<Store>(std::move(store));
  }
  return BadUrl("unknown store URL; expected sqlite:PATH or postgres://...");
}

}  // namespace jitgate
