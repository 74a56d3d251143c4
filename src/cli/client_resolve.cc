#include "cli/client_resolve.h"

#include <cctype>
#include <functional>

#include "app/random.h"
#include "cli/client_format.h"
#include "cli/client_pages.h"

namespace jitgate {
namespace {

std::string Trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  const auto end = s.find_last_not_of(" \t");
  return std::string(s.substr(begin, end - begin + 1));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// How one kind of object is looked up by a human-readable key.
struct Lookup {
  const char* list_path;     // e.g. "/api/v1/agent-pool"
  const char* key_field;     // the field compared with the reference
  bool ignore_case;          // emails compare case-insensitively
  const char* detail_field;  // the `details` field naming an unresolved reference
  std::function<std::string(const std::string&)> not_found;  // the message for one
};

Result<std::vector<std::string>> Resolve(ApiClient& client, const std::vector<std::string>& refs,
                                         const Lookup& lookup) {
  std::vector<std::string> ids;
  std::vector<FieldError> unresolved;
  for (const auto& ref : refs) {
    if (IsUuid(ref)) {
      ids.push_back(ref);
      continue;
    }
    const std::string path = std::string(lookup.list_path) + QueryString({{"search", ref}});
    ASSIGN_OR_RETURN(nlohmann::json found, FetchPages(client, path, kMaxPageSize));
    std::string id;
    for (const auto& item : found["items"]) {
      const std::string key = JsonText(item, lookup.key_field);
      if (lookup.ignore_case ? EqualsIgnoreCase(key, ref) : key == ref) {
        id = JsonText(item, "id");
        break;
      }
    }
    if (id.empty()) {
      unresolved.push_back({lookup.detail_field, lookup.not_found(ref)});
    } else {
      ids.push_back(id);
    }
  }
  if (!unresolved.empty()) return UnresolvedNames(std::move(unresolved));
  return ids;
}

}  // namespace

Status UnresolvedNames(std::vector<FieldError> unresolved) {
  const size_t n = unresolved.size();
  return Status(Code::kNotFound,
                "cannot resolve " + std::to_string(n) + (n == 1 ? " name" : " names"),
                std::move(unresolved));
}

std::vector<std::string> SplitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      const auto comma = value.find(',', start);
      const auto end = comma == std::string::npos ? value.size() : comma;
      std::string item = Trim(std::string_view(value).substr(start, end - start));
      if (!item.empty()) out.push_back(std::move(item));
      start = end + 1;
    }
  }
  return out;
}

Result<std::vector<std::string>> ResolvePools(ApiClient& client,
                                              const std::vector<std::string>& refs) {
  return Resolve(client, refs,
                 Lookup{"/api/v1/agent-pool", "name", false, "pool",
                        [](const std::string& r) { return "no agent pool named \"" + r + "\""; }});
}

Result<std::vector<std::string>> ResolveUsers(ApiClient& client,
                                              const std::vector<std::string>& refs) {
  return Resolve(client, refs,
                 Lookup{"/api/v1/users", "email", true, "user",
                        [](const std::string& r) { return "no user with email \"" + r + "\""; }});
}

}  // namespace jitgate
