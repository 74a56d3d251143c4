#include "api/json_body.h"

#include <gtest/gtest.h>

#include <set>

#include "api/error_mapping.h"

namespace jitgate {
namespace {

TEST(ParseJsonObject, RejectsWhatIsNotAUtf8JsonObject) {
  EXPECT_TRUE(ParseJsonObject(R"({"a": 1})").ok());
  for (std::string bad : {std::string(""), std::string("{"), std::string("[1]"), std::string("\"x\""),
                          std::string("{\"a\": \"\xff\"}"), std::string(100000, '[')}) {
    EXPECT_EQ(ParseJsonObject(bad).status().code(), Code::kMalformedJson) << bad.substr(0, 20);
  }
}

TEST(BodyReader, NamesUnknownReadOnlyAndMistypedFields) {
  auto body = ParseJsonObject(R"({"name": 5, "status": "ACTIVE", "foo": 1, "ok": true, "ids": ["a", 2]})");
  ASSERT_TRUE(body.ok());
  BodyReader r(*body, {"name", "ok", "ids", "missing"}, {"status"});
  EXPECT_FALSE(r.String("name", true).has_value());
  EXPECT_EQ(r.Bool("ok", true), true);
  EXPECT_FALSE(r.StringArray("ids", true).has_value());
  EXPECT_FALSE(r.String("missing", true).has_value());
  Status st = r.Finish();
  ASSERT_EQ(st.code(), Code::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& d : st.details()) fields.insert(d.field);
  EXPECT_EQ(fields, (std::set<std::string>{"name", "status", "foo", "ids", "missing"}));
}

TEST(ErrorMapping, EveryCodeHasOneStatusAndName) {
  EXPECT_EQ(HttpStatusFor(Code::kGrantLimit), 409);
  EXPECT_EQ(ErrorCodeName(Code::kGrantLimit), "CONCURRENT_GRANT_LIMIT");
  EXPECT_EQ(HttpStatusFor(Code::kCsrfFailed), 403);
  EXPECT_EQ(ErrorCodeName(Code::kUnauthenticated), "UNAUTHORIZED");
  EXPECT_EQ(HttpStatusFor(Code::kUnavailable), 503);
  auto body = nlohmann::json::parse(ErrorBody(Status::Invalid("userIds", "bad")));
  EXPECT_EQ(body["code"], "VALIDATION_FAILED");
  EXPECT_EQ(body["details"][0]["field"], "userIds");
}

}  // namespace
}  // namespace jitgate
