// Decoding request bodies: strict JSON objects with typed, known fields. Every problem becomes a
// FieldError; unknown and read-only fields are errors naming the field.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace jitgate {

// Parses `body` as a JSON object. kMalformedJson when it is not JSON, not UTF-8, nested deeper than
// 32 levels, or not an object.
Result<nlohmann::json> ParseJsonObject(std::string_view body);

// Reads typed fields of one JSON object, collecting errors. Not thread-safe.
class BodyReader {
 public:
  // `allowed`: writable fields; `read_only`: fields clients may see but not set (named as such).
  BodyReader(const nlohmann::json& obj, std::vector<std::string_view> allowed,
             std::vector<std::string_view> read_only = {});

  // Each returns nullopt when the field is absent (adding "is required" if `required`) or has the
  // wrong type (adding an error). `max_chars` bounds string lengths in bytes as a hard input limit.
  std::optional<std::string> String(std::string_view field, bool required, size_t max_bytes = 65536);
  std::optional<bool> Bool(std::string_view field, bool required);
  std::optional<int64_t> Integer(std::string_view field, bool required);
  std::optional<std::vector<std::string>> StringArray(std::string_view field, bool required,
                                                      size_t max_items = 10000);
  // The raw value of a present field (for nested objects), nullptr when absent.
  const nlohmann::json* Raw(std::string_view field) const;
  void AddError(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  bool HasErrorFor(std::string_view field) const;

  // OK when no error was found (including unknown/read-only fields), else kInvalidArgument.
  Status Finish();
  std::vector<FieldError>& errors() { return errors_; }

 private:
  const nlohmann::json& obj_;
  std::vector<FieldError> errors_;
};

// Decodes an RFC 3339 string field value into Millis, adding an error for `field` when invalid.
std::optional<Millis> ParseTimeField(const nlohmann::json& v, std::string_view field, std::vector<FieldError>& errors);

}  // namespace jitgate
