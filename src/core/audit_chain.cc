#include "core/audit_chain.h"

#include "core/sha256.h"

namespace jitgate {
namespace {

void AppendField(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

}  // namespace

std::string AuditCanonical(const AuditEvent& ev) {
  std::string out;
  out.reserve(128 + ev.details_json.size());
  AppendField(out, std::to_string(ev.seq));
  AppendField(out, std::to_string(ev.at));
  AppendField(out, ev.actor_id.value_or(""));
  AppendField(out, ActorTypeName(ev.actor_type));
  AppendField(out, ev.type);
  AppendField(out, ev.target_id.value_or(""));
  AppendField(out, ev.details_json);
  return out;
}

std::string AuditChainHash(const std::string& prev_hash, const AuditEvent& ev) {
  return Sha256Hex(prev_hash + AuditCanonical(ev));
}

}  // namespace jitgate
