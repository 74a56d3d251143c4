#include "core/id_table.h"

#include <cstring>

namespace jitgate {

uint32_t IdArena::Append(std::string_view id) {
  const auto index = static_cast<uint32_t>(size());
  bytes_.append(id);
  offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  return index;
}

void IdArena::Reserve(size_t n, size_t bytes_each) {
  offsets_.reserve(n + 1);
  bytes_.reserve(n * bytes_each);
}

IdTable::IdTable() : slots_(16) {}

uint64_t IdTable::Hash(std::string_view s) {
  // A small multiply-xorshift mix over 8-byte words: ids are short and the table is probed once per
  // check, so speed matters more than resistance to crafted keys (ids are server-generated UUIDs).
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

void IdTable::Reserve(size_t n, size_t bytes_each) {
  size_t want = slots_.size();
  while (want < 2 * n) want *= 2;
  if (want != slots_.size()) {
    slots_.resize(want / 2);  // Grow doubles it and reinserts what is there
    Grow();
  }
  ids_.Reserve(n, bytes_each);
}

const char* IdTable::KeyOf(const Slot& s) const {
  if (s.length <= kInlineKey) return s.key;
  uint32_t offset;
  std::memcpy(&offset, s.key, sizeof offset);
  return ids_.bytes() + offset;
}

IdTable::Slot IdTable::MakeSlot(uint64_t hash, uint32_t index) const {
  const std::string_view id = ids_.At(index);
  Slot s;
  s.tag = Tag(hash);
  s.index = index;
  s.length = static_cast<uint32_t>(id.size());
  if (id.size() <= kInlineKey) {
    std::memcpy(s.key, id.data(), id.size());
  } else {
    const uint32_t offset = ids_.OffsetOf(index);
    std::memcpy(s.key, &offset, sizeof offset);
  }
  return s;
}

void IdTable::Place(const Slot& slot, uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  size_t at = hash & mask;
  while (slots_[at].index != kMissing) at = (at + 1) & mask;
  slots_[at] = slot;
}

void IdTable::Grow() {
  slots_.assign(slots_.size() * 2, Slot{});
  for (uint32_t i = 0; i < size(); ++i) {
    const uint64_t h = Hash(ids_.At(i));
    Place(MakeSlot(h, i), h);
  }
}

uint32_t IdTable::Intern(std::string_view id) {
  if (uint32_t found = Find(id); found != kMissing) return found;
  if ((size() + 1) * 2 > slots_.size()) Grow();
  const uint64_t h = Hash(id);
  const uint32_t index = ids_.Append(id);
  Place(MakeSlot(h, index), h);
  return index;
}

uint32_t IdTable::FindSlot(std::string_view id, uint64_t h) const {
  const uint32_t tag = Tag(h);
  const size_t mask = slots_.size() - 1;
  for (size_t at = h & mask;; at = (at + 1) & mask) {
    const Slot& s = slots_[at];
    if (s.index == kMissing) return kMissing;
    if (s.tag == tag && s.length == id.size() && std::memcmp(KeyOf(s), id.data(), id.size()) == 0) {
      return static_cast<uint32_t>(at);
    }
  }
}

}  // namespace jitgate
