// IdTable: interns string ids (UUIDs) to dense integers 0, 1, 2, ... Every id's bytes live in one
// owned arena (for At), and ids up to kInlineKey bytes are also copied into their open-addressing
// slot: a slot is one cache line, so a lookup on the access check's hot path costs one hash and
// usually a single cache miss. Private to src/core (the access index).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jitgate {

// Not thread-safe while being filled; once filled, safe for any number of concurrent readers.
class IdTable {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  IdTable();

  // Adds `id` if absent; returns its index (0, 1, 2, ... in first-insertion order).
  uint32_t Intern(std::string_view id);

  // The index of `id`, or kMissing when absent.
  uint32_t Find(std::string_view id) const;

  // The id at `index` (< size()); the view is valid while the table lives and is not modified.
  std::string_view At(uint32_t index) const {
    return std::string_view(arena_.data() + offsets_[index], offsets_[index + 1] - offsets_[index]);
  }

  size_t size() const { return offsets_.size() - 1; }

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
    char key[kInlineKey] = {};  // the id if length <= kInlineKey, else its arena offset (uint32_t)
  };
  static_assert(sizeof(Slot) == 64);
  // The bytes of the id in `s`.
  const char* KeyOf(const Slot& s) const;
  // A filled slot for id number `index`.
  Slot MakeSlot(uint64_t hash, uint32_t index) const;
  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }
  // Doubles the slot array and reinserts every id.
  void Grow();
  void Place(const Slot& slot, uint64_t hash);

  std::string arena_;              // every id's bytes, back to back
  std::vector<uint32_t> offsets_;  // size()+1 offsets into arena_
  std::vector<Slot> slots_;        // power-of-two size, at most half full
};

}  // namespace jitgate
