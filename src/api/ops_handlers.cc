#include "api/ops_handlers.h"

#include "api/openapi.h"

namespace jitgate {

Result<ApiReply> Healthz(ApiCall&) { return ApiReply::Ok({{"status", "ok"}}); }

Result<ApiReply> Readyz(ApiCall& call) {
  Status st = call.app.store().Ping();
  if (!st.ok()) return Status::Unavailable("the store does not answer: " + st.message());
  return ApiReply::Ok({{"status", "ready"}});
}

Result<ApiReply> MetricsText(ApiCall& call) {
  ApiReply r;
  r.text = call.app.metrics().Render(call.app.view().ActiveGrantCount(call.app.clock().Now()));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

Result<ApiReply> OpenApiJson(ApiCall&) {
  static const std::string doc = OpenApiDocument().dump();
  ApiReply r;
  r.text = doc;
  r.content_type = "application/json; charset=utf-8";
  return r;
}

}  // namespace jitgate
