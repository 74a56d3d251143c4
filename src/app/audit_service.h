// AuditService: reading the audit log and verifying its hash chain.
#pragma once

#include <optional>
#include <string>

#include "app/service_context.h"

namespace jitgate {

struct AuditVerification {
  bool valid = true;
  int64_t checked = 0;                 // events checked (up to and excluding the first bad one)
  std::optional<int64_t> first_bad_seq;  // the first seq that is missing, altered or out of order
  std::string reason;
};

class AuditService {
 public:
  explicit AuditService(ServiceContext& ctx) : ctx_(ctx) {}

  Result<Page<AuditEvent>> List(const AuditQuery& q);
  // Recomputes the chain from seq 1: a changed, deleted or reordered event is reported by the
  // first seq at which the stored log stops matching.
  Result<AuditVerification> Verify();

 private:
  ServiceContext& ctx_;
};

}  // namespace jitgate
