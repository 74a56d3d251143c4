// IdTable: interns string ids (UUIDs) to dense integers, with an open-addressing hash table tuned
// for the access check's hot path (one hash, usually one probe, one compare).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jitgate {

class IdTable {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  // Adds `id` if absent; returns its index (0, 1, 2, ... in insertion order).
  uint32_t Intern(std::string_view id);
  // The index of `id`, kMissing when absent. Thread-safe for concurrent readers.
  uint32_t Find(std::string_view id) const;
  // The id at `index`; the view is valid while the table lives.
  std::string_view At(uint32_t index) const { return ids_[index]; }
  size_t size() const { return ids_.size(); }
  void Reserve(size_t n);

  static uint64_t Hash(std::string_view s);

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = kMissing;
  };
  void Grow();
  std::vector<std::string> ids_;
  std::vector<Slot> slots_ = std::vector<Slot>(16);
};

}  // namespace jitgate
