#include "app/pool_service.h"

#include <nlohmann/json.hpp>

#include "app/audit_event_builder.h"
#include "app/idempotency.h"
#include "app/random.h"
#include "core/grant_rules.h"

namespace jitgate {
namespace {

void ValidatePool(const std::optional<std::string>& name, const std::optional<std::string>& description,
                  std::vector<FieldError>& errors) {
  if (name) {
    const size_t n = Utf8Length(*name);
    if (n < 1 || n > 100 || name->find_first_not_of(" \t\r\n") == std::string::npos)
      errors.push_back({"name", "must be 1 to 100 characters"});
  }
  if (description && Utf8Length(*description) > 1000)
    errors.push_back({"description", "must be at most 1000 characters"});
}

}  // namespace

Result<AgentPool> PoolService::Create(const Principal& actor, const std::string& name,
                                      const std::string& description,
                                      const std::optional<IdempotencyKey>& idem) {
  std::vector<FieldError> errors;
  ValidatePool(name, description, errors);
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  const Millis now = ctx_.clock.Now();
  AgentPool p{NewUuid(), name, description, now};
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertPool(p));
    AuditEvent ev = MakeAuditEvent(actor, now, "pool.created", p.id, {{"name", p.name}});
    RETURN_IF_ERROR(tx.AppendAudit(ev));
    return RecordIdempotency(tx, idem, "pool", p.id, now, ctx_.config.idempotency_ttl);
  }));
  ctx_.follower.CatchUpAfterWrite();
  return p;
}

Result<AgentPool> PoolService::Update(const Principal& actor, const std::string& id, const PoolChange& c) {
  std::vector<FieldError> errors;
  ValidatePool(c.name, c.description, errors);
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  const Millis now = ctx_.clock.Now();
  AgentPool p;
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    ASSIGN_OR_RETURN(p, tx.GetPool(id));
    nlohmann::json changed = nlohmann::json::object();
    if (c.name && *c.name != p.name) changed["name"] = p.name = *c.name;
    if (c.description && *c.description != p.description) changed["description"] = p.description = *c.description;
    RETURN_IF_ERROR(tx.UpdatePool(p));
    AuditEvent ev = MakeAuditEvent(actor, now, "pool.updated", p.id, {{"changed", changed}});
    return tx.AppendAudit(ev);
  }));
  ctx_.follower.CatchUpAfterWrite();
  return p;
}

Status PoolService::Delete(const Principal& actor, const std::string& id) {
  const Millis now = ctx_.clock.Now();
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    ASSIGN_OR_RETURN(AgentPool p, tx.GetPool(id));
    ASSIGN_OR_RETURN(bool in_grant, tx.PoolInActiveGrant(id, now));
    if (in_grant) return Status::Conflict("the agent pool is named in an active JIT grant; revoke it first");
    RETURN_IF_ERROR(tx.DeletePool(id));
    AuditEvent ev = MakeAuditEvent(actor, now, "pool.deleted", id, {{"name", p.name}});
    return tx.AppendAudit(ev);
  }));
  ctx_.follower.CatchUpAfterWrite();
  return Status::Ok();
}

Result<AgentPool> PoolService::Get(const std::string& id) {
  AgentPool p;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(p, tx.GetPool(id));
    return Status::Ok();
  }));
  return p;
}

Result<Page<AgentPool>> PoolService::List(const PoolQuery& q) {
  Page<AgentPool> page;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(page, tx.ListPools(q));
    return Status::Ok();
  }));
  return page;
}

}  // namespace jitgate
