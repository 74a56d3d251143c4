// The client verbs as plain functions over an ApiClient: each prints its result to `out`
// (a table, or the API's JSON with --json) and returns the Status that decides the exit code.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "cli/client_api.h"
#include "cli/client_grant_args.h"

namespace jitgate {

// Where a verb writes its result, and in which form.
struct VerbOutput {
  std::ostream& out;
  bool json = false;  // the API's JSON (lists merged into one {"items", "total"}) instead of tables
};

// `jitgate grant`: validates, resolves pool names and user emails, POST /api/v1/jit-access,
// prints the created grant. Failure: ValidateGrantArgs', the resolution's or the server's Status.
Status RunGrant(ApiClient& client, const GrantArgs& args, const VerbOutput& output);

// `jitgate revoke ID`: DELETE /api/v1/jit-access/ID, prints "revoked ID" (--json:
// {"id": ID, "revoked": true}). Failure: kInvalidArgument for an empty ID, or the server's Status
// (e.g. kGrantNotActive, kNotFound).
Status RunRevoke(ApiClient& client, const std::string& id, const VerbOutput& output);

// Arguments of `jitgate list`.
struct ListArgs {
  std::string status = "active";  // active|expired|revoked|all, any case
  int64_t limit = 1000;           // at most this many grants, newest first
  std::string user;               // only grants naming this user (ID or email); "" for all
  std::string pool;               // only grants naming this pool (ID or name); "" for all
};

// `jitgate list`: GET /api/v1/jit-access page by page (userId/agentPoolId filters when given).
// Failure: kInvalidArgument for a bad --status or --limit, the resolution's Status, or the
// server's.
Status RunList(ApiClient& client, const ListArgs& args, const VerbOutput& output);

// Arguments of `jitgate check`.
struct CheckArgs {
  std::string user;        // a user ID or email
  std::string pool;        // a pool ID or name
  std::string permission;  // USE or IGNORE_QUOTA, any case
};

// `jitgate check`: GET /api/v1/access/check, prints the decision. A denial is a successful
// answer (returns OK, exit 0): scripts read "allowed" from --json. Failure: kInvalidArgument for
// missing/bad arguments, the resolution's Status, or the server's.
Status RunCheck(ApiClient& client, const CheckArgs& args, const VerbOutput& output);

// Arguments of `jitgate pools` and `jitgate users`.
struct SearchArgs {
  std::string search;    // case-insensitive substring; "" lists all
  int64_t limit = 1000;  // at most this many
};

// `jitgate pools`: GET /api/v1/agent-pool. Failure: bad --limit or the server's Status.
Status RunPools(ApiClient& client, const SearchArgs& args, const VerbOutput& output);

// `jitgate users`: GET /api/v1/users. Failure: bad --limit or the server's Status.
Status RunUsers(ApiClient& client, const SearchArgs& args, const VerbOutput& output);

// Arguments of `jitgate audit`.
struct AuditArgs {
  std::string type;     // an event type filter, e.g. "jit.granted"; "" for all
  int64_t limit = 100;  // the newest this many events, printed oldest first
  bool verify = false;  // verify the hash chain instead of listing
};

// `jitgate audit`: GET /api/v1/audit-events (the last --limit events), or with --verify
// GET /api/v1/audit-events/verify. A broken chain is printed and then reported as a failure
// (kInternal "the audit log hash chain is broken"), so scripts and cron jobs notice it.
Status RunAudit(ApiClient& client, const AuditArgs& args, const VerbOutput& output);

}  // namespace jitgate
