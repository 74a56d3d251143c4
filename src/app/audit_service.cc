#include "app/audit_service.h"

#include "core/audit_chain.h"

namespace jitgate {

Result<Page<AuditEvent>> AuditService::List(const AuditQuery& q) {
  Page<AuditEvent> page;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    ASSIGN_OR_RETURN(page, tx.ListAudit(q));
    return Status::Ok();
  }));
  return page;
}

Result<AuditVerification> AuditService::Verify() {
  AuditVerification v;
  RETURN_IF_ERROR(ctx_.store.Read([&](ReadTx& tx) -> Status {
    std::string prev = kAuditGenesisHash;
    int64_t expected = 1;
    return tx.ForEachAudit(0, [&](const AuditEvent& ev) {
      if (ev.seq != expected) {
        v.reason = ev.seq > expected ? "event missing" : "events out of order";
      } else if (AuditChainHash(prev, ev) != ev.hash) {
        v.reason = "event altered or reordered";
      } else {
        prev = ev.hash;
        ++expected;
        ++v.checked;
        return true;
      }
      v.valid = false;
      v.first_bad_seq = std::min(expected, ev.seq);
      return false;
    });
  }));
  return v;
}

}  // namespace jitgate
