#include "core/model.h"

namespace jitgate {

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kStandard: return "STANDARD";
    case Role::kPrivileged: return "PRIVILEGED";
    case Role::kNone: break;
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "STANDARD") return Role::kStandard;
  if (s == "PRIVILEGED") return Role::kPrivileged;
  return std::nullopt;
}

std::string_view PermissionName(Permission p) {
  return p == Permission::kUse ? "USE" : "IGNORE_QUOTA";
}

std::optional<Permission> ParsePermission(std::string_view s) {
  if (s == "USE") return Permission::kUse;
  if (s == "IGNORE_QUOTA") return Permission::kIgnoreQuota;
  return std::nullopt;
}

std::string_view GrantStatusName(GrantStatus s) {
  switch (s) {
    case GrantStatus::kActive: return "ACTIVE";
    case GrantStatus::kExpired: return "EXPIRED";
    case GrantStatus::kRevoked: return "REVOKED";
  }
  return "";
}

std::string_view ActorTypeName(ActorType t) {
  switch (t) {
    case ActorType::kUser: return "USER";
    case ActorType::kApiKey: return "API_KEY";
    case ActorType::kSystem: return "SYSTEM";
  }
  return "";
}

std::optional<ActorType> ParseActorType(std::string_view s) {
  if (s == "USER") return ActorType::kUser;
  if (s == "API_KEY") return ActorType::kApiKey;
  if (s == "SYSTEM") return ActorType::kSystem;
  return std::nullopt;
}

}  // namespace jitgate
