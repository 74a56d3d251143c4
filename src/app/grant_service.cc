#include "app/grant_service.h"

#include <nlohmann/json.hpp>

#include "app/audit_event_builder.h"
#include "app/idempotency.h"
#include "app/random.h"
#include "core/rfc3339.h"

namespace jitgate {

Result<Grant> GrantService::Create(const Principal& actor, const GrantRequest& req,
                                   const std::optional<IdempotencyKey>& idem) {
  const Millis now = ctx_.clock.Now();
  const Limits& limits = ctx_.config.limits;
  Grant grant;
  Status st = ctx_.store.Write([&](WriteTx& tx) -> Status {
    GrantReferenceLookup lookup;
    lookup.pool_exists = [&](const std::string& id) { return tx.GetPool(id).ok(); };
    lookup.user_enabled = [&](const std::string& id) -> std::optional<bool> {
      auto u = tx.GetUser(id);
      if (!u.ok()) return std::nullopt;
      return !u->disabled;
    };
    ASSIGN_OR_RETURN(ValidGrant valid, ValidateGrant(req, now, limits, lookup));
    ASSIGN_OR_RETURN(int64_t active, tx.CountActiveGrants(now));
    if (active >= limits.max_active_grants) {
      return Status(Code::kGrantLimit, "the maximum of " + std::to_string(limits.max_active_grants) +
                                           " active grants is reached; revoke one or wait for one to expire");
    }
    grant = Grant{};
    grant.id = NewUuid();
    grant.name = std::move(valid.name);
    grant.role = valid.role;
    grant.agent_pool_ids = std::move(valid.agent_pool_ids);
    grant.user_ids = std::move(valid.user_ids);
    grant.reason = std::move(valid.reason);
    grant.status = GrantStatus::kActive;
    grant.created_at = now;
    grant.created_by = actor.user_id;
    grant.expires_at = valid.expires_at;
    RETURN_IF_ERROR(tx.InsertGrant(grant));
    nlohmann::json details = {{"name", grant.name},
                              {"role", RoleName(grant.role)},
                              {"agentPoolIds", grant.agent_pool_ids},
                              {"userIds", grant.user_ids},
                              {"expiresAt", FormatRfc3339(grant.expires_at)},
                              {"reason", grant.reason}};
    AuditEvent ev = MakeAuditEvent(actor, now, "jit.granted", grant.id, std::move(details));
    RETURN_IF_ERROR(tx.AppendAudit(ev));
    return RecordIdempotency(tx, idem, "grant", grant.id, now, ctx_.config.idempotency_ttl);
  });
  if (!st.ok()) return st;
  ctx_.follower.CatchUpAfterWrite();
  if (ctx_.on_grant_created) ctx_.on_grant_created(grant.expires_at);
  return grant;
}

Status GrantService::Revoke(const Principal& actor, const std::string& id) {
  const Millis now = ctx_.clock.Now();
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    ASSIGN_OR_RETURN(Grant g, tx.GetGrant(id));
    const GrantStatus status = EffectiveStatus(g, now);
    if (status != GrantStatus::kActive) {
      return Status(Code::kGrantNotActive, std::string("the grant is already ") +
                                               (status == GrantStatus::kRevoked ? "revoked" : "expired"));
    }
    RETURN_IF_ERROR(tx.MarkGrantRevoked(id, now, actor.user_id));
    AuditEvent ev = MakeAuditEvent(actor, now, "jit.revoked", id, {{"name", g.name}});
    return tx.AppendAudit(ev);
  }));
  ctx_.follower.CatchUpAfterWrite();
  return Status::Ok();
}

Result<Grant> GrantService::Get(const std::string& id) {
  Grant g;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(g, tx.GetGrant(id));
    return Status::Ok();
  }));
  return g;
}

Result<Page<Grant>> GrantService::List(GrantQuery q) {
  q.now = ctx_.clock.Now();
  Page<Grant> page;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(page, tx.ListGrants(q));
    return Status::Ok();
  }));
  return page;
}

}  // namespace jitgate
