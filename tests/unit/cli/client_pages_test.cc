#include "cli/client_pages.h"

#include <gtest/gtest.h>

#include "cli/client_resolve.h"
#include "fake_http_server.h"

namespace jitgate {
namespace {

using nlohmann::json;
using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::RecordedRequest;

// Reads "name=value" from a query string ("" when absent).
std::string QueryParam(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return "";
  std::string query = "&" + target.substr(q + 1);
  const auto at = query.find("&" + name + "=");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 2;
  return query.substr(start, query.find('&', start) - start);
}

// Serves a list of `total` items {"id": "i<N>"} with the API's offset/limit paging.
FakeResponse ServeList(const RecordedRequest& r, int total) {
  const int offset = std::stoi(QueryParam(r.target, "offset"));
  const int limit = std::stoi(QueryParam(r.target, "limit"));
  json items = json::array();
  for (int i = offset; i < std::min(total, offset + limit); ++i) {
    items.push_back({{"id", "i" + std::to_string(i)}});
  }
  return {200,
          json{{"items", items}, {"total", total}, {"offset", offset}, {"limit", limit}}.dump()};
}

ApiClient ClientFor(const FakeHttpServer& server) {
  return ApiClient(ClientConfig{server.url(), "jg_test", {}});
}

TEST(MergePageTest, ConcatenatesItemsAndKeepsTheServersTotal) {
  json merged;
  EXPECT_EQ(
      MergePage(merged,
                json::parse(R"({"items":[{"id":"a"},{"id":"b"}],"total":5,"offset":0,"limit":2})")),
      2u);
  EXPECT_EQ(
      MergePage(merged, json::parse(R"({"items":[{"id":"c"}],"total":5,"offset":2,"limit":1})")),
      1u);
  EXPECT_EQ(merged, json::parse(R"({"items":[{"id":"a"},{"id":"b"},{"id":"c"}],"total":5})"));
}

TEST(MergePageTest, SkipsItemsAlreadyMergedByIdOrSeq) {
  json merged;
  MergePage(merged, json::parse(R"({"items":[{"id":"a"},{"seq":1}],"total":3})"));
  EXPECT_EQ(
      MergePage(merged, json::parse(R"({"items":[{"id":"a"},{"seq":1},{"seq":2}],"total":3})")),
      1u);
  EXPECT_EQ(merged["items"], json::parse(R"([{"id":"a"},{"seq":1},{"seq":2}])"));
}

TEST(MergePageTest, InvalidPageAppendsNothing) {
  json merged;
  EXPECT_EQ(MergePage(merged, json::parse(R"({"message":"x"})")), 0u);
  EXPECT_EQ(MergePage(merged, json::parse("[1,2]")), 0u);
  EXPECT_EQ(merged, json::parse(R"({"items":[],"total":0})"));
}

TEST(FetchPagesTest, FollowsPagesToTheEnd) {
  FakeHttpServer server([](const RecordedRequest& r) { return ServeList(r, 2500); });
  ApiClient client = ClientFor(server);
  auto merged = FetchPages(client, "/api/v1/agent-pool?search=x", 5000);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_EQ((*merged)["items"].size(), 2500u);
  EXPECT_EQ((*merged)["total"], 2500);
  EXPECT_EQ((*merged)["items"][2499]["id"], "i2499");
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].target, "/api/v1/agent-pool?search=x&offset=0&limit=1000");
  EXPECT_EQ(reqs[1].target, "/api/v1/agent-pool?search=x&offset=1000&limit=1000");
  EXPECT_EQ(reqs[2].target, "/api/v1/agent-pool?search=x&offset=2000&limit=1000");
}

TEST(FetchPagesTest, StopsAtTheLimit) {
  FakeHttpServer server([](const RecordedRequest& r) { return ServeList(r, 2500); });
  ApiClient client = ClientFor(server);
  auto merged = FetchPages(client, "/api/v1/users", 1200);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)["items"].size(), 1200u);
  EXPECT_EQ((*merged)["total"], 2500);
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].target, "/api/v1/users?offset=1000&limit=200");
}

TEST(FetchPagesTest, EmptyList) {
  FakeHttpServer server([](const RecordedRequest& r) { return ServeList(r, 0); });
  ApiClient client = ClientFor(server);
  auto merged = FetchPages(client, "/api/v1/users", 1000);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(*merged, json::parse(R"({"items":[],"total":0})"));
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(FetchPagesTest, AFailingPageFailsTheWhole) {
  FakeHttpServer server([](const RecordedRequest& r) {
    if (QueryParam(r.target, "offset") != "0") {
      return FakeResponse{503, R"({"message":"store down","code":"UNAVAILABLE","details":[]})"};
    }
    return ServeList(r, 1500);
  });
  ApiClient client = ClientFor(server);
  auto merged = FetchPages(client, "/api/v1/users", 2000);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), Code::kUnavailable);
  EXPECT_EQ(merged.status().message(), "store down");
  EXPECT_FALSE(client.unreachable());  // the server answered
}

TEST(FetchLastTest, FetchesTheNewestOldestFirst) {
  FakeHttpServer server([](const RecordedRequest& r) { return ServeList(r, 250); });
  ApiClient client = ClientFor(server);
  auto merged = FetchLast(client, "/api/v1/audit-events?type=jit.granted", 100);
  ASSERT_TRUE(merged.ok());
  ASSERT_EQ((*merged)["items"].size(), 100u);
  EXPECT_EQ((*merged)["items"][0]["id"], "i150");
  EXPECT_EQ((*merged)["items"][99]["id"], "i249");
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/api/v1/audit-events?type=jit.granted&offset=0&limit=1");
  EXPECT_EQ(reqs[1].target, "/api/v1/audit-events?type=jit.granted&offset=150&limit=100");
}

TEST(FetchLastTest, FewerThanAskedReturnsAll) {
  FakeHttpServer server([](const RecordedRequest& r) { return ServeList(r, 3); });
  ApiClient client = ClientFor(server);
  auto merged = FetchLast(client, "/api/v1/audit-events", 100);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)["items"].size(), 3u);
}

TEST(SplitListTest, RepeatedAndCommaSeparated) {
  EXPECT_EQ(SplitList({"a,b", " c ", ",,d,"}), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(SplitList({"", " , "}).empty());
}

}  // namespace
}  // namespace jitgate
