// Interned string ids (UUIDs) for the access index. Private to src/core.
//  - IdArena: ids stored back to back in one owned buffer, addressed by position.
//  - IdTable: an IdArena plus an open-addressing hash index, mapping an id to its dense position.
//    Ids up to kInlineKey bytes are copied into their slot, and a slot is one cache line, so a
//    lookup on the access check's hot path costs one hash and usually a single cache miss.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jitgate {

// Ids by position. Not thread-safe while being filled; then safe for concurrent readers.
class IdArena {
 public:
  // Appends `id` (duplicates allowed); returns its position 0, 1, 2, ...
  uint32_t Append(std::string_view id);

  // The id at `index` (< size()); the view is valid while the arena lives and is not modified.
  std::string_view At(uint32_t index) const {
    return std::string_view(bytes_.data() + offsets_[index], offsets_[index + 1] - offsets_[index]);
  }
  // The offset of id `index` in the byte buffer.
  uint32_t OffsetOf(uint32_t index) const { return offsets_[index]; }
  const char* bytes() const { return bytes_.data(); }

  size_t size() const { return offsets_.size() - 1; }

  // Prepares for `n` ids of about `bytes_each` bytes.
  void Reserve(size_t n, size_t bytes_each = 36);

 private:
  std::string bytes_;                 // every id, back to back (< 4 GiB in all)
  std::vector<uint32_t> offsets_{0};  // size()+1 offsets into bytes_
};

// Distinct ids with a hash index. Not thread-safe while being filled; then safe for concurrent
// readers.
class IdTable {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  IdTable();

  // Adds `id` if absent; returns its index (0, 1, 2, ... in first-insertion order).
  uint32_t Intern(std::string_view id);

  // The index of `id`, or kMissing when absent.
  uint32_t Find(std::string_view id) const { return Find(id, Hash(id)); }

  // Find with `hash` == Hash(id), after Prefetch(hash): lets a caller overlap the memory latency
  // of several lookups.
  uint32_t Find(std::string_view id, uint64_t hash) const {
    const uint32_t slot = FindSlot(id, hash);
    return slot == kMissing ? kMissing : slots_[slot].index;
  }

  // Slot positions: another key for per-id data, in [0, slot_count()). An id's position is fixed
  // once filling is done and is usually the home slot of its hash, so data kept by position can be
  // requested from the hash alone, while the slot itself is still on its way.
  size_t slot_count() const { return slots_.size(); }
  uint32_t HomeSlot(uint64_t hash) const {
    return static_cast<uint32_t>(hash & (slots_.size() - 1));
  }
  // The position of `id` (`hash` == Hash(id)), or kMissing when absent.
  uint32_t FindSlot(std::string_view id, uint64_t hash) const;
  // Asks for the slot where a lookup of `hash` starts, without waiting for it.
  void Prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]); }

  // The id at `index` (< size()); the view is valid while the table lives and is not modified.
  std::string_view At(uint32_t index) const { return ids_.At(index); }

  size_t size() const { return ids_.size(); }

  // Prepares for `n` ids of about `bytes_each` bytes, so filling does not rehash.
  void Reserve(size_t n, size_t bytes_each = 36);

  // The hash used for slots; exposed for tests.
  static uint64_t Hash(std::string_view s);

 private:
  // Ids this long or shorter (a UUID is 36) are compared inside the slot, not in the arena.
  static constexpr size_t kInlineKey = 52;
  // One cache line. The hash tag rejects almost every mismatch before any byte compare.
  struct alignas(64) Slot {
    uint32_t tag = 0;
    uint32_t index = kMissing;
    uint32_t length = 0;
    char key[kInlineKey] = {};  // the id if length <= kInlineKey, else its arena offset
  };
  static_assert(sizeof(Slot) == 64);

  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }
  // The bytes of the id in `s`.
  const char* KeyOf(const Slot& s) const;
  // A filled slot for id number `index`.
  Slot MakeSlot(uint64_t hash, uint32_t index) const;
  // Doubles the slot array and reinserts every id.
  void Grow();
  // Puts `slot` in the first free slot from `hash`'s home.
  void Place(const Slot& slot, uint64_t hash);

  IdArena ids_;
  std::vector<Slot> slots_;  // power-of-two size, at most half full
};

}  // namespace jitgate
