// The configurable limits of grants; defaults are the contract's.
#pragma once

#include <cstdint>

#include "core/clock.h"

namespace jitgate {

struct Limits {
  int max_users_per_grant = 50;
  int max_pools_per_grant = 20;
  int max_active_grants = 100;
  Millis max_grant_duration = 31 * kMillisPerDay;  // 744 hours
  int max_grant_name_length = 200;
  int max_reason_length = 1000;
};

}  // namespace jitgate
