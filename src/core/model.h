// The domain: users, agent pools, groups, JIT grants, API keys, sessions, audit events.
// Plain values; no behaviour beyond trivial helpers. IDs are UUID strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace jitgate {

// A role on an agent pool. Ordered: a stronger role compares greater.
enum class Role : uint8_t { kNone = 0, kStandard = 1, kPrivileged = 2 };

// What a check asks for: USE is granted by both roles, IGNORE_QUOTA by PRIVILEGED only.
enum class Permission : uint8_t { kUse, kIgnoreQuota };

// Stored status of a grant. An ACTIVE grant whose expiry has passed is *reported* EXPIRED
// (see EffectiveStatus) even before the expirer records it.
enum class GrantStatus : uint8_t { kActive, kExpired, kRevoked };

enum class ActorType : uint8_t { kUser, kApiKey, kSystem };

std::string_view RoleName(Role r);               // "STANDARD", "PRIVILEGED"; "" for kNone
std::optional<Role> ParseRole(std::string_view s);  // exact, upper case; kNone is not parseable
std::string_view PermissionName(Permission p);   // "USE", "IGNORE_QUOTA"
std::optional<Permission> ParsePermission(std::string_view s);
std::string_view GrantStatusName(GrantStatus s);  // "ACTIVE", "EXPIRED", "REVOKED"
std::string_view ActorTypeName(ActorType t);      // "USER", "API_KEY", "SYSTEM"
std::optional<ActorType> ParseActorType(std::string_view s);

// True when `role` carries `permission`.
inline bool RoleAllows(Role role, Permission permission) {
  return permission == Permission::kUse ? role >= Role::kStandard : role >= Role::kPrivileged;
}

struct User {
  std::string id;
  std::string email;  // stored lower-cased; unique
  std::string name;
  bool role_manager = false;
  bool disabled = false;
  Millis created_at = 0;
  std::string password_hash;  // Argon2id encoded string; empty when no password is set
};

struct AgentPool {
  std::string id;
  std::string name;  // unique (case-sensitive), 1-100 characters
  std::string description;
  Millis created_at = 0;
};

struct PoolAccess {
  std::string agent_pool_id;
  Role role = Role::kStandard;
  bool operator==(const PoolAccess&) const = default;
};

// Standing access: every member has `role` on each pool of pool_access.
struct Group {
  std::string id;
  std::string name;
  std::vector<std::string> member_ids;
  std::vector<PoolAccess> pool_access;
  Millis created_at = 0;
};

struct Grant {
  std::string id;
  std::string name;
  Role role = Role::kStandard;
  std::vector<std::string> agent_pool_ids;
  std::vector<std::string> user_ids;
  std::string reason;
  GrantStatus status = GrantStatus::kActive;  // as stored
  Millis created_at = 0;
  std::string created_by;  // user id
  Millis expires_at = 0;
  std::optional<Millis> revoked_at;
  std::optional<std::string> revoked_by;  // user id
};

// The status clients see: ACTIVE grants at or past their expiry are EXPIRED.
inline GrantStatus EffectiveStatus(const Grant& g, Millis now) {
  if (g.status == GrantStatus::kActive && g.expires_at <= now) return GrantStatus::kExpired;
  return g.status;
}

struct ApiKey {
  std::string id;
  std::string label;
  std::string prefix;  // short public lookup prefix, e.g. "jg_AbCdEfGh"
  std::string user_id;
  std::optional<std::vector<std::string>> scopes;  // nullopt: all of the owner's rights
  Millis created_at = 0;
  std::optional<Millis> expires_at;
  std::optional<Millis> last_used_at;
  std::optional<Millis> revoked_at;
  std::string key_hash;  // hex SHA-256 of the whole key; the key itself is never stored
};

struct Session {
  std::string token_hash;  // hex SHA-256 of the cookie value
  std::string csrf_hash;   // hex SHA-256 of the CSRF token
  std::string user_id;
  Millis created_at = 0;
  Millis last_seen_at = 0;
  Millis expires_at = 0;  // absolute timeout
};

struct AuditEvent {
  int64_t seq = 0;  // 1, 2, 3, ... assigned by the store
  Millis at = 0;
  std::optional<std::string> actor_id;
  ActorType actor_type = ActorType::kSystem;
  std::string type;  // e.g. "jit.granted"
  std::optional<std::string> target_id;
  std::string details_json = "{}";  // a JSON object, canonical (sorted keys, no spaces)
  std::string hash;                 // hex SHA-256 chain value, assigned by the store
};

// Remembers the outcome of a create carrying an Idempotency-Key header.
struct IdempotencyRecord {
  std::string caller_id;  // user id of the caller
  std::string key;        // the header value
  std::string request_hash;  // hex SHA-256 of method, path and body
  std::string resource_type;  // e.g. "grant"
  std::string resource_id;
  Millis created_at = 0;
};

// A page of a list.
template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;
};

}  // namespace jitgate
