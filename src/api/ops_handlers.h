// Operational endpoints: liveness, readiness, metrics and the OpenAPI document.
#pragma once

#include "api/api_call.h"

namespace jitgate {

Result<ApiReply> Healthz(ApiCall& call);
Result<ApiReply> Readyz(ApiCall& call);
Result<ApiReply> MetricsText(ApiCall& call);
Result<ApiReply> OpenApiJson(ApiCall& call);

}  // namespace jitgate
