// RFC 3339 timestamps: jitgate writes UTC with milliseconds and reads any offset.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace jitgate {

// Formats `t` as `2026-11-24T10:00:00.000Z`.
std::string FormatRfc3339(Millis t);

// Parses an RFC 3339 date-time (`T` or `t` separator, `Z`/`z` or `+hh:mm`/`-hh:mm` offset,
// optional fraction of 1-9 digits, truncated to milliseconds). Returns nullopt for anything else,
// including out-of-range fields (month 13, Feb 30, hour 24) and years outside 1970..9999.
std::optional<Millis> ParseRfc3339(std::string_view s);

}  // namespace jitgate
