// AppConfig: every tunable of the application layer, with the contract's defaults.
#pragma once

#include "app/password_hasher.h"
#include "core/clock.h"
#include "core/limits.h"

namespace jitgate {

struct AppConfig {
  Limits limits;
  PasswordHashParams password_hash;
  // Failed logins: at most this many per email / per client address within the window; then 429.
  int login_max_failures_per_email = 5;
  int login_max_failures_per_address = 20;
  Millis login_failure_window = 5 * 60 * kMillisPerSecond;
  // Sessions end after this much inactivity, and in any case after the absolute lifetime.
  Millis session_idle_timeout = 8 * kMillisPerHour;
  Millis session_absolute_timeout = 24 * kMillisPerHour;
  // API keys' last_used_at is written at most this often per key.
  Millis key_last_used_interval = 30 * kMillisPerSecond;
  // Idempotency keys are remembered this long.
  Millis idempotency_ttl = 24 * kMillisPerHour;
};

}  // namespace jitgate
