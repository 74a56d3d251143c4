// The CLI's view of the jitgate REST API: JSON calls with the API key, errors as Status.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli/http_client.h"
#include "core/status.h"

namespace jitgate {

// Where and as whom the client verbs talk to the server.
struct ClientConfig {
  std::string server = "http://127.0.0.1:8080";  // base URL; a path prefix is kept
  std::string api_key;                           // sent as "Authorization: Bearer ..."
  HttpOptions http;                              // timeout, CA file
};

// The API's error body turned into a Status: `message` and `details` as sent, the Code from the
// API `code` (e.g. "GRANT_NOT_ACTIVE" -> kGrantNotActive; unknown codes -> kInternal). A body
// that is not the API's error shape gives "HTTP <status>" plus the start of the body.
Status StatusFromErrorBody(int http_status, const std::string& body);

// Issues API calls for one CLI invocation. Never logs or prints the API key.
// Not thread-safe (one verb runs at a time).
class ApiClient {
 public:
  explicit ApiClient(ClientConfig config) : config_(std::move(config)) {}

  // Sends `method` to `path` (below the server URL, e.g. "/api/v1/jit-access?status=all") with
  // `body` as JSON unless it is null, and `idempotency_key` as Idempotency-Key when not empty.
  // Success: the parsed 2xx body (null for an empty body, e.g. 204).
  // Failure: a non-2xx answer as StatusFromErrorBody; kUnavailable "cannot reach jitgate at URL:
  // reason" when the server cannot be reached (then unreachable() becomes true); kInvalidArgument
  // for a bad server URL; kInternal for a 2xx body that is not JSON or a TLS failure.
  Result<nlohmann::json> Call(std::string_view method, const std::string& path,
                              const nlohmann::json& body = nullptr,
                              const std::string& idempotency_key = "");

  // Shorthand for Call("GET", path).
  Result<nlohmann::json> Get(const std::string& path) { return Call("GET", path); }

  // True once a call failed because the server could not be reached (exit status 2).
  bool unreachable() const { return unreachable_; }

  // The server's base URL as configured (never contains the key).
  const std::string& server() const { return config_.server; }

 private:
  ClientConfig config_;
  bool unreachable_ = false;
};

}  // namespace jitgate
