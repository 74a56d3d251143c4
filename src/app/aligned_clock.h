// AlignedClock: a clock that reads the host's clock plus a measured offset to the database
// server's clock. Replicas sharing one database use it so that every replica (and the expiry it
// records) decides by the same clock: host clock skew between replicas does not change when access
// ends. The offset is measured from the middle of a round trip, so it is off by at most half the
// round-trip time (sub-millisecond on a LAN); between measurements the host clock's drift applies.
#pragma once

#include <atomic>

#include "core/clock.h"
#include "store/store.h"

namespace jitgate {

class AlignedClock final : public Clock {
 public:
  // `host` must outlive this clock. Until the first Align() the offset is 0.
  explicit AlignedClock(const Clock& host) : host_(host) {}

  // The host's clock plus the last measured offset. Thread-safe, lock-free.
  Millis Now() const override { return host_.Now() + offset_.load(std::memory_order_relaxed); }

  // Measures the offset to store.DatabaseTime() (best of a few round trips) and adopts it.
  // Keeps the previous offset and returns kUnavailable when the database cannot be reached or
  // every round trip took too long to be trusted.
  Status Align(Store& store);

  // The offset in use (database minus host), for logs and tests. Thread-safe.
  Millis offset() const { return offset_.load(std::memory_order_relaxed); }

 private:
  const Clock& host_;
  std::atomic<Millis> offset_{0};
};

}  // namespace jitgate
