// IdTable: interned string ids (UUIDs) for the access index. Private to src/core.
// An open-addressing hash index over a paged arena, both copy-on-write: copying a table copies only
// page pointers, and a write to a copy clones just the page it touches. So a snapshot of the index
// can be derived from the previous one in microseconds while readers keep using the old one.
//  - An id gets a dense *index* (0, 1, 2, ... in first-insertion order; never changes, never
//    reused) and a slot *position* (where it sits in the hash array; changes when the table grows).
//  - Ids up to kInlineKey bytes are copied into their slot, and a slot is one cache line, so a
//    lookup on the access check's hot path costs one hash and usually a single cache miss.
//  - Each id carries a few flag bits (e.g. "absent", "disabled") for the index to use; ids are
//    never removed, only flagged.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace jitgate {

// Not thread-safe while being changed; then safe for concurrent readers. A copy shares every page
// with its source, and changing either never changes what the other sees (the source must not be
// changed while copies are made from it on other threads).
class IdTable {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;
  static constexpr uint32_t kPageBits = 8;  // slots per page: 256 (16 KiB)
  static constexpr uint32_t kPageSlots = 1u << kPageBits;

  IdTable();

  // Adds `id` if absent (flags 0); returns its slot position. May grow the table, which moves
  // every id to a new position (slot_count() changes): positions taken before are then stale.
  uint32_t Intern(std::string_view id);
  // Whether adding `n` new ids would grow the table.
  bool WouldGrow(size_t n) const { return (size() + n) * 2 > slot_count(); }

  // The dense index of `id`, or kMissing when absent.
  uint32_t Find(std::string_view id) const {
    const uint32_t pos = FindSlot(id, Hash(id));
    return pos == kMissing ? kMissing : IndexAt(pos);
  }
  // The position of `id` (`hash` == Hash(id)), or kMissing when absent.
  uint32_t FindSlot(std::string_view id, uint64_t hash) const;

  // Positions are another key for per-id data, in [0, slot_count()), slot_count() a power of two
  // and a multiple of kPageSlots. An id's position is usually the home slot of its hash, so data
  // kept by position can be requested from the hash alone, while the slot itself is on its way.
  size_t slot_count() const { return size_t{1} << slot_bits_; }
  uint32_t HomeSlot(uint64_t hash) const {
    return static_cast<uint32_t>(hash & (slot_count() - 1));
  }
  // Asks for the slot where a lookup of `hash` starts, without waiting for it.
  void Prefetch(uint64_t hash) const { __builtin_prefetch(&SlotAt(HomeSlot(hash))); }

  // The dense index / flags of the id at position `pos` (which must hold an id).
  uint32_t IndexAt(uint32_t pos) const { return SlotAt(pos).index; }
  uint32_t FlagsAt(uint32_t pos) const { return SlotAt(pos).flags; }
  // Whether position `pos` holds an id.
  bool Used(uint32_t pos) const { return SlotAt(pos).index != kMissing; }
  // Replaces the flags of the id at position `pos`.
  void SetFlags(uint32_t pos, uint32_t flags);

  // The id with dense index `index` (< size()); the view is valid while any table sharing the
  // arena block lives.
  std::string_view At(uint32_t index) const {
    return blocks_[index >> kBlockBits]->At(index & (kBlockIds - 1));
  }

  size_t size() const { return size_; }

  // Prepares for `n` ids in all, so filling does not grow the table again.
  void Reserve(size_t n);

  // The hash used for slots; exposed for tests.
  static uint64_t Hash(std::string_view s);

 private:
  // Ids this long or shorter (a UUID is 36) are compared inside the slot, not in the arena.
  static constexpr size_t kInlineKey = 48;
  // One cache line. The hash tag rejects almost every mismatch before any byte compare.
  struct alignas(64) Slot {
    uint32_t tag = 0;
    uint32_t index = kMissing;
    uint32_t length = 0;
    uint32_t flags = 0;
    char key[kInlineKey] = {};  // the id if length <= kInlineKey (else read from the arena)
  };
  static_assert(sizeof(Slot) == 64);
  using Page = std::shared_ptr<Slot[]>;

  // kBlockIds ids back to back, addressed by their number within the block.
  static constexpr uint32_t kBlockBits = 8;
  static constexpr uint32_t kBlockIds = 1u << kBlockBits;
  struct Block {
    std::string bytes;
    std::array<uint32_t, kBlockIds + 1> offsets{};
    uint32_t count = 0;
    std::string_view At(uint32_t i) const {
      return std::string_view(bytes.data() + offsets[i], offsets[i + 1] - offsets[i]);
    }
  };

  const Slot& SlotAt(uint32_t pos) const {
    return pages_[pos >> kPageBits][pos & (kPageSlots - 1)];
  }
  // The slot at `pos`, writable: clones its page first when another table shares it.
  Slot& MutableSlot(uint32_t pos);
  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }
  // The bytes of the id in `s`.
  const char* KeyOf(const Slot& s) const;
  // Appends `id` to the arena; returns its dense index.
  uint32_t Append(std::string_view id);
  // Rebuilds the slot array with 2^bits slots and reinserts every id (flags kept).
  void Rehash(uint32_t bits);
  // Puts a slot for id `index` (hash `hash`, flags `flags`) in the first free slot from home.
  uint32_t Place(uint64_t hash, uint32_t index, uint32_t flags);

  uint32_t slot_bits_;
  size_t size_ = 0;
  std::vector<Page> pages_;                     // slot_count() / kPageSlots pages
  std::vector<std::shared_ptr<Block>> blocks_;  // the arena: ids by dense index
};

}  // namespace jitgate
