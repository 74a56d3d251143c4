// SHA-256 digests as lower-case hex.
#pragma once

#include <string>
#include <string_view>

namespace jitgate {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

}  // namespace jitgate
