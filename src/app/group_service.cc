#include "app/group_service.h"

#include <nlohmann/json.hpp>
#include <set>

#include "app/audit_event_builder.h"
#include "app/idempotency.h"
#include "app/random.h"
#include "core/grant_rules.h"

namespace jitgate {
namespace {

constexpr size_t kMaxMembers = 10000;
constexpr size_t kMaxPoolAccess = 1000;

nlohmann::json GroupDetails(const Group& g) {
  nlohmann::json access = nlohmann::json::array();
  for (const auto& a : g.pool_access) access.push_back({{"agentPoolId", a.agent_pool_id}, {"role", RoleName(a.role)}});
  return {{"name", g.name}, {"memberIds", g.member_ids}, {"poolAccess", access}};
}

}  // namespace

Status GroupService::Validate(ReadTx& tx, const GroupInput& in, bool creating, Group& out) {
  std::vector<FieldError> errors;
  if (in.name) {
    const size_t n = Utf8Length(*in.name);
    if (n < 1 || n > 200 || in.name->find_first_not_of(" \t\r\n") == std::string::npos)
      errors.push_back({"name", "must be 1 to 200 characters"});
    out.name = *in.name;
  } else if (creating) {
    errors.push_back({"name", "is required"});
  }
  if (in.member_ids) {
    if (in.member_ids->size() > kMaxMembers) {
      errors.push_back({"memberIds", "at most 10000 members"});
    } else {
      std::set<std::string> seen;
      for (const auto& id : *in.member_ids) {
        if (!seen.insert(id).second) {
          errors.push_back({"memberIds", "duplicate user id " + id});
        } else if (!tx.GetUser(id).ok()) {
          errors.push_back({"memberIds", "unknown user id " + id});
        }
      }
    }
    out.member_ids = *in.member_ids;
  }
  if (in.pool_access) {
    out.pool_access.clear();
    if (in.pool_access->size() > kMaxPoolAccess) {
      errors.push_back({"poolAccess", "at most 1000 entries"});
    } else {
      std::set<std::string> seen;
      for (const auto& [pool_id, role_text] : *in.pool_access) {
        auto role = ParseRole(role_text);
        if (!role) errors.push_back({"poolAccess", "role must be STANDARD or PRIVILEGED"});
        if (!seen.insert(pool_id).second) {
          errors.push_back({"poolAccess", "duplicate agent pool id " + pool_id});
        } else if (!tx.GetPool(pool_id).ok()) {
          errors.push_back({"poolAccess", "unknown agent pool id " + pool_id});
        }
        out.pool_access.push_back({pool_id, role.value_or(Role::kStandard)});
      }
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return Status::Ok();
}

Result<Group> GroupService::Create(const Principal& actor, const GroupInput& in,
                                   const std::optional<IdempotencyKey>& idem) {
  const Millis now = ctx_.clock.Now();
  Group g;
  g.id = NewUuid();
  g.created_at = now;
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    RETURN_IF_ERROR(Validate(tx, in, /*creating=*/true, g));
    RETURN_IF_ERROR(tx.InsertGroup(g));
    AuditEvent ev = MakeAuditEvent(actor, now, "group.created", g.id, GroupDetails(g));
    RETURN_IF_ERROR(tx.AppendAudit(ev));
    return RecordIdempotency(tx, idem, "group", g.id, now, ctx_.config.idempotency_ttl);
  }));
  ctx_.follower.CatchUpAfterWrite();
  return g;
}

Result<Group> GroupService::Update(const Principal& actor, const std::string& id, const GroupInput& in) {
  const Millis now = ctx_.clock.Now();
  Group g;
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    ASSIGN_OR_RETURN(g, tx.GetGroup(id));
    RETURN_IF_ERROR(Validate(tx, in, /*creating=*/false, g));
    RETURN_IF_ERROR(tx.UpdateGroup(g));
    AuditEvent ev = MakeAuditEvent(actor, now, "group.updated", g.id, GroupDetails(g));
    return tx.AppendAudit(ev);
  }));
  ctx_.follower.CatchUpAfterWrite();
  return g;
}

Status GroupService::Delete(const Principal& actor, const std::string& id) {
  const Millis now = ctx_.clock.Now();
  RETURN_IF_ERROR(ctx_.store.Write([&](WriteTx& tx) -> Status {
    ASSIGN_OR_RETURN(Group g, tx.GetGroup(id));
    RETURN_IF_ERROR(tx.DeleteGroup(id));
    AuditEvent ev = MakeAuditEvent(actor, now, "group.deleted", id, {{"name", g.name}});
    return tx.AppendAudit(ev);
  }));
  ctx_.follower.CatchUpAfterWrite();
  return Status::Ok();
}

Result<Group> GroupService::Get(const std::string& id) {
  Group g;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(g, tx.GetGroup(id));
    return Status::Ok();
  }));
  return g;
}

Result<Page<Group>> GroupService::List(const GroupQuery& q) {
  Page<Group> page;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(page, tx.ListGroups(q));
    return Status::Ok();
  }));
  return page;
}

}  // namespace jitgate
