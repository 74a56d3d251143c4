// Handlers of /api/v1/access: answered from the in-memory index, no I/O.
#include "api/batch_check_body.h"
#include "api/decision_json.h"
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/json_view.h"

namespace jitgate {
namespace {

constexpr size_t kMaxBatch = 1000;

// Non-managers may only ask about themselves.
Status MayCheck(const ApiCall& call, std::string_view user_id) {
  if (user_id == call.principal.user_id) return Status::Ok();
  return RequireRoleManager(call);
}

// The checks of a batch body read the general way (a JSON tree), with every rule's error.
Result<std::vector<BatchCheckItem>> ReadBatchChecks(ApiCall& call) {
  ASSIGN_OR_RETURN(call.body, ParseJsonObject(call.request.body));
  BodyReader r(call.body, {"checks"});
  const nlohmann::json* checks = r.Raw("checks");
  if (!checks)
    r.AddError("checks", "is required");
  else if (!checks->is_array() || checks->empty() || checks->size() > kMaxBatch)
    r.AddError("checks", "must be an array of 1 to 1000 checks");
  RETURN_IF_ERROR(r.Finish());
  std::vector<BatchCheckItem> items;
  items.reserve(checks->size());
  std::vector<FieldError> errors;
  for (size_t i = 0; i < checks->size(); ++i) {
    const auto& c = (*checks)[i];
    const std::string at = "checks[" + std::to_string(i) + "]";
    if (!c.is_object()) {
      errors.push_back({at, "must be an object {userId, agentPoolId, permission}"});
      continue;
    }
    BatchCheckItem item{};
    bool ok = true;
    for (const auto& [k, v] : c.items()) {
      if (k != "userId" && k != "agentPoolId" && k != "permission") {
        errors.push_back({at + "." + k, "is not a known field"});
        ok = false;
      }
    }
    auto str = [&](const char* f, std::string_view& out) {
      auto it = c.find(f);
      if (it == c.end() || !it->is_string() || it->get_ref<const std::string&>().empty() ||
          it->get_ref<const std::string&>().size() > 256) {
        errors.push_back({at + "." + f, "is required and must be a string"});
        ok = false;
      } else {
        out = it->get_ref<const std::string&>();  // call.body outlives the items
      }
    };
    std::string_view perm;
    str("userId", item.user_id);
    str("agentPoolId", item.pool_id);
    str("permission", perm);
    if (ok) {
      auto p = ParsePermission(perm);
      if (!p) {
        errors.push_back({at + ".permission", "must be USE or IGNORE_QUOTA"});
        continue;
      }
      item.permission = *p;
      items.push_back(item);
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return items;
}

// The media type rule every JSON body route has (api_dispatch.cc's DecodeBody): this route reads
// its body itself (see ReadBatchChecksFast), so it applies the rule itself.
Status RequireJsonBody(const HttpRequest& req) {
  auto type = req.Header("Content-Type");
  std::string_view media = type ? type->substr(0, type->find(';')) : std::string_view();
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (!EqualsIgnoreCase(media, "application/json"))
    return Status(Code::kUnsupportedMediaType, "the body must be application/json");
  return Status::Ok();
}

}  // namespace

Result<ApiReply> CheckAccess(ApiCall& call) {
  std::vector<FieldError> errors;
  // Views into the request: no copies on the hottest route.
  auto user_id = call.request.QueryView("userId");
  auto pool_id = call.request.QueryView("agentPoolId");
  auto permission_text = call.request.QueryView("permission");
  if (!user_id || user_id->empty()) errors.push_back({"userId", "is required"});
  if (!pool_id || pool_id->empty()) errors.push_back({"agentPoolId", "is required"});
  std::optional<Permission> permission;
  if (!permission_text)
    errors.push_back({"permission", "is required: USE or IGNORE_QUOTA"});
  else if (!(permission = ParsePermission(*permission_text)))
    errors.push_back({"permission", "must be USE or IGNORE_QUOTA"});
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  RETURN_IF_ERROR(MayCheck(call, *user_id));
  const AccessDecision d =
      call.app.view().index().Check(*user_id, *pool_id, *permission, call.app.clock().Now());
  call.app.metrics().RecordCheck(d.allowed);
  ApiReply reply;  // written directly, not through a JSON tree: see decision_json.h
  reply.text = DecisionJson(d);
  reply.content_type = std::string(kJsonContentType);
  return reply;
}

Result<ApiReply> CheckAccessBatch(ApiCall& call) {
  RETURN_IF_ERROR(RequireJsonBody(call.request));
  std::vector<BatchCheckItem> items;
  if (auto fast = ReadBatchChecksFast(call.request.body, kMaxBatch)) {
    items = std::move(*fast);
  } else {
    ASSIGN_OR_RETURN(items, ReadBatchChecks(call));
  }
  for (const auto& item : items) RETURN_IF_ERROR(MayCheck(call, item.user_id));
  const Millis now = call.app.clock().Now();  // one instant for the whole batch
  const AccessIndex& index = call.app.view().index();
  ApiReply reply;  // `{"results":[...]}`, written directly like a single check's
  std::string& out = reply.text.emplace("{\"results\":[");
  uint64_t allowed = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const BatchCheckItem& item = items[i];
    const AccessDecision d = index.Check(item.user_id, item.pool_id, item.permission, now);
    allowed += d.allowed;
    if (i > 0) out += ',';
    out += DecisionJson(d);
  }
  out += "]}";
  reply.content_type = std::string(kJsonContentType);
  call.app.metrics().RecordChecks(allowed, items.size() - allowed);
  return reply;
}

}  // namespace jitgate
