#include "core/id_table.h"

namespace jitgate {

uint64_t IdTable::Hash(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t v;
    std::memcpy(&v, s.data() + i, 8);
    h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0x94D049BB133111EBull;
  return h ^ (h >> 29);
}

void IdTable::Reserve(size_t n) {
  while (slots_.size() < 2 * n) Grow();
  ids_.reserve(n);
}

void IdTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.index == kMissing) continue;
    size_t at = s.hash & mask;
    while (slots_[at].index != kMissing) at = (at + 1) & mask;
    slots_[at] = s;
  }
}

uint32_t IdTable::Intern(std::string_view id) {
  if (uint32_t found = Find(id); found != kMissing) return found;
  if ((ids_.size() + 1) * 2 > slots_.size()) Grow();
  const uint64_t h = Hash(id);
  const size_t mask = slots_.size() - 1;
  size_t at = h & mask;
  while (slots_[at].index != kMissing) at = (at + 1) & mask;
  const auto index = static_cast<uint32_t>(ids_.size());
  ids_.emplace_back(id);
  slots_[at] = Slot{h, index};
  return index;
}

uint32_t IdTable::Find(std::string_view id) const {
  const uint64_t h = Hash(id);
  const size_t mask = slots_.size() - 1;
  for (size_t at = h & mask;; at = (at + 1) & mask) {
    const Slot& s = slots_[at];
    if (s.index == kMissing) return kMissing;
    if (s.hash == h && ids_[s.index] == id) return s.index;
  }
}

}  // namespace jitgate
