// Idempotency-Key handling shared by every create.
#include "api/handlers.h"
#include "api/json_view.h"

namespace jitgate {
namespace {

Result<ApiReply> Replay(ApiCall& call, const IdempotencyLookup& found) {
  if (!found.same_request)
    return Status::Conflict("this Idempotency-Key was already used for a different request");
  const std::string& id = found.resource_id;
  const std::string& type = found.resource_type;
  ApiReply reply;
  if (type == "grant") {
    ASSIGN_OR_RETURN(Grant g, call.app.grants.Get(id));
    reply = ApiReply::Created(ToJson(g, call.app.clock().Now()));
  } else if (type == "user") {
    ASSIGN_OR_RETURN(User u, call.app.users.Get(id));
    reply = ApiReply::Created(ToJson(u));
  } else if (type == "pool") {
    ASSIGN_OR_RETURN(AgentPool p, call.app.pools.Get(id));
    reply = ApiReply::Created(ToJson(p));
  } else if (type == "group") {
    ASSIGN_OR_RETURN(Group g, call.app.groups.Get(id));
    reply = ApiReply::Created(ToJson(g));
  } else if (type == "apikey") {
    // The key itself is never stored, so a replay cannot show it again.
    ASSIGN_OR_RETURN(ApiKey k, call.app.api_keys.Get(id));
    reply = ApiReply::Created(ToJson(k));
  } else {
    return Status::Internal("unknown idempotent resource type");
  }
  reply.headers.emplace_back("Idempotent-Replayed", "true");
  return reply;
}

}  // namespace

Result<ApiReply> IdempotentCreate(ApiCall& call, const CreateFn& create) {
  ASSIGN_OR_RETURN(auto idem, call.Idempotency());
  const Millis ttl = call.app.config().idempotency_ttl;
  if (idem) {
    ASSIGN_OR_RETURN(auto found, FindIdempotency(call.app.store(), *idem, call.app.clock().Now(), ttl));
    if (found.found) return Replay(call, found);
  }
  auto reply = create(idem);
  if (reply.ok() || !idem || reply.status().code() != Code::kConflict) return reply;
  // A concurrent request with the same key may have won the race: answer with its result.
  ASSIGN_OR_RETURN(auto found, FindIdempotency(call.app.store(), *idem, call.app.clock().Now(), ttl));
  if (found.found) return Replay(call, found);
  return reply;
}

}  // namespace jitgate
