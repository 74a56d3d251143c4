// Regressions found by fuzz/expiration_fuzzer (inputs kept in fuzz/corpus/expiration_fuzzer/regress-*).
#include <gtest/gtest.h>

#include "core/rfc3339.h"

namespace jitgate {
namespace {

// A local time in year 9999 with a negative offset is an instant in year 10000 (UTC): it used to
// be accepted, and FormatRfc3339 then wrote "10000-01-01T..." which no RFC 3339 reader (this one
// included) accepts back.
TEST(Rfc3339FuzzRegression, InstantPastYear9999InUtcIsRejected) {
  EXPECT_EQ(ParseRfc3339("9999-12-31T23:59:59.999-23:59"), std::nullopt);
  EXPECT_EQ(ParseRfc3339("9999-12-31T23:00:00-01:00"), std::nullopt);
  EXPECT_EQ(ParseRfc3339("9999-12-31T23:59:59.999+00:01"), std::optional<Millis>(253402300739999));
  auto last = ParseRfc3339("9999-12-31T23:59:59.999Z");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(FormatRfc3339(*last), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(ParseRfc3339(FormatRfc3339(*last)), last);
}

}  // namespace
}  // namespace jitgate
