#include "store/scope_list.h"

namespace jitgate {

std::optional<std::vector<std::string>> SplitScopes(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text->size() && !text->empty()) {
    size_t comma = text->find(',', start);
    if (comma == std::string::npos) comma = text->size();
    out.push_back(text->substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::optional<std::string> JoinScopes(const std::optional<std::vector<std::string>>& scopes) {
  if (!scopes) return std::nullopt;
  std::string out;
  for (const auto& s : *scopes) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

}  // namespace jitgate
