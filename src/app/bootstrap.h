// Bootstrap: the first role manager of a new store (`jitgate init`).
#pragma once

#include <string>

#include "app/app.h"

namespace jitgate {

struct BootstrapResult {
  User admin;
  std::string password;  // generated; shown once
  std::string api_key;   // generated; shown once
};

// Creates the first role manager with a generated password and an unrestricted API key.
// kFailedPrecondition-like kConflict when the store already has users (nothing is changed then).
Result<BootstrapResult> Bootstrap(App& app, const std::string& admin_email);

}  // namespace jitgate
