// Password hashing with Argon2id (libsodium crypto_pwhash_str).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace jitgate {

struct PasswordHashParams {
  unsigned long long ops_limit = 2;         // Argon2id iterations
  size_t mem_limit = 19 * 1024 * 1024;      // bytes (OWASP: m=19 MiB, t=2, p=1)
};

// Returns the encoded Argon2id hash of `password` (salt included). kInternal if out of memory.
Result<std::string> HashPassword(std::string_view password, const PasswordHashParams& params);

// True when `password` matches `encoded_hash`; false for a wrong password or a malformed hash.
// Takes about as long as hashing, so use VerifyDummyPassword when there is no hash to compare with.
bool VerifyPassword(std::string_view password, const std::string& encoded_hash);

// Burns the time of one verification, so that "no such user" and "wrong password" look alike.
void VerifyDummyPassword(std::string_view password, const PasswordHashParams& params);

}  // namespace jitgate
