#include "core/rfc3339.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace jitgate {
namespace {

constexpr Millis kMax = 253402300799999;  // 9999-12-31T23:59:59.999Z

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(FormatRfc3339(1795514400123), "2026-11-24T10:00:00.123Z");
  EXPECT_EQ(FormatRfc3339(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1709251199999), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(kMax), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");  // total, even if never stored
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00.123Z"), 1795514400123);
  EXPECT_EQ(ParseRfc3339("2026-11-24T12:00:00.123+02:00"), 1795514400123);
  EXPECT_EQ(ParseRfc3339("2026-11-24t05:30:00.123456789-04:30"), 1795514400123);
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00.123z"), 1795514400123);
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00-00:00"), 1795514400000);
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00Z"), 1795514400000);
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00.5Z"), 1795514400500);
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00.05Z"), 1795514400050);
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00.9999Z"), 1795514400999);  // truncated, not rounded
  EXPECT_EQ(ParseRfc3339("2026-11-25T09:59:00+23:59"), 1795514400000);
  EXPECT_EQ(ParseRfc3339("2026-11-24T00:00:00-23:59"), ParseRfc3339("2026-11-24T23:59:00Z"));
}

TEST(Rfc3339, OffsetsCrossDayMonthAndYearBoundaries) {
  EXPECT_EQ(ParseRfc3339("2027-01-01T01:00:00+02:00"), ParseRfc3339("2026-12-31T23:00:00Z"));
  EXPECT_EQ(ParseRfc3339("2024-02-28T22:00:00-03:00"), ParseRfc3339("2024-02-29T01:00:00Z"));
  EXPECT_EQ(ParseRfc3339("1970-01-01T01:00:00+01:00"), 0);
}

TEST(Rfc3339, LeapYears) {
  EXPECT_EQ(ParseRfc3339("2000-02-29T00:00:00Z"), 951782400000);
  EXPECT_EQ(ParseRfc3339("2024-02-29T00:00:00Z"), 1709164800000);
  EXPECT_TRUE(ParseRfc3339("2400-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2100-02-29T00:00:00Z").has_value());  // divisible by 100, not 400
  EXPECT_FALSE(ParseRfc3339("2026-02-29T00:00:00Z").has_value());
  EXPECT_EQ(*ParseRfc3339("2025-03-01T00:00:00Z") - *ParseRfc3339("2025-02-28T00:00:00Z"),
            kMillisPerDay);
  EXPECT_EQ(*ParseRfc3339("2024-03-01T00:00:00Z") - *ParseRfc3339("2024-02-28T00:00:00Z"),
            2 * kMillisPerDay);
}

// Every day from 1970 to 2200 against a plain day count: the calendar arithmetic is right.
TEST(Rfc3339, EveryDayMatchesANaiveCalendar) {
  auto leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  Millis day = 0;
  for (int y = 1970; y < 2200; ++y) {
    for (int m = 1; m <= 12; ++m) {
      const int n = month_days[m - 1] + (m == 2 && leap(y));
      for (int d = 1; d <= n; ++d, ++day) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT00:00:00.000Z", y, m, d);
        ASSERT_EQ(ParseRfc3339(buf), day * kMillisPerDay) << buf;
        ASSERT_EQ(FormatRfc3339(day * kMillisPerDay), buf);
      }
      char past_end[40];
      std::snprintf(past_end, sizeof past_end, "%04d-%02d-%02dT00:00:00Z", y, m, n + 1);
      ASSERT_FALSE(ParseRfc3339(past_end).has_value()) << past_end;
    }
  }
}

TEST(Rfc3339, RoundTrips) {
  for (Millis t : {Millis{0}, Millis{951782400000}, Millis{1795514400123}, kMax}) {
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)), t) << t;
  }
  std::mt19937_64 rng(99);
  for (int i = 0; i < 100000; ++i) {
    const Millis t = static_cast<Millis>(rng() % static_cast<uint64_t>(kMax + 1));
    ASSERT_EQ(ParseRfc3339(FormatRfc3339(t)), t) << t;
  }
}

TEST(Rfc3339, RejectsMalformedAndOutOfRange) {
  for (const char* s : {"",
                        "2026-11-24",
                        "2026-11-24T10:00:00",
                        "2026-11-24 10:00:00Z",
                        "2026-13-01T00:00:00Z",
                        "2026-00-01T00:00:00Z",
                        "2026-01-00T00:00:00Z",
                        "2026-02-29T00:00:00Z",
                        "2026-11-31T00:00:00Z",
                        "2026-11-24T24:00:00Z",
                        "2026-11-24T10:60:00Z",
                        "2026-11-24T10:00:60Z",
                        "2026-11-24T10:00:61Z",
                        "2026-11-24T10:00:00.Z",
                        "2026-11-24T10:00:00.1234567891Z",
                        "2026-11-24T10:00:00Zjunk",
                        "2026-11-24T10:00:00Z ",
                        " 2026-11-24T10:00:00Z",
                        "2026-11-24T10:00:00+0200",
                        "2026-11-24T10:00:00+02",
                        "2026-11-24T10:00:00+24:00",
                        "2026-11-24T10:00:00+02:60",
                        "2026-11-24T10:00:00UTC",
                        "1969-12-31T23:59:59Z",
                        "1970-01-01T00:30:00+01:00",
                        "+2026-11-24T10:00:00Z",
                        "20261-11-24T10:00:00Z",
                        "2026-1-24T10:00:00Z",
                        "2026-11-24T1:00:00Z",
                        "2026/11/24T10:00:00Z",
                        "2026-11-24T10:00:00,5Z",
                        "2026-11-24T10:00:00.-5Z",
                        "２０２６-11-24T10:00:00Z",
                        "tomorrow",
                        "0000-01-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(s).has_value()) << s;
  }
  EXPECT_FALSE(ParseRfc3339(std::string_view("2026-11-24T10:00:00Z\0", 21)).has_value());
  EXPECT_FALSE(
      ParseRfc3339(std::string_view("2026-11-24T10:00:00Z", 19)).has_value());  // cut short
}

}  // namespace
}  // namespace jitgate
