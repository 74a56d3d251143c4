// The reason phrase for an HTTP status code.
#pragma once

#include <string_view>

namespace jitgate::http_internal {

// "OK" for 200, "Not Found" for 404, ...; "Unknown" for codes without a standard phrase.
std::string_view ReasonPhrase(int status);

}  // namespace jitgate::http_internal
