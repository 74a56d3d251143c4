#include "api/json_body.h"

#include <algorithm>

#include "core/rfc3339.h"

namespace jitgate {
namespace {

constexpr int kMaxDepth = 32;

// nlohmann's parser recurses per nesting level; refuse deep nesting before parsing.
bool DepthWithin(std::string_view body, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

const char* TypeName(const nlohmann::json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

}  // namespace

Result<nlohmann::json> ParseJsonObject(std::string_view body) {
  if (!DepthWithin(body, kMaxDepth)) return Status(Code::kMalformedJson, "JSON nested too deeply");
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status(Code::kMalformedJson, "the body is not valid UTF-8 JSON");
  if (!j.is_object()) return Status(Code::kMalformedJson, "the body must be a JSON object");
  return j;
}

BodyReader::BodyReader(const nlohmann::json& obj, std::vector<std::string_view> allowed,
                       std::vector<std::string_view> read_only)
    : obj_(obj) {
  for (const auto& [k, _] : obj_.items()) {
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    if (std::find(read_only.begin(), read_only.end(), k) != read_only.end()) {
      errors_.push_back({k, "is read-only and cannot be set"});
    } else {
      errors_.push_back({k, "is not a known field"});
    }
  }
}

const nlohmann::json* BodyReader::Raw(std::string_view field) const {
  auto it = obj_.find(field);
  return it == obj_.end() ? nullptr : &*it;
}

bool BodyReader::HasErrorFor(std::string_view field) const {
  return std::any_of(errors_.begin(), errors_.end(), [&](const FieldError& e) { return e.field == field; });
}

std::optional<std::string> BodyReader::String(std::string_view field, bool required, size_t max_bytes) {
  const nlohmann::json* v = Raw(field);
  if (!v) {
    if (required) AddError(std::string(field), "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    AddError(std::string(field), std::string("must be a string, not ") + TypeName(*v));
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    AddError(std::string(field), "is too long");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> BodyReader::Bool(std::string_view field, bool required) {
  const nlohmann::json* v = Raw(field);
  if (!v) {
    if (required) AddError(std::string(field), "is required");
    return std::nullopt;
  }
  if (!v->is_boolean()) {
    AddError(std::string(field), std::string("must be a boolean, not ") + TypeName(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<int64_t> BodyReader::Integer(std::string_view field, bool required) {
  const nlohmann::json* v = Raw(field);
  if (!v) {
    if (required) AddError(std::string(field), "is required");
    return std::nullopt;
  }
  if (v->is_number_integer() && !(v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX)) {
    return v->get<int64_t>();
  }
  AddError(std::string(field), "must be an integer");
  return std::nullopt;
}

std::optional<std::vector<std::string>> BodyReader::StringArray(std::string_view field, bool required,
                                                                size_t max_items) {
  const nlohmann::json* v = Raw(field);
  if (!v) {
    if (required) AddError(std::string(field), "is required");
    return std::nullopt;
  }
  if (!v->is_array()) {
    AddError(std::string(field), std::string("must be an array of strings, not ") + TypeName(*v));
    return std::nullopt;
  }
  if (v->size() > max_items) {
    AddError(std::string(field), "has too many items (at most " + std::to_string(max_items) + ")");
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(v->size());
  for (const auto& item : *v) {
    if (!item.is_string() || item.get_ref<const std::string&>().size() > 256) {
      AddError(std::string(field), "must be an array of strings (each at most 256 bytes)");
      return std::nullopt;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Status BodyReader::Finish() {
  if (errors_.empty()) return Status::Ok();
  return Status::Invalid(errors_);
}

std::optional<Millis> ParseTimeField(const nlohmann::json& v, std::string_view field,
                                     std::vector<FieldError>& errors) {
  if (v.is_string()) {
    if (auto t = ParseRfc3339(v.get_ref<const std::string&>())) return t;
  }
  errors.push_back({std::string(field), "must be an RFC 3339 date-time, e.g. 2026-11-24T10:00:00.000Z"});
  return std::nullopt;
}

}  // namespace jitgate
