// The arguments of `jitgate grant`, their local validation and the request body they make.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace jitgate {

// What `jitgate grant` was given on the command line.
struct GrantArgs {
  std::string name;
  std::string role;                // STANDARD or PRIVILEGED, any case
  std::vector<std::string> pools;  // IDs or names, repeated and/or comma-separated
  std::vector<std::string> users;  // IDs or emails, repeated and/or comma-separated
  std::optional<int64_t> days;
  std::optional<int64_t> hours;
  std::optional<std::string> at;  // an RFC 3339 time, passed to the server as given
  std::optional<std::string> reason;
  std::string idempotency_key;  // optional Idempotency-Key header
};

// Checks what can be checked without the server: a name, a role of STANDARD/PRIVILEGED (any
// case), at least one pool and one user, and exactly one of --days/--hours/--at with a positive
// number. The server checks the rest (limits, existence, expiry range).
// Failure: kInvalidArgument with one `details` entry per problem, named by the flag
// ("--name", "--role", "--pool", "--user", "--days|--hours|--at", "--days", "--hours", "--at").
Status ValidateGrantArgs(const GrantArgs& args);

// The POST /api/v1/jit-access body for valid `args` and resolved IDs (role upper-cased,
// "reason" only when given).
nlohmann::json BuildGrantBody(const GrantArgs& args, const std::vector<std::string>& pool_ids,
                              const std::vector<std::string>& user_ids);

// `text` upper-cased (ASCII).
std::string Upper(std::string text);

}  // namespace jitgate
