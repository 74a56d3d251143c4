#include "core/id_table.h"

#include <cstring>

namespace jitgate {
namespace {
// Pages are allocated with operator new[] (not make_shared) so the 64-byte alignment of a slot is
// honoured.
template <typename Slot>
std::shared_ptr<Slot[]> NewPage() {
  return std::shared_ptr<Slot[]>(new Slot[IdTable::kPageSlots]);
}
}  // namespace

IdTable::IdTable() : slot_bits_(kPageBits), pages_{NewPage<Slot>()} {}

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

void IdTable::Reserve(size_t n) {
  uint32_t bits = slot_bits_;
  while ((size_t{1} << bits) < 2 * n) ++bits;
  if (bits != slot_bits_) Rehash(bits);
}

const char* IdTable::KeyOf(const Slot& s) const {
  return s.length <= kInlineKey ? s.key : At(s.index).data();
}

IdTable::Slot& IdTable::MutableSlot(uint32_t pos) {
  Page& page = pages_[pos >> kPageBits];
  // Only this table can hold a page whose count is 1, so nobody else can start sharing it now.
  if (page.use_count() > 1) {
    Page copy = NewPage<Slot>();
    std::memcpy(static_cast<void*>(copy.get()), page.get(), sizeof(Slot) * kPageSlots);
    page = std::move(copy);
  }
  return page[pos & (kPageSlots - 1)];
}

void IdTable::SetFlags(uint32_t pos, uint32_t flags) {
  if (FlagsAt(pos) != flags) MutableSlot(pos).flags = flags;
}

uint32_t IdTable::Append(std::string_view id) {
  const auto index = static_cast<uint32_t>(size_);
  const uint32_t within = index & (kBlockIds - 1);
  if (within == 0) {
    blocks_.push_back(std::make_shared<Block>());
  } else if (blocks_.back().use_count() > 1) {
    blocks_.back() = std::make_shared<Block>(*blocks_.back());
  }
  Block& b = *blocks_.back();
  b.bytes.append(id);
  b.offsets[within + 1] = static_cast<uint32_t>(b.bytes.size());
  b.count = within + 1;
  ++size_;
  return index;
}

uint32_t IdTable::Place(uint64_t hash, uint32_t index, uint32_t flags) {
  const size_t mask = slot_count() - 1;
  size_t at = hash & mask;
  while (Used(static_cast<uint32_t>(at))) at = (at + 1) & mask;
  const std::string_view id = At(index);
  Slot& s = MutableSlot(static_cast<uint32_t>(at));
  s.tag = Tag(hash);
  s.index = index;
  s.flags = flags;
  s.length = static_cast<uint32_t>(id.size());
  if (id.size() <= kInlineKey) std::memcpy(s.key, id.data(), id.size());
  return static_cast<uint32_t>(at);
}

void IdTable::Rehash(uint32_t bits) {
  std::vector<Page> old = std::move(pages_);
  slot_bits_ = bits;
  pages_.clear();
  for (size_t p = 0; p < slot_count() / kPageSlots; ++p) pages_.push_back(NewPage<Slot>());
  for (const Page& page : old) {
    for (uint32_t i = 0; i < kPageSlots; ++i) {
      const Slot& s = page[i];
      if (s.index != kMissing) Place(Hash(At(s.index)), s.index, s.flags);
    }
  }
}

uint32_t IdTable::Intern(std::string_view id) {
  if (uint32_t found = FindSlot(id, Hash(id)); found != kMissing) return found;
  if (WouldGrow(1)) Rehash(slot_bits_ + 1);
  const uint64_t h = Hash(id);
  return Place(h, Append(id), 0);
}

uint32_t IdTable::FindSlot(std::string_view id, uint64_t h) const {
  const uint32_t tag = Tag(h);
  const size_t mask = slot_count() - 1;
  for (size_t at = h & mask;; at = (at + 1) & mask) {
    const Slot& s = SlotAt(static_cast<uint32_t>(at));
    if (s.index == kMissing) return kMissing;
    if (s.tag == tag && s.length == id.size() && std::memcmp(KeyOf(s), id.data(), id.size()) == 0) {
      return static_cast<uint32_t>(at);
    }
  }
}

}  // namespace jitgate
