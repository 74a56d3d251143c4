// Wire helpers of the server: the response head serializer and request-target splitting.
// Internal to src/http (tests may use them); handlers never need them.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace jitgate::http_internal {

// How a response head should frame the connection.
struct Framing {
  int request_version = 11;   // 10 or 11
  bool keep_alive = true;     // whether the connection stays open after this response
  bool head_request = false;  // HEAD: Content-Length of the body, but no body bytes sent
};

// Writes the status line and headers of `res` (ending with the blank line) into `*out`, replacing
// its content but reusing its capacity. Adds Date, Content-Type, Content-Length (except for 1xx,
// 204 and 304) and Connection as needed. CR/LF in names or values are replaced by spaces so a
// handler can never split the response. A status outside 100..599 is sent as 500.
void SerializeHead(const HttpResponse& res, const Framing& framing, std::string* out);

// Whether the response to a request carries body bytes on the wire.
bool SendsBody(int status, bool head_request);

// Splits a request-target into its path and query (without "?"). Accepts origin-form
// ("/a?b") and absolute-form ("http://host/a?b"); false for anything else ("*", "a/b", "").
bool SplitTarget(std::string_view target, std::string_view* path, std::string_view* query);

// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), cached per thread and
// recomputed at most once per second.
std::string_view HttpDate();

}  // namespace jitgate::http_internal
