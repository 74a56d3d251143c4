#include "cli/client_verbs.h"

#include <cctype>

#include "cli/client_format.h"
#include "cli/client_pages.h"
#include "cli/client_resolve.h"

namespace jitgate {
namespace {

constexpr const char* kGrants = "/api/v1/jit-access";
constexpr const char* kPools = "/api/v1/agent-pool";
constexpr const char* kUsers = "/api/v1/users";

void PrintJson(const VerbOutput& output, const nlohmann::json& j) {
  output.out << j.dump(2) << "\n";
}

Status CheckLimit(int64_t limit) {
  if (limit >= 1) return Status::Ok();
  return Status::Invalid("--limit", "must be a positive number");
}

// Names for the IDs shown in human output. Best-effort: a list the key may not read (scope,
// role) or that fails leaves IDs shown as IDs.
NameBook LoadNames(ApiClient& client, bool pools, bool users) {
  NameBook names;
  auto load = [&](const char* path, const char* field, std::map<std::string, std::string>& into) {
    auto page = FetchPages(client, path, kMaxPageSize);
    if (!page.ok()) return;
    for (const auto& item : (*page)["items"]) into[JsonText(item, "id")] = JsonText(item, field);
  };
  if (pools) load(kPools, "name", names.pools);
  if (users) load(kUsers, "email", names.users);
  return names;
}

// Resolves pools and users together so that every unresolved name is reported at once.
Status ResolveBoth(ApiClient& client, const std::vector<std::string>& pool_refs,
                   const std::vector<std::string>& user_refs, std::vector<std::string>* pool_ids,
                   std::vector<std::string>* user_ids) {
  auto pools = ResolvePools(client, pool_refs);
  if (!pools.ok() && pools.status().code() != Code::kNotFound) return pools.status();
  auto users = ResolveUsers(client, user_refs);
  if (!users.ok() && users.status().code() != Code::kNotFound) return users.status();
  if (pools.ok() && users.ok()) {
    *pool_ids = std::move(pools).value();
    *user_ids = std::move(users).value();
    return Status::Ok();
  }
  std::vector<FieldError> details = pools.status().details();
  for (const auto& d : users.status().details()) details.push_back(d);
  return UnresolvedNames(std::move(details));
}

}  // namespace

Status RunGrant(ApiClient& client, const GrantArgs& args, const VerbOutput& output) {
  RETURN_IF_ERROR(ValidateGrantArgs(args));
  std::vector<std::string> pool_ids, user_ids;
  RETURN_IF_ERROR(
      ResolveBoth(client, SplitList(args.pools), SplitList(args.users), &pool_ids, &user_ids));
  ASSIGN_OR_RETURN(
      nlohmann::json grant,
      client.Call("POST", kGrants, BuildGrantBody(args, pool_ids, user_ids), args.idempotency_key));
  if (output.json) {
    PrintJson(output, grant);
  } else {
    output.out << FormatGrant(grant, LoadNames(client, true, true));
  }
  return Status::Ok();
}

Status RunRevoke(ApiClient& client, const std::string& id, const VerbOutput& output) {
  if (id.empty()) return Status::Invalid("ID", "the ID of the grant to revoke is required");
  ASSIGN_OR_RETURN(nlohmann::json ignored,
                   client.Call("DELETE", std::string(kGrants) + "/" + PercentEncode(id)));
  (void)ignored;  // 204, no body
  if (output.json) {
    PrintJson(output, {{"id", id}, {"revoked", true}});
  } else {
    output.out << "revoked " << id << "\n";
  }
  return Status::Ok();
}

Status RunList(ApiClient& client, const ListArgs& args, const VerbOutput& output) {
  std::string status = args.status;
  for (char& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (status != "active" && status != "expired" && status != "revoked" && status != "all") {
    return Status::Invalid("--status", "must be one of active, expired, revoked, all");
  }
  RETURN_IF_ERROR(CheckLimit(args.limit));
  std::vector<std::string> pool_ids, user_ids;
  RETURN_IF_ERROR(
      ResolveBoth(client, SplitList({args.pool}), SplitList({args.user}), &pool_ids, &user_ids));
  const std::string path =
      std::string(kGrants) + QueryString({{"status", status},
                                          {"userId", user_ids.empty() ? "" : user_ids[0]},
                                          {"agentPoolId", pool_ids.empty() ? "" : pool_ids[0]}});
  ASSIGN_OR_RETURN(nlohmann::json merged, FetchPages(client, path, args.limit));
  if (output.json) {
    PrintJson(output, merged);
    return Status::Ok();
  }
  const bool any = !merged["items"].empty();
  output.out << FormatGrantTable(merged["items"], LoadNames(client, any, any))
             << FormatTruncation(merged);
  return Status::Ok();
}

Status RunCheck(ApiClient& client, const CheckArgs& args, const VerbOutput& output) {
  std::vector<FieldError> errors;
  if (args.user.empty()) errors.push_back({"--user", "a user ID or email is required"});
  if (args.pool.empty()) errors.push_back({"--pool", "an agent pool ID or name is required"});
  const std::string permission = Upper(args.permission);
  if (permission != "USE" && permission != "IGNORE_QUOTA") {
    errors.push_back({"--permission", "must be USE or IGNORE_QUOTA"});
  }
  if (!errors.empty()) {
    return Status(Code::kInvalidArgument, "invalid arguments for check", std::move(errors));
  }
  std::vector<std::string> pool_ids, user_ids;
  RETURN_IF_ERROR(ResolveBoth(client, {args.pool}, {args.user}, &pool_ids, &user_ids));
  const std::string path = "/api/v1/access/check" + QueryString({{"userId", user_ids[0]},
                                                                 {"agentPoolId", pool_ids[0]},
                                                                 {"permission", permission}});
  ASSIGN_OR_RETURN(nlohmann::json decision, client.Get(path));
  if (output.json) {
    PrintJson(output, decision);
  } else {
    output.out << FormatDecision(decision);
  }
  return Status::Ok();
}

Status RunPools(ApiClient& client, const SearchArgs& args, const VerbOutput& output) {
  RETURN_IF_ERROR(CheckLimit(args.limit));
  const std::string path = std::string(kPools) + QueryString({{"search", args.search}});
  ASSIGN_OR_RETURN(nlohmann::json merged, FetchPages(client, path, args.limit));
  if (output.json) {
    PrintJson(output, merged);
  } else {
    output.out << FormatPools(merged["items"]) << FormatTruncation(merged);
  }
  return Status::Ok();
}

Status RunUsers(ApiClient& client, const SearchArgs& args, const VerbOutput& output) {
  RETURN_IF_ERROR(CheckLimit(args.limit));
  const std::string path = std::string(kUsers) + QueryString({{"search", args.search}});
  ASSIGN_OR_RETURN(nlohmann::json merged, FetchPages(client, path, args.limit));
  if (output.json) {
    PrintJson(output, merged);
  } else {
    output.out << FormatUsers(merged["items"]) << FormatTruncation(merged);
  }
  return Status::Ok();
}

Status RunAudit(ApiClient& client, const AuditArgs& args, const VerbOutput& output) {
  if (args.verify) {
    ASSIGN_OR_RETURN(nlohmann::json verification, client.Get("/api/v1/audit-events/verify"));
    if (output.json) {
      PrintJson(output, verification);
    } else {
      output.out << FormatVerification(verification);
    }
    const auto valid = verification.find("valid");
    if (valid != verification.end() && valid->is_boolean() && valid->get<bool>()) {
      return Status::Ok();
    }
    return Status(Code::kInternal, "the audit log hash chain is broken");
  }
  RETURN_IF_ERROR(CheckLimit(args.limit));
  const std::string path = "/api/v1/audit-events" + QueryString({{"type", args.type}});
  ASSIGN_OR_RETURN(nlohmann::json merged, FetchLast(client, path, args.limit));
  if (output.json) {
    PrintJson(output, merged);
    return Status::Ok();
  }
  const bool any = !merged["items"].empty();
  output.out << FormatAuditEvents(merged["items"], LoadNames(client, false, any))
             << FormatTruncation(merged);
  return Status::Ok();
}

}  // namespace jitgate
