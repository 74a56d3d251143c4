// Randomness for identifiers and secrets (libsodium's CSPRNG).
#pragma once

#include <cstddef>
#include <string>

namespace jitgate {

// Initialises libsodium; call once at start-up (idempotent, thread-safe). False if it failed.
bool InitCrypto();

// A random RFC 4122 version-4 UUID in lower-case canonical form.
std::string NewUuid();

// `bytes` random bytes encoded as unpadded base64url.
std::string RandomToken(size_t bytes);

// A random string of `length` characters from [A-Za-z0-9].
std::string RandomBase62(size_t length);

// True when `s` is a canonical lower- or upper-case UUID (8-4-4-4-12 hex).
bool IsUuid(std::string_view s);

// Constant-time equality of two strings (length may leak, contents do not).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace jitgate
