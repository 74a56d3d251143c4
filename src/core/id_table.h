// IdTable: interns string ids (UUIDs) to dense integers 0, 1, 2, ... The id bytes live in one owned
// arena and the open-addressing slots carry the arena offset, so a lookup on the access check's hot
// path costs one hash, usually one slot probe and one compare against contiguous memory.
// Private to src/core (the access index).
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
  // 16 bytes: the hash tag rejects almost every mismatch without touching the arena.
  struct Slot {
    uint32_t tag = 0;
    uint32_t index = kMissing;
    uint32_t offset = 0;
    uint32_t length = 0;
  };
  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }
  // Doubles the slot array and reinserts every id.
  void Grow();
  void Place(const Slot& slot, uint64_t hash);

  std::string arena_;              // every id's bytes, back to back
  std::vector<uint32_t> offsets_;  // size()+1 offsets into arena_
  std::vector<Slot> slots_;        // power-of-two size, at most half full
};

}  // namespace jitgate
