#include "cli/client_pages.h"

#include <algorithm>
#include <unordered_set>

namespace jitgate {
namespace {

// What identifies an item within one list: its id, or the audit sequence number.
std::string ItemKey(const nlohmann::json& item) {
  if (!item.is_object()) return "";
  if (auto it = item.find("id"); it != item.end()) return it->dump();
  if (auto it = item.find("seq"); it != item.end()) return it->dump();
  return "";
}

std::string WithPaging(const std::string& path, int64_t offset, int64_t limit) {
  const char sep = path.find('?') == std::string::npos ? '?' : '&';
  return path + sep + "offset=" + std::to_string(offset) + "&limit=" + std::to_string(limit);
}

}  // namespace

size_t MergePage(nlohmann::json& merged, const nlohmann::json& page) {
  if (!merged.is_object()) merged = nlohmann::json::object();
  if (!merged.contains("items")) merged["items"] = nlohmann::json::array();
  if (!merged.contains("total")) merged["total"] = 0;
  const auto items = page.find("items");
  if (!page.is_object() || items == page.end() || !items->is_array()) return 0;
  if (auto total = page.find("total"); total != page.end() && total->is_number_integer()) {
    merged["total"] = *total;
  }
  auto& out = merged["items"];
  std::unordered_set<std::string> seen;
  for (const auto& item : out) seen.insert(ItemKey(item));
  size_t appended = 0;
  for (const auto& item : *items) {
    const std::string key = ItemKey(item);
    if (!key.empty() && !seen.insert(key).second) continue;
    out.push_back(item);
    ++appended;
  }
  return appended;
}

Result<nlohmann::json> FetchPages(ApiClient& client, const std::string& path, int64_t max_items,
                                  int64_t offset) {
  nlohmann::json merged = {{"items", nlohmann::json::array()}, {"total", 0}};
  while (static_cast<int64_t>(merged["items"].size()) < max_items) {
    const int64_t want =
        std::min(kMaxPageSize, max_items - static_cast<int64_t>(merged["items"].size()));
    ASSIGN_OR_RETURN(nlohmann::json page, client.Get(WithPaging(path, offset, want)));
    const size_t received = page.is_object() && page["items"].is_array() ? page["items"].size() : 0;
    MergePage(merged, page);
    offset += static_cast<int64_t>(received);
    if (received == 0 || offset >= merged["total"].get<int64_t>()) break;
  }
  // A page may hold more than asked for; never return more than max_items.
  auto& items = merged["items"];
  if (static_cast<int64_t>(items.size()) > max_items) {
    items.erase(items.begin() + max_items, items.end());
  }
  return merged;
}

Result<nlohmann::json> FetchLast(ApiClient& client, const std::string& path, int64_t count) {
  ASSIGN_OR_RETURN(nlohmann::json first, client.Get(WithPaging(path, 0, 1)));
  int64_t total = 0;
  if (first.is_object() && first["total"].is_number_integer())
    total = first["total"].get<int64_t>();
  return FetchPages(client, path, count, std::max<int64_t>(0, total - count));
}

}  // namespace jitgate
