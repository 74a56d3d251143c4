// AlignedClock reads the host clock plus the measured offset to the database's clock.
#include "app/aligned_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

namespace jitgate::testing {
namespace {

Millis WallNow() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

TEST(AlignedClockTest, AdoptsTheDatabaseClockWhateverTheHostSays) {
  const auto dir = std::filesystem::temp_directory_path() / ("jg_aligned_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto store = OpenStore("sqlite:" + (dir / "jitgate.db").string());
  ASSERT_TRUE(store.ok()) << store.status().message();

  // A host clock 5 days behind the database (SQLite's database clock is the real one).
  FakeClock host(WallNow() - 5 * kMillisPerDay);
  AlignedClock clock(host);
  EXPECT_EQ(clock.Now(), host.Now());  // offset 0 until aligned
  ASSERT_TRUE(clock.Align(**store).ok());
  EXPECT_NEAR(static_cast<double>(clock.Now()), static_cast<double>(WallNow()), 100.0);
  EXPECT_NEAR(static_cast<double>(clock.offset()), static_cast<double>(5 * kMillisPerDay), 100.0);

  // Between alignments the host clock moves the aligned one.
  const Millis before = clock.Now();
  host.Advance(1234);
  EXPECT_EQ(clock.Now(), before + 1234);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace jitgate::testing
