// Turning what a person types for pools and users (IDs, names, emails) into IDs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/client_api.h"

namespace jitgate {

// Splits repeated and comma-separated values ("a,b" "c") into trimmed, non-empty items, in order.
std::vector<std::string> SplitList(const std::vector<std::string>& values);

// The failure for names that match nothing: kNotFound "cannot resolve N name(s)" with `unresolved`
// as its details (one entry each, naming the flag's object and the name).
Status UnresolvedNames(std::vector<FieldError> unresolved);

// Resolves each reference to an agent pool ID: a UUID (IsUuid, app/random.h) is taken as is,
// anything else must be the exact name of a pool (GET /api/v1/agent-pool?search=NAME). Order is
// kept. Failure: UnresolvedNames with one {"pool", "no agent pool named \"X\""} entry per
// unresolved name; or the failing call's Status.
Result<std::vector<std::string>> ResolvePools(ApiClient& client,
                                              const std::vector<std::string>& refs);

// Resolves each reference to a user ID: a UUID as is, anything else must be a user's email
// (case-insensitive exact match, GET /api/v1/users?search=EMAIL). Order is kept.
// Failure: UnresolvedNames with one {"user", "no user with email \"X\""} entry per unresolved
// email; or the failing call's Status.
Result<std::vector<std::string>> ResolveUsers(ApiClient& client,
                                              const std::vector<std::string>& refs);

}  // namespace jitgate
