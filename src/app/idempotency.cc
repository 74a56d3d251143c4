#include "app/idempotency.h"

namespace jitgate {

Status RecordIdempotency(WriteTx& tx, const std::optional<IdempotencyKey>& idem,
                         const std::string& resource_type, const std::string& resource_id, Millis now,
                         Millis ttl) {
  if (!idem) return Status::Ok();
  RETURN_IF_ERROR(tx.DeleteIdempotencyBefore(now - ttl));
  IdempotencyRecord r;
  r.caller_id = idem->caller_id;
  r.key = idem->key;
  r.request_hash = idem->request_hash;
  r.resource_type = resource_type;
  r.resource_id = resource_id;
  r.created_at = now;
  return tx.InsertIdempotency(r);
}

Result<IdempotencyLookup> FindIdempotency(Store& store, const IdempotencyKey& idem, Millis now, Millis ttl) {
  IdempotencyLookup out;
  RETURN_IF_ERROR(store.Read([&](ReadTx& tx) -> Status {
    auto r = tx.GetIdempotency(idem.caller_id, idem.key);
    if (!r.ok()) return r.status().code() == Code::kNotFound ? Status::Ok() : r.status();
    if (r->created_at <= now - ttl) return Status::Ok();
    out.found = true;
    out.same_request = r->request_hash == idem.request_hash;
    out.resource_type = r->resource_type;
    out.resource_id = r->resource_id;
    return Status::Ok();
  }));
  return out;
}

}  // namespace jitgate
