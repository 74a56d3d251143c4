// Idempotency-Key support: a create remembers (caller, key) -> created resource in its own
// transaction, so a retried request can be answered with the first result instead of creating again.
#pragma once

#include <optional>
#include <string>

#include "app/service_context.h"
#include "store/store.h"

namespace jitgate {

// Inside a create's transaction: records `idem` (if any) as having created resource_type/id.
// Forgets records older than `ttl` first. kConflict when a concurrent request holds the same key.
Status RecordIdempotency(WriteTx& tx, const std::optional<IdempotencyKey>& idem,
                         const std::string& resource_type, const std::string& resource_id, Millis now,
                         Millis ttl);

// The outcome of looking an Idempotency-Key up before a create.
struct IdempotencyLookup {
  bool found = false;
  bool same_request = false;  // false: the key was used for a different request (a 409)
  std::string resource_type;
  std::string resource_id;
};

// Looks `idem` up; records older than `ttl` count as absent.
Result<IdempotencyLookup> FindIdempotency(Store& store, const IdempotencyKey& idem, Millis now, Millis ttl);

}  // namespace jitgate
