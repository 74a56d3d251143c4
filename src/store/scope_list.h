// How both backends store an API key's scopes: one comma-separated text column, NULL for "all".
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace jitgate {

// "a,b" -> {"a", "b"}; nullopt (a key without a scope list) stays nullopt.
std::optional<std::vector<std::string>> SplitScopes(const std::optional<std::string>& text);

// The inverse of SplitScopes.
std::optional<std::string> JoinScopes(const std::optional<std::vector<std::string>>& scopes);

}  // namespace jitgate
