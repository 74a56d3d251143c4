// Status and Result<T>: how errors travel across layers (no exceptions cross a module boundary).
// Each Code maps to exactly one HTTP status and API error code, in src/api/error_mapping.cc.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace jitgate {

enum class Code {
  kOk,
  kInvalidArgument,       // 400 VALIDATION_FAILED: details lists every violated rule
  kMalformedJson,         // 400 MALFORMED_JSON
  kUnauthenticated,       // 401 UNAUTHORIZED
  kPermissionDenied,      // 403 FORBIDDEN
  kCsrfFailed,            // 403 CSRF_FAILED
  kNotFound,              // 404 NOT_FOUND
  kMethodNotAllowed,      // 405 METHOD_NOT_ALLOWED
  kConflict,              // 409 CONFLICT (uniqueness, referenced object)
  kGrantLimit,            // 409 CONCURRENT_GRANT_LIMIT
  kGrantNotActive,        // 409 GRANT_NOT_ACTIVE
  kPayloadTooLarge,       // 413 PAYLOAD_TOO_LARGE
  kUnsupportedMediaType,  // 415 UNSUPPORTED_MEDIA_TYPE
  kRateLimited,           // 429 RATE_LIMITED
  kHeadersTooLarge,       // 431 HEADERS_TOO_LARGE
  kUnavailable,           // 503 UNAVAILABLE: nothing was changed, retry later
  kInternal,              // 500 INTERNAL
};

// One violated rule, named by the request field it concerns.
struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

// A cheap error value. Default-constructed Status is OK.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message, std::vector<FieldError> details = {})
      : code_(code), message_(std::move(message)), details_(std::move(details)) {}

  static Status Ok() { return Status(); }
  static Status Invalid(std::vector<FieldError> details) {
    return Status(Code::kInvalidArgument, "request validation failed", std::move(details));
  }
  static Status Invalid(std::string field, std::string message) {
    return Invalid({FieldError{std::move(field), std::move(message)}});
  }
  static Status NotFound(std::string what) { return Status(Code::kNotFound, std::move(what)); }
  static Status Conflict(std::string what) { return Status(Code::kConflict, std::move(what)); }
  static Status Unavailable(std::string what) { return Status(Code::kUnavailable, std::move(what)); }
  static Status Internal(std::string what) { return Status(Code::kInternal, std::move(what)); }
  static Status Unauthenticated() { return Status(Code::kUnauthenticated, "401 Unauthorized"); }
  static Status Forbidden(std::string what) {
    return Status(Code::kPermissionDenied, std::move(what));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& details() const { return details_; }
  // Seconds a client should wait before retrying (429 Retry-After), 0 when not set.
  int retry_after_seconds() const { return retry_after_seconds_; }
  Status& set_retry_after_seconds(int s) {
    retry_after_seconds_ = s;
    return *this;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<FieldError> details_;
  int retry_after_seconds_ = 0;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be OK

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace jitgate

#define JG_CONCAT_INNER(a, b) a##b
#define JG_CONCAT(a, b) JG_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                 \
  do {                                        \
    ::jitgate::Status _st = (expr);           \
    if (!_st.ok()) return _st;                \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, MakeX());` binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(JG_CONCAT(_res_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
