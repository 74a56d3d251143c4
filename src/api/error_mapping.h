// The one table mapping a Status to an HTTP status and the API's error `code`.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace jitgate {

int HttpStatusFor(Code code);
std::string_view ErrorCodeName(Code code);  // e.g. "VALIDATION_FAILED"

// `{"message": ..., "code": ..., "details": [{"field", "message"}...]}`.
std::string ErrorBody(const Status& st);

}  // namespace jitgate
