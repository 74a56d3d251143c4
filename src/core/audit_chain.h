// The audit log's hash chain: each event's hash covers the previous hash and the event itself,
// so changing, deleting or reordering any stored event breaks every hash after it.
#pragma once

#include <string>

#include "core/model.h"

namespace jitgate {

// The hash of the (absent) event before seq 1.
inline constexpr const char* kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// An unambiguous byte form of everything in `ev` except its hash: each field length-prefixed.
std::string AuditCanonical(const AuditEvent& ev);

// hex SHA-256 over `prev_hash` followed by AuditCanonical(ev).
std::string AuditChainHash(const std::string& prev_hash, const AuditEvent& ev);

}  // namespace jitgate
