#include "cli/client_grant_args.h"

#include <cctype>

#include "cli/client_resolve.h"

namespace jitgate {

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

Status ValidateGrantArgs(const GrantArgs& args) {
  std::vector<FieldError> errors;
  if (args.name.empty()) errors.push_back({"--name", "a grant name is required"});
  const std::string role = Upper(args.role);
  if (role != "STANDARD" && role != "PRIVILEGED") {
    errors.push_back({"--role", "must be STANDARD or PRIVILEGED"});
  }
  if (SplitList(args.pools).empty())
    errors.push_back({"--pool", "at least one agent pool is required"});
  if (SplitList(args.users).empty()) errors.push_back({"--user", "at least one user is required"});
  const int given =
      int{args.days.has_value()} + int{args.hours.has_value()} + int{args.at.has_value()};
  if (given != 1) {
    errors.push_back({"--days|--hours|--at", "give exactly one of --days, --hours or --at"});
  }
  if (args.days && *args.days <= 0) errors.push_back({"--days", "must be a positive number"});
  if (args.hours && *args.hours <= 0) errors.push_back({"--hours", "must be a positive number"});
  if (args.at && args.at->empty()) errors.push_back({"--at", "must be an RFC 3339 time"});
  if (errors.empty()) return Status::Ok();
  return Status(Code::kInvalidArgument, "invalid arguments for grant", std::move(errors));
}

nlohmann::json BuildGrantBody(const GrantArgs& args, const std::vector<std::string>& pool_ids,
                              const std::vector<std::string>& user_ids) {
  nlohmann::json expiration = nlohmann::json::object();
  if (args.days) expiration["days"] = *args.days;
  if (args.hours) expiration["hours"] = *args.hours;
  if (args.at) expiration["at"] = *args.at;
  nlohmann::json body = {{"name", args.name},
                         {"role", Upper(args.role)},
                         {"agentPoolIds", pool_ids},
                         {"userIds", user_ids},
                         {"expiration", expiration}};
  if (args.reason) body["reason"] = *args.reason;
  return body;
}

}  // namespace jitgate
