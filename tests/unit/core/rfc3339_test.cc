#include "core/rfc3339.h"

#include <gtest/gtest.h>

namespace jitgate {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1795514400123), "2026-11-24T10:00:00.123Z");
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00.123Z"), 1795514400123);
  EXPECT_EQ(ParseRfc3339("2026-11-24T12:00:00.123+02:00"), 1795514400123);
  EXPECT_EQ(ParseRfc3339("2026-11-24t05:30:00.123456789-04:30"), 1795514400123);
  EXPECT_EQ(ParseRfc3339("2026-11-24T10:00:00Z"), 1795514400000);
  EXPECT_EQ(ParseRfc3339("2024-02-29T00:00:00Z"), 1709164800000);
}

TEST(Rfc3339, RoundTrips) {
  for (Millis t :
       {Millis{0}, Millis{951782400000}, Millis{1795514400123}, Millis{253402300799999}}) {
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)), t) << t;
  }
}

TEST(Rfc3339, RejectsMalformedAndOutOfRange) {
  for (const char* s :
       {"", "2026-11-24", "2026-11-24T10:00:00", "2026-11-24 10:00:00Z", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-24T24:00:00Z",
        "2026-11-24T10:60:00Z", "2026-11-24T10:00:61Z", "2026-11-24T10:00:00.Z",
        "2026-11-24T10:00:00.1234567891Z", "2026-11-24T10:00:00Zjunk", "2026-11-24T10:00:00+0200",
        "1969-12-31T23:59:59Z", "+2026-11-24T10:00:00Z", "２０２６-11-24T10:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(s).has_value()) << s;
  }
}

}  // namespace
}  // namespace jitgate
