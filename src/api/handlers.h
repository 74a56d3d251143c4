// The API's handlers, one per route (see routes.cc for the table binding them to paths).
#pragma once

#include "api/api_call.h"
#include "app/idempotency.h"

namespace jitgate {

// Users
Result<ApiReply> ListUsers(ApiCall& call);
Result<ApiReply> CreateUser(ApiCall& call);
Result<ApiReply> GetUser(ApiCall& call);
Result<ApiReply> UpdateUser(ApiCall& call);
Result<ApiReply> DeleteUser(ApiCall& call);
Result<ApiReply> GetMe(ApiCall& call);
Result<ApiReply> GetMyAccess(ApiCall& call);
Result<ApiReply> GetUserAccess(ApiCall& call);
// Agent pools
Result<ApiReply> ListPools(ApiCall& call);
Result<ApiReply> CreatePool(ApiCall& call);
Result<ApiReply> GetPool(ApiCall& call);
Result<ApiReply> UpdatePool(ApiCall& call);
Result<ApiReply> DeletePool(ApiCall& call);
// Groups
Result<ApiReply> ListGroups(ApiCall& call);
Result<ApiReply> CreateGroup(ApiCall& call);
Result<ApiReply> GetGroup(ApiCall& call);
Result<ApiReply> UpdateGroup(ApiCall& call);
Result<ApiReply> DeleteGroup(ApiCall& call);
// JIT grants
Result<ApiReply> CreateGrant(ApiCall& call);
Result<ApiReply> ListGrants(ApiCall& call);
Result<ApiReply> GetGrant(ApiCall& call);
Result<ApiReply> RevokeGrant(ApiCall& call);
// Access checks
Result<ApiReply> CheckAccess(ApiCall& call);
Result<ApiReply> CheckAccessBatch(ApiCall& call);
// API keys
Result<ApiReply> ListApiKeys(ApiCall& call);
Result<ApiReply> CreateApiKey(ApiCall& call);
Result<ApiReply> RevokeApiKey(ApiCall& call);
// Sessions
Result<ApiReply> Login(ApiCall& call);
Result<ApiReply> Logout(ApiCall& call);
// Audit
Result<ApiReply> ListAuditEvents(ApiCall& call);
Result<ApiReply> VerifyAuditChain(ApiCall& call);

// Runs `create` with the request's Idempotency-Key: a repeat of an earlier create (same caller, key
// and request within the TTL) is answered with the resource it created (201) and creates nothing;
// the same key with a different request is a 409 CONFLICT.
using CreateFn = std::function<Result<ApiReply>(const std::optional<IdempotencyKey>&)>;
Result<ApiReply> IdempotentCreate(ApiCall& call, const CreateFn& create);

}  // namespace jitgate
