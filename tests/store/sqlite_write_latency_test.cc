// Measures one durable Write (a single insert, fsynced at commit) on this machine and prints the
// median and 99th percentile; fails only if durability is evidently off (impossibly fast) or the
// write path is pathologically slow.
#include <algorithm>
#include <chrono>

#include "conformance.h"
#include "sqlite_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace jitgate::testing {
namespace {

TEST(SqliteWriteLatency, MedianOfTwoHundredSingleInsertWrites) {
  TempDir dir;
  auto opened = SqliteStore::Open(dir.File("latency.db"));
  ASSERT_OK(opened);
  SqliteStore& store = *opened.value();
  constexpr int kWrites = 200;
  std::vector<double> micros;
  for (int i = 0; i < kWrites; ++i) {
    const User u = MakeUser(i + 1, "user" + std::to_string(i) + "@example.com");
    const auto start = std::chrono::steady_clock::now();
    ASSERT_OK(store.Write([&](WriteTx& tx) { return tx.InsertUser(u); }));
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(micros.begin(), micros.end());
  const double median = micros[kWrites / 2], p99 = micros[kWrites * 99 / 100];
  std::printf(
      "[ latency ] durable single-insert Write over %d writes: median %.0f us, p99 %.0f us\n",
      kWrites, median, p99);
  RecordProperty("median_us", static_cast<int>(median));
  RecordProperty("p99_us", static_cast<int>(p99));
  EXPECT_LT(median, 200'000.0);
}

}  // namespace
}  // namespace jitgate::testing
