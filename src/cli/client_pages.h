// Following the API's offset/limit pagination and merging the pages into one list.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/client_api.h"

namespace jitgate {

// The largest page the API serves.
inline constexpr int64_t kMaxPageSize = 1000;

// Appends the items of `page` (an API page {"items", "total", ...}) to `merged` (which becomes
// {"items": [...], "total": N}); `total` is the page's, i.e. the number of matches on the server.
// Items whose "id" (or, for audit events, "seq") is already in `merged` are skipped: a list that
// shifts between two page requests must not show an object twice.
// Returns the number of items appended; an invalid page (no "items" array) appends nothing.
size_t MergePage(nlohmann::json& merged, const nlohmann::json& page);

// Fetches `path` (with or without a query) page by page from `offset` until `max_items` items
// are collected or the list ends. Success: {"items": [...], "total": N} (N as in MergePage).
// Failure: the first failing call's Status.
Result<nlohmann::json> FetchPages(ApiClient& client, const std::string& path, int64_t max_items,
                                  int64_t offset = 0);

// Fetches the last `count` items of an oldest-first list (e.g. the audit log), still oldest
// first: asks for the total, then pages from total - count. Failure: the failing call's Status.
Result<nlohmann::json> FetchLast(ApiClient& client, const std::string& path, int64_t count);

}  // namespace jitgate
