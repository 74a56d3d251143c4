#include "app/user_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/audit_event_builder.h"
#include "app/idempotency.h"
#include "app/password_hasher.h"
#include "app/random.h"
#include "core/grant_rules.h"

namespace jitgate {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

void ValidateEmail(const std::string& email, std::vector<FieldError>& errors) {
  const auto at = email.find('@');
  const bool ok = email.size() >= 3 && email.size() <= 254 && at != std::string::npos && at > 0 &&
                  at + 1 < email.size() && email.find('@', at + 1) == std::string::npos &&
                  std::none_of(email.begin(), email.end(),
                               [](unsigned char c) { return c <= ' ' || c == 0x7f; });
  if (!ok) errors.push_back({"email", "must be an email address (name@domain, at most 254 characters)"});
}

void ValidateUserName(const std::string& name, std::vector<FieldError>& errors) {
  const size_t n = Utf8Length(name);
  if (n < 1 || n > 200 || name.find_first_not_of(" \t\r\n") == std::string::npos)
    errors.push_back({"name", "must be 1 to 200 characters"});
}

void ValidatePassword(const std::string& password, std::vector<FieldError>& errors) {
  const size_t n = Utf8Length(password);
  if (n < 12) errors.push_back({"password", "must be at least 12 characters"});
  if (password.size() > 1024) errors.push_back({"password", "must be at most 1024 bytes"});
}

Result<User> UserService::Create(const Principal& actor, const NewUser& in,
                                 const std::optional<IdempotencyKey>& idem) {
  std::vector<FieldError> errors;
  ValidateEmail(in.email, errors);
  ValidateUserName(in.name, errors);
  if (in.password) ValidatePassword(*in.password, errors);
  if (!errors.empty()) return Status::Invalid(std::move(errors));

  User u;
  u.id = NewUuid();
  u.email = Lower(in.email);
  u.name = in.name;
  u.role_manager = in.role_manager;
  if (in.password) {
    ASSIGN_OR_RETURN(u.password_hash, HashPassword(*in.password, ctx_.config.password_hash));
  }
  const Millis now = ctx_.clock.Now();
  u.created_at = now;
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertUser(u));
    AuditEvent ev = MakeAuditEvent(actor, now, "user.created", u.id,
                                   {{"email", u.email}, {"name", u.name}, {"roleManager", u.role_manager}});
    RETURN_IF_ERROR(tx.AppendAudit(ev));
    return RecordIdempotency(tx, idem, "user", u.id, now, ctx_.config.idempotency_ttl);
  }));
  ctx_.follower.CatchUpAfterWrite();
  u.password_hash.clear();
  return u;
}

Result<User> UserService::Update(const Principal& actor, const std::string& id, const UserChange& c) {
  std::vector<FieldError> errors;
  if (c.name) ValidateUserName(*c.name, errors);
  if (c.password) ValidatePassword(*c.password, errors);
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  std::optional<std::string> new_hash;
  if (c.password) {
    ASSIGN_OR_RETURN(new_hash, HashPassword(*c.password, ctx_.config.password_hash));
  }
  const Millis now = ctx_.clock.Now();
  User u;
  bool credentials_changed = false;
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    ASSIGN_OR_RETURN(u, tx.GetUser(id));
    const bool was_manager = u.role_manager && !u.disabled;
    nlohmann::json changed = nlohmann::json::object();
    if (c.name && *c.name != u.name) changed["name"] = u.name = *c.name;
    if (c.role_manager && *c.role_manager != u.role_manager) changed["roleManager"] = u.role_manager = *c.role_manager;
    if (c.disabled && *c.disabled != u.disabled) changed["disabled"] = u.disabled = *c.disabled;
    if (new_hash) {
      u.password_hash = *new_hash;
      changed["passwordChanged"] = true;
    }
    if (was_manager && !(u.role_manager && !u.disabled)) {
      ASSIGN_OR_RETURN(int64_t managers, tx.CountEnabledRoleManagers());
      if (managers <= 1)
        return Status::Conflict("the last enabled role manager cannot be demoted or disabled");
    }
    credentials_changed = (c.disabled && *c.disabled) || new_hash || changed.contains("roleManager");
    RETURN_IF_ERROR(tx.UpdateUser(u));
    if (c.disabled && *c.disabled) RETURN_IF_ERROR(tx.DeleteSessionsOfUser(u.id));
    AuditEvent ev = MakeAuditEvent(actor, now, "user.updated", u.id, {{"changed", changed}});
    return tx.AppendAudit(ev);
  }));
  ctx_.follower.CatchUpAfterWrite();
  if (credentials_changed) ctx_.InvalidateCredentials();
  u.password_hash.clear();
  return u;
}

Status UserService::Delete(const Principal& actor, const std::string& id) {
  const Millis now = ctx_.clock.Now();
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    ASSIGN_OR_RETURN(User u, tx.GetUser(id));
    ASSIGN_OR_RETURN(bool in_grant, tx.UserInActiveGrant(id, now));
    if (in_grant) return Status::Conflict("the user is named in an active JIT grant; revoke it first");
    if (u.role_manager && !u.disabled) {
      ASSIGN_OR_RETURN(int64_t managers, tx.CountEnabledRoleManagers());
      if (managers <= 1) return Status::Conflict("the last enabled role manager cannot be deleted");
    }
    RETURN_IF_ERROR(tx.DeleteUser(id));
    AuditEvent ev = MakeAuditEvent(actor, now, "user.deleted", id, {{"email", u.email}});
    return tx.AppendAudit(ev);
  }));
  ctx_.follower.CatchUpAfterWrite();
  ctx_.InvalidateCredentials();
  return Status::Ok();
}

Result<User> UserService::Get(const std::string& id) {
  User u;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(u, tx.GetUser(id));
    return Status::Ok();
  }));
  u.password_hash.clear();
  return u;
}

Result<Page<User>> UserService::List(const UserQuery& q) {
  Page<User> page;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(page, tx.ListUsers(q));
    return Status::Ok();
  }));
  for (auto& u : page.items) u.password_hash.clear();
  return page;
}

}  // namespace jitgate
