#include "api/batch_check_body.h"

namespace jitgate {
namespace {

constexpr size_t kMaxField = 256;

// A cursor over the body; every method returns false at the first byte it does not expect.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  // Consumes `c` after optional whitespace.
  bool Take(char c) {
    SkipSpace();
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  // Whether the next non-space byte is `c` (not consumed).
  bool Peek(char c) {
    SkipSpace();
    return i_ < s_.size() && s_[i_] == c;
  }
  // A string of printable ASCII without escapes, 0-kMaxField bytes.
  bool String(std::string_view* out) {
    if (!Take('"')) return false;
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      const char c = s_[i_];
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      if (++i_ - start > kMaxField) return false;
    }
    if (i_ >= s_.size()) return false;
    *out = s_.substr(start, i_ - start);
    ++i_;  // the closing quote
    return true;
  }
  bool AtEnd() {
    SkipSpace();
    return i_ == s_.size();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

// One `{"userId": "...", "agentPoolId": "...", "permission": "..."}`, fields in any order.
bool ReadItem(Cursor& c, BatchCheckItem* item) {
  if (!c.Take('{')) return false;
  bool user = false, pool = false, perm = false;
  do {
    std::string_view key, value;
    if (!c.String(&key) || !c.Take(':') || !c.String(&value) || value.empty()) return false;
    if (key == "userId" && !user) {
      user = true;
      item->user_id = value;
    } else if (key == "agentPoolId" && !pool) {
      pool = true;
      item->pool_id = value;
    } else if (key == "permission" && !perm) {
      perm = true;
      const auto p = ParsePermission(value);
      if (!p) return false;
      item->permission = *p;
    } else {
      return false;  // unknown or repeated field
    }
  } while (c.Take(','));
  return c.Take('}') && user && pool && perm;
}

}  // namespace

std::optional<std::vector<BatchCheckItem>> ReadBatchChecksFast(std::string_view body,
                                                               size_t max_items) {
  Cursor c(body);
  std::string_view key;
  if (!c.Take('{') || !c.String(&key) || key != "checks" || !c.Take(':') || !c.Take('['))
    return std::nullopt;
  std::vector<BatchCheckItem> items;
  if (c.Peek(']')) return std::nullopt;  // empty: the general path words the error
  do {
    if (items.size() == max_items) return std::nullopt;
    if (!ReadItem(c, &items.emplace_back())) return std::nullopt;
  } while (c.Take(','));
  if (!c.Take(']') || !c.Take('}') || !c.AtEnd()) return std::nullopt;
  return items;
}

}  // namespace jitgate
