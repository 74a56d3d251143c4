#include "app/session_service.h"

#include <algorithm>

#include "app/audit_event_builder.h"
#include "app/password_hasher.h"
#include "app/random.h"
#include "core/sha256.h"

namespace jitgate {

SessionService::SessionService(ServiceContext& ctx)
    : ctx_(ctx),
      limiter_(ctx.config.login_max_failures_per_email, ctx.config.login_max_failures_per_address,
               ctx.config.login_failure_window) {}

Status SessionService::AuditFailure(const std::string& email, const std::string& address,
                                    const std::string& reason, Millis now) {
  return ctx_.store.Write([&](WriteTx& tx) -> Status {
    AuditEvent ev = MakeAuditEvent(Principal::System(), now, "auth.login_failed", "",
                                   {{"email", email}, {"address", address}, {"reason", reason}});
    return tx.AppendAudit(ev);
  });
}

Result<LoginResult> SessionService::Login(const std::string& raw_email, const std::string& password,
                                          const std::string& address) {
  std::string email = raw_email.substr(0, 254);
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  Millis now = ctx_.clock.Now();
  if (int wait = limiter_.RetryAfterSeconds(email, address, now); wait > 0) {
    (void)AuditFailure(email, address, "rate_limited", now);
    return Status(Code::kRateLimited, "too many failed logins; try again in " + std::to_string(wait) + " s")
        .set_retry_after_seconds(wait);
  }
  User user;
  Status found = ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(user, tx.GetUserByEmail(email));
    return Status::Ok();
  });
  if (!found.ok() && found.code() != Code::kNotFound) return found;
  bool ok = false;
  if (found.ok() && !user.password_hash.empty()) {
    ok = VerifyPassword(password, user.password_hash);
  } else {
    VerifyDummyPassword(password, ctx_.config.password_hash);
  }
  now = ctx_.clock.Now();
  if (!ok || user.disabled) {
    limiter_.RecordFailure(email, address, now);
    RETURN_IF_ERROR(AuditFailure(email, address, ok ? "disabled" : "bad_credentials", now));
    return Status::Unauthenticated();
  }
  LoginResult r;
  r.session_token = RandomToken(32);
  r.csrf_token = RandomToken(32);
  r.expires_at = now + ctx_.config.session_absolute_timeout;
  Session s;
  s.token_hash = Sha256Hex(r.session_token);
  s.csrf_hash = Sha256Hex(r.csrf_token);
  s.user_id = user.id;
  s.created_at = now;
  s.last_seen_at = now;
  s.expires_at = r.expires_at;
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertSession(s));
    Principal actor;
    actor.user_id = user.id;
    actor.actor_type = ActorType::kUser;
    AuditEvent ev = MakeAuditEvent(actor, now, "auth.login", user.id, {{"address", address}});
    return tx.AppendAudit(ev);
  }));
  limiter_.RecordSuccess(email);
  user.password_hash.clear();
  r.user = std::move(user);
  return r;
}

Status SessionService::Logout(const Principal& actor, const std::string& session_token) {
  const Millis now = ctx_.clock.Now();
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    Status st = tx.DeleteSession(Sha256Hex(session_token));
    if (!st.ok() && st.code() != Code::kNotFound) return st;
    AuditEvent ev = MakeAuditEvent(actor, now, "auth.logout", actor.user_id);
    return tx.AppendAudit(ev);
  }));
  ctx_.InvalidateCredentials();
  return Status::Ok();
}

}  // namespace jitgate
