#include "app/password_hasher.h"

#include <sodium.h>

namespace jitgate {

Result<std::string> HashPassword(std::string_view password, const PasswordHashParams& params) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops_limit,
                            params.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("password hashing failed (out of memory)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, const std::string& encoded_hash) {
  if (encoded_hash.empty()) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

void VerifyDummyPassword(std::string_view password, const PasswordHashParams& params) {
  static const std::string dummy = [&] {
    auto h = HashPassword("jitgate-dummy-password", params);
    return h.ok() ? h.value() : std::string();
  }();
  (void)VerifyPassword(password, dummy);
}

}  // namespace jitgate
