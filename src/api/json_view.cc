#include "api/json_view.h"

#include "core/rfc3339.h"

namespace jitgate {
namespace {

nlohmann::json OptTime(const std::optional<Millis>& t) {
  return t ? nlohmann::json(FormatRfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json RoleOrNull(Role r) { return r == Role::kNone ? nlohmann::json(nullptr) : nlohmann::json(RoleName(r)); }

nlohmann::json Sources(const std::vector<AccessSource>& sources) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& s : sources) {
    if (s.type == AccessSource::Type::kGroup) {
      arr.push_back({{"type", "GROUP"}, {"id", s.id}});
    } else {
      arr.push_back({{"type", "JIT"}, {"id", s.id}, {"expiresAt", OptTime(s.expires_at)}});
    }
  }
  return arr;
}

}  // namespace

nlohmann::json ToJson(const User& u) {
  return {{"id", u.id},           {"email", u.email},       {"name", u.name},
          {"roleManager", u.role_manager}, {"disabled", u.disabled}, {"createdAt", FormatRfc3339(u.created_at)}};
}

nlohmann::json ToJson(const AgentPool& p) {
  return {{"id", p.id}, {"name", p.name}, {"description", p.description}, {"createdAt", FormatRfc3339(p.created_at)}};
}

nlohmann::json ToJson(const Group& g) {
  nlohmann::json access = nlohmann::json::array();
  for (const auto& a : g.pool_access) access.push_back({{"agentPoolId", a.agent_pool_id}, {"role", RoleName(a.role)}});
  return {{"id", g.id}, {"name", g.name}, {"memberIds", g.member_ids}, {"poolAccess", std::move(access)},
          {"createdAt", FormatRfc3339(g.created_at)}};
}

nlohmann::json ToJson(const Grant& g, Millis now) {
  return {{"id", g.id},
          {"name", g.name},
          {"role", RoleName(g.role)},
          {"agentPoolIds", g.agent_pool_ids},
          {"userIds", g.user_ids},
          {"reason", g.reason},
          {"status", GrantStatusName(EffectiveStatus(g, now))},
          {"createdAt", FormatRfc3339(g.created_at)},
          {"createdBy", g.created_by},
          {"expiresAt", FormatRfc3339(g.expires_at)},
          {"revokedAt", OptTime(g.revoked_at)},
          {"revokedBy", g.revoked_by ? nlohmann::json(*g.revoked_by) : nlohmann::json(nullptr)}};
}

nlohmann::json ToJson(const ApiKey& k) {
  return {{"id", k.id},
          {"label", k.label},
          {"prefix", k.prefix},
          {"userId", k.user_id},
          {"scopes", k.scopes ? nlohmann::json(*k.scopes) : nlohmann::json(nullptr)},
          {"createdAt", FormatRfc3339(k.created_at)},
          {"expiresAt", OptTime(k.expires_at)},
          {"lastUsedAt", OptTime(k.last_used_at)}};
}

nlohmann::json ToJson(const AuditEvent& e) {
  nlohmann::json details = nlohmann::json::parse(e.details_json, nullptr, false);
  if (details.is_discarded()) details = nlohmann::json::object();
  return {{"seq", e.seq},
          {"at", FormatRfc3339(e.at)},
          {"actorId", e.actor_id ? nlohmann::json(*e.actor_id) : nlohmann::json(nullptr)},
          {"actorType", ActorTypeName(e.actor_type)},
          {"type", e.type},
          {"targetId", e.target_id ? nlohmann::json(*e.target_id) : nlohmann::json(nullptr)},
          {"details", std::move(details)},
          {"hash", e.hash}};
}

nlohmann::json ToJson(const AccessDecision& d) {
  return {{"allowed", d.allowed}, {"role", RoleOrNull(d.role)}, {"sources", Sources(d.sources)},
          {"validUntil", OptTime(d.valid_until)}};
}

nlohmann::json ToJson(const PoolAccessSummary& s) {
  return {{"agentPoolId", s.agent_pool_id}, {"role", RoleOrNull(s.role)}, {"sources", Sources(s.sources)},
          {"validUntil", OptTime(s.valid_until)}};
}

nlohmann::json ToJson(const AuditVerification& v) {
  nlohmann::json j = {{"valid", v.valid}, {"checked", v.checked}};
  if (!v.valid) {
    j["firstBadSeq"] = *v.first_bad_seq;
    j["reason"] = v.reason;
  }
  return j;
}

}  // namespace jitgate
