// Clock: the one source of time. Production uses SystemClock; tests use FakeClock.
#pragma once

#include <atomic>
#include <cstdint>

namespace jitgate {

// Milliseconds since the Unix epoch, UTC. All instants in jitgate are Millis.
using Millis = int64_t;

constexpr Millis kMillisPerSecond = 1000;
constexpr Millis kMillisPerHour = 3600 * kMillisPerSecond;
constexpr Millis kMillisPerDay = 24 * kMillisPerHour;

// Thread-safe source of the current instant.
class Clock {
 public:
  virtual ~Clock() = default;
  // The current instant in milliseconds since the epoch.
  virtual Millis Now() const = 0;
};

// The real wall clock (CLOCK_REALTIME).
class SystemClock final : public Clock {
 public:
  Millis Now() const override;
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Millis start) : now_(start) {}
  Millis Now() const override { return now_.load(std::memory_order_acquire); }
  void Set(Millis t) { now_.store(t, std::memory_order_release); }
  void Advance(Millis d) { now_.fetch_add(d, std::memory_order_acq_rel); }

 private:
  std::atomic<Millis> now_;
};

}  // namespace jitgate
