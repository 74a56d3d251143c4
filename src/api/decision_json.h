// The JSON of an access decision, written straight into a string: the check is the hottest route,
// and building an nlohmann::json tree for it (a map per object, a string per key) cost more than
// the rest of the handler. The output is byte for byte what ToJson(d).dump() gives (keys in the
// same sorted order), so clients cannot tell the difference.
#pragma once

#include <string>

#include "core/access_index.h"

namespace jitgate {

// `{"allowed":...,"role":...,"sources":[...],"validUntil":...}` as in API.md.
std::string DecisionJson(const AccessDecision& d);

}  // namespace jitgate
