#include "app/aligned_clock.h"

#include <optional>

namespace jitgate {
namespace {
constexpr int kSamples = 3;
// A measurement is trusted only when its round trip was short: its error is at most half of it.
constexpr Millis kMaxRoundTrip = 50;
}  // namespace

Status AlignedClock::Align(Store& store) {
  std::optional<Millis> best_offset;
  Millis best_rtt = kMaxRoundTrip + 1;
  Status last = Status::Ok();
  for (int i = 0; i < kSamples; ++i) {
    const Millis sent = host_.Now();
    Result<Millis> db = store.DatabaseTime();
    const Millis received = host_.Now();
    if (!db.ok()) {
      last = db.status();
      continue;
    }
    const Millis rtt = received - sent;
    if (rtt < best_rtt) {
      best_rtt = rtt;
      best_offset = *db - (sent + rtt / 2);
    }
  }
  if (!best_offset) {
    return last.ok() ? Status::Unavailable("the database clock answered too slowly to be trusted")
                     : last;
  }
  offset_.store(*best_offset, std::memory_order_relaxed);
  return Status::Ok();
}

}  // namespace jitgate
