// Runs the client verbs in-process, as `jitgate` would, against a fake jitgate API on
// 127.0.0.1, checking what is sent (method, path, query, headers, body) and what is printed.
#include "cli/client_commands.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_http_server.h"

namespace jitgate {
namespace {

using nlohmann::json;
using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::RecordedRequest;

constexpr const char* kKey = "jg_secret_test_key_0123456789";
constexpr const char* kPoolGpu = "11111111-1111-1111-1111-111111111111";
constexpr const char* kPoolCpu = "22222222-2222-2222-2222-222222222222";
constexpr const char* kUserAlice = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
constexpr const char* kUserBob = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";
constexpr const char* kGrantId = "99999999-9999-9999-9999-999999999999";

FakeResponse Error(int status, const std::string& code, const std::string& message,
                   json details = json::array()) {
  return {status, json{{"message", message}, {"code", code}, {"details", details}}.dump()};
}

std::string QueryParam(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return "";
  const std::string query = "&" + target.substr(q + 1);
  const auto at = query.find("&" + name + "=");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 2;
  return query.substr(start, query.find('&', start) - start);
}

json Page(const json& all, const RecordedRequest& r) {
  const int offset =
      std::stoi(QueryParam(r.target, "offset").empty() ? "0" : QueryParam(r.target, "offset"));
  const int limit =
      std::stoi(QueryParam(r.target, "limit").empty() ? "10" : QueryParam(r.target, "limit"));
  json items = json::array();
  for (int i = offset; i < std::min<int>(all.size(), offset + limit); ++i) items.push_back(all[i]);
  return {{"items", items}, {"total", all.size()}, {"offset", offset}, {"limit", limit}};
}

json Grant(const std::string& id, const std::string& name) {
  return {{"id", id},
          {"name", name},
          {"role", "STANDARD"},
          {"agentPoolIds", {kPoolGpu}},
          {"userIds", {kUserAlice}},
          {"reason", ""},
          {"status", "ACTIVE"},
          {"createdAt", "2026-01-01T00:00:00.000Z"},
          {"createdBy", kUserBob},
          {"expiresAt", "2026-01-01T08:00:00.000Z"},
          {"revokedAt", nullptr},
          {"revokedBy", nullptr}};
}

// A small stand-in for the jitgate API: two pools, two users, `grant_count` grants.
class FakeApi {
 public:
  int grant_count = 3;
  bool chain_valid = true;

  FakeResponse Handle(const RecordedRequest& r) {
    if (r.headers.count("authorization") == 0 ||
        r.headers.at("authorization") != std::string("Bearer ") + kKey) {
      return Error(401, "UNAUTHORIZED", "401 Unauthorized");
    }
    const std::string path = r.path();
    if (r.method == "GET" && path == "/api/v1/agent-pool") {
      return {200, Page(Filter(Pools(), "name", QueryParam(r.target, "search")), r).dump()};
    }
    if (r.method == "GET" && path == "/api/v1/users") {
      return {200, Page(Filter(Users(), "email", QueryParam(r.target, "search")), r).dump()};
    }
    if (r.method == "POST" && path == "/api/v1/jit-access") return CreateGrant(r);
    if (r.method == "GET" && path == "/api/v1/jit-access") {
      json all = json::array();
      for (int i = 0; i < grant_count; ++i)
        all.push_back(Grant("g" + std::to_string(i), "grant-" + std::to_string(i)));
      return {200, Page(all, r).dump()};
    }
    if (r.method == "DELETE" && path == std::string("/api/v1/jit-access/") + kGrantId)
      return {204, ""};
    if (r.method == "DELETE" && path.rfind("/api/v1/jit-access/", 0) == 0) {
      return Error(409, "GRANT_NOT_ACTIVE", "the grant already ended");
    }
    if (r.method == "GET" && path == "/api/v1/access/check") {
      const bool allowed = QueryParam(r.target, "userId") == kUserAlice;
      return {200,
              json{{"allowed", allowed},
                   {"role", allowed ? json("STANDARD") : json(nullptr)},
                   {"sources", allowed ? json::array({{{"type", "JIT"},
                                                       {"id", kGrantId},
                                                       {"expiresAt", "2026-01-01T08:00:00.000Z"}}})
                                       : json::array()},
                   {"validUntil", allowed ? json("2026-01-01T08:00:00.000Z") : json(nullptr)}}
                  .dump()};
    }
    if (r.method == "GET" && path == "/api/v1/audit-events/verify") {
      return {
          200,
          chain_valid
              ? R"({"valid":true,"checked":7})"
              : R"({"valid":false,"checked":2,"firstBadSeq":3,"seq":3,"reason":"hash mismatch"})"};
    }
    if (r.method == "GET" && path == "/api/v1/audit-events") {
      json all = json::array();
      for (int i = 1; i <= 7; ++i) {
        all.push_back({{"seq", i},
                       {"at", "2026-01-01T00:00:0" + std::to_string(i) + ".000Z"},
                       {"actorId", kUserBob},
                       {"actorType", "USER"},
                       {"type", "pool.created"},
                       {"targetId", kPoolGpu},
                       {"details", json::object()},
                       {"hash", "h"}});
      }
      return {200, Page(all, r).dump()};
    }
    return Error(404, "NOT_FOUND", "no route");
  }

 private:
  static json Pools() {
    return json::parse(
        std::string(R"([{"id":")") + kPoolCpu + R"(","name":"cpu","description":"",)" +
        R"("createdAt":"2026-01-01T00:00:00.000Z"},{"id":")" + kPoolGpu +
        R"(","name":"gpu","description":"A100s","createdAt":"2026-01-01T00:00:00.000Z"},)" +
        R"({"id":"33333333-3333-3333-3333-333333333333","name":"gpu-old","description":"",)" +
        R"("createdAt":"2026-01-01T00:00:00.000Z"}])");
  }
  static json Users() {
    return json::array({{{"id", kUserAlice},
                         {"email", "alice@example.com"},
                         {"name", "Alice"},
                         {"roleManager", false},
                         {"disabled", false},
                         {"createdAt", "2026-01-01T00:00:00.000Z"}},
                        {{"id", kUserBob},
                         {"email", "bob@example.com"},
                         {"name", "Bob"},
                         {"roleManager", true},
                         {"disabled", false},
                         {"createdAt", "2026-01-01T00:00:00.000Z"}}});
  }
  // Case-insensitive substring match on `field`; `search` arrives percent-encoded ("%40" = '@').
  static json Filter(const json& all, const char* field, std::string search) {
    for (auto at = search.find("%40"); at != std::string::npos; at = search.find("%40"))
      search.replace(at, 3, "@");
    auto lower = [](std::string s) {
      for (char& c : s) c = static_cast<char>(std::tolower(c));
      return s;
    };
    json out = json::array();
    for (const auto& item : all) {
      if (lower(item[field].get<std::string>()).find(lower(search)) != std::string::npos)
        out.push_back(item);
    }
    return out;
  }
  FakeResponse CreateGrant(const RecordedRequest& r) {
    const json body = json::parse(r.body);
    if (body["expiration"].contains("hours") && body["expiration"]["hours"].get<int>() > 744) {
      return Error(400, "VALIDATION_FAILED", "request validation failed",
                   json::array({{{"field", "expiration"},
                                 {"message", "must be at most 744 hours from now"}}}));
    }
    json g = Grant(kGrantId, body["name"]);
    g["role"] = body["role"];
    g["agentPoolIds"] = body["agentPoolIds"];
    g["userIds"] = body["userIds"];
    g["reason"] = body.value("reason", "");
    return {201, g.dump()};
  }
};

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

// Parses `args` (after the program name) the way main.cc does and runs the verb.
CliRun RunCli(std::vector<std::string> args) {
  CLI::App app("jitgate", "jitgate");
  app.require_subcommand(1);
  CliRun run;
  std::ostringstream out, err;
  RegisterClientCommands(app, &run.exit_code, out, err);
  args.insert(args.begin(), "jitgate");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    run.exit_code = app.exit(e, out, err);
  }
  run.out = out.str();
  run.err = err.str();
  return run;
}

class ClientCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The flags under test must decide, not the developer's environment.
    unsetenv("JITGATE_SERVER");
    unsetenv("JITGATE_API_KEY");
    unsetenv("JITGATE_CA_FILE");
  }

  // Runs a verb with --server and --api-key pointing at the fake API.
  CliRun RunVerb(std::vector<std::string> args) {
    args.push_back("--server");
    args.push_back(server_.url());
    args.push_back("--api-key");
    args.push_back(kKey);
    CliRun run = RunCli(std::move(args));
    EXPECT_EQ(run.out.find(kKey), std::string::npos) << "the API key was printed";
    EXPECT_EQ(run.err.find(kKey), std::string::npos) << "the API key was printed";
    return run;
  }

  std::vector<RecordedRequest> Sent(const std::string& method) const {
    std::vector<RecordedRequest> out;
    for (const auto& r : server_.requests()) {
      if (r.method == method) out.push_back(r);
    }
    return out;
  }

  FakeApi api_;
  FakeHttpServer server_{[this](const RecordedRequest& r) { return api_.Handle(r); }};
};

TEST_F(ClientCommandsTest, GrantResolvesNamesAndEmailsAndPostsTheContractBody) {
  const CliRun run = RunVerb({"grant", "--name", "oncall", "--role", "privileged", "--pool", "gpu",
                              "--pool", std::string("cpu,") + kPoolGpu, "--user",
                              "ALICE@example.com", "--hours", "8", "--reason", "INC-1", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto posts = Sent("POST");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].target, "/api/v1/jit-access");
  EXPECT_EQ(posts[0].headers.at("authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(posts[0].headers.at("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(json::parse(posts[0].body), json({{"name", "oncall"},
                                              {"role", "PRIVILEGED"},
                                              {"agentPoolIds", {kPoolGpu, kPoolCpu, kPoolGpu}},
                                              {"userIds", {kUserAlice}},
                                              {"expiration", {{"hours", 8}}},
                                              {"reason", "INC-1"}}));
  // "gpu" matched exactly although "gpu-old" also contains it; the UUID was not looked up.
  const auto gets = Sent("GET");
  ASSERT_EQ(gets.size(), 3u);
  EXPECT_EQ(gets[0].target, "/api/v1/agent-pool?search=gpu&offset=0&limit=1000");
  EXPECT_EQ(gets[1].target, "/api/v1/agent-pool?search=cpu&offset=0&limit=1000");
  EXPECT_EQ(gets[2].target, "/api/v1/users?search=ALICE%40example.com&offset=0&limit=1000");
  const json printed = json::parse(run.out);
  EXPECT_EQ(printed["id"], kGrantId);
  EXPECT_EQ(printed["role"], "PRIVILEGED");
}

TEST_F(ClientCommandsTest, GrantPrintsATableWithNames) {
  const CliRun run = RunVerb({"grant", "--name", "oncall", "--role", "STANDARD", "--pool", kPoolGpu,
                              "--user", kUserAlice, "--days", "1", "--idempotency-key", "k-1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Sent("POST").at(0).headers.at("idempotency-key"), "k-1");
  EXPECT_NE(run.out.find(std::string("ID          ") + kGrantId + "\n"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("POOLS       gpu\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("USERS       alice@example.com\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("CREATED BY  bob@example.com\n"), std::string::npos) << run.out;
  EXPECT_EQ(run.err, "");
}

TEST_F(ClientCommandsTest, GrantWithUnknownNamesFailsNamingEachAndSendsNothing) {
  const CliRun run = RunVerb({"grant", "--name", "x", "--role", "STANDARD", "--pool", "nope",
                              "--user", "ghost@example.com", "--hours", "1"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Sent("POST").empty());
  EXPECT_EQ(run.err,
            "error: cannot resolve 2 names\n"
            "  pool: no agent pool named \"nope\"\n"
            "  user: no user with email \"ghost@example.com\"\n");
  EXPECT_EQ(run.out, "");
}

TEST_F(ClientCommandsTest, GrantNeedsExactlyOneExpiryBeforeAnythingIsSent) {
  const CliRun both = RunVerb({"grant", "--name", "x", "--role", "STANDARD", "--pool", kPoolGpu,
                               "--user", kUserAlice, "--days", "1", "--hours", "2"});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("give exactly one of --days, --hours or --at"), std::string::npos);
  const CliRun none = RunVerb(
      {"grant", "--name", "x", "--role", "STANDARD", "--pool", kPoolGpu, "--user", kUserAlice});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(ClientCommandsTest, ServerValidationErrorIsPrintedWithDetails) {
  const CliRun run = RunVerb({"grant", "--name", "x", "--role", "STANDARD", "--pool", kPoolGpu,
                              "--user", kUserAlice, "--hours", "745"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err,
            "error: request validation failed\n"
            "  expiration: must be at most 744 hours from now\n");
  EXPECT_EQ(run.out, "");
}

TEST_F(ClientCommandsTest, RevokeDeletesAndConfirms) {
  const CliRun run = RunVerb({"revoke", kGrantId});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, std::string("revoked ") + kGrantId + "\n");
  const auto deletes = Sent("DELETE");
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0].target, std::string("/api/v1/jit-access/") + kGrantId);
  EXPECT_EQ(deletes[0].body, "");
  EXPECT_EQ(deletes[0].headers.count("content-type"), 0u);

  const CliRun json_run = RunVerb({"revoke", kGrantId, "--json"});
  EXPECT_EQ(json::parse(json_run.out), json({{"id", kGrantId}, {"revoked", true}}));
}

TEST_F(ClientCommandsTest, RevokeOfAnEndedGrantShowsTheServersMessage) {
  const CliRun run = RunVerb({"revoke", "88888888-8888-8888-8888-888888888888"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, "error: the grant already ended\n");
}

TEST_F(ClientCommandsTest, RevokeWithoutIdIsAUsageError) {
  const CliRun run = RunVerb({"revoke"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(ClientCommandsTest, ListMergesPagesUpToTheDefaultLimit) {
  api_.grant_count = 1500;
  const CliRun run = RunVerb({"list", "--status", "ALL", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json printed = json::parse(run.out);
  EXPECT_EQ(printed.size(), 2u);  // exactly {"items", "total"}
  EXPECT_EQ(printed["items"].size(), 1000u);
  EXPECT_EQ(printed["total"], 1500);
  const auto gets = Sent("GET");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].target, "/api/v1/jit-access?status=all&offset=0&limit=1000");
}

TEST_F(ClientCommandsTest, ListFollowsPaginationPastOnePage) {
  api_.grant_count = 1500;
  const CliRun run = RunVerb({"list", "--limit", "1200", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json printed = json::parse(run.out);
  EXPECT_EQ(printed["items"].size(), 1200u);
  EXPECT_EQ(printed["items"][1199]["id"], "g1199");
  const auto gets = Sent("GET");
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(gets[0].target, "/api/v1/jit-access?status=active&offset=0&limit=1000");
  EXPECT_EQ(gets[1].target, "/api/v1/jit-access?status=active&offset=1000&limit=200");
}

TEST_F(ClientCommandsTest, ListFiltersByUserAndPoolGivenByEmailAndName) {
  const CliRun run = RunVerb({"list", "--user", "alice@example.com", "--pool", "gpu", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Sent("GET").back().target, std::string("/api/v1/jit-access?status=active&userId=") +
                                           kUserAlice + "&agentPoolId=" + kPoolGpu +
                                           "&offset=0&limit=1000");
}

TEST_F(ClientCommandsTest, ListPrintsATable) {
  const CliRun run = RunVerb({"list", "--limit", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "ID  NAME     ROLE      STATUS  POOLS  USERS              EXPIRES                   "
            "CREATED BY\n"
            "g0  grant-0  STANDARD  ACTIVE  gpu    alice@example.com  2026-01-01T08:00:00.000Z  "
            "bob@example.com\n"
            "g1  grant-1  STANDARD  ACTIVE  gpu    alice@example.com  2026-01-01T08:00:00.000Z  "
            "bob@example.com\n"
            "showing 2 of 3 (use --limit to see more)\n");
}

TEST_F(ClientCommandsTest, ListRejectsABadStatusOrLimitLocally) {
  EXPECT_EQ(RunVerb({"list", "--status", "pending"}).exit_code, 1);
  const CliRun run = RunVerb({"list", "--limit", "0"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, "error: request validation failed\n  --limit: must be a positive number\n");
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(ClientCommandsTest, CheckSendsTheQueryAndPrintsTheDecision) {
  const CliRun run =
      RunVerb({"check", "--user", kUserAlice, "--pool", kPoolGpu, "--permission", "use"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto gets = Sent("GET");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].target, std::string("/api/v1/access/check?userId=") + kUserAlice +
                                "&agentPoolId=" + kPoolGpu + "&permission=USE");
  EXPECT_EQ(run.out, std::string("ALLOWED      yes\n") + "ROLE         STANDARD\n" +
                         "SOURCES      JIT " + kGrantId + " (expires 2026-01-01T08:00:00.000Z)\n" +
                         "VALID UNTIL  2026-01-01T08:00:00.000Z\n");
}

TEST_F(ClientCommandsTest, CheckDeniedStillExitsZero) {
  const CliRun run = RunVerb({"check", "--user", "bob@example.com", "--pool", "gpu", "--permission",
                              "IGNORE_QUOTA", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json::parse(run.out)["allowed"], false);
  EXPECT_NE(Sent("GET").back().target.find(std::string("userId=") + kUserBob), std::string::npos);
}

TEST_F(ClientCommandsTest, CheckNeedsAValidPermission) {
  const CliRun run =
      RunVerb({"check", "--user", kUserAlice, "--pool", kPoolGpu, "--permission", "ADMIN"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--permission: must be USE or IGNORE_QUOTA"), std::string::npos);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(ClientCommandsTest, PoolsAndUsersWithSearch) {
  const CliRun pools = RunVerb({"pools", "--search", "gpu"});
  ASSERT_EQ(pools.exit_code, 0) << pools.err;
  EXPECT_EQ(
      pools.out,
      "ID                                    NAME     DESCRIPTION  CREATED\n"
      "11111111-1111-1111-1111-111111111111  gpu      A100s        2026-01-01T00:00:00.000Z\n"
      "33333333-3333-3333-3333-333333333333  gpu-old               2026-01-01T00:00:00.000Z\n");
  const CliRun users = RunVerb({"users", "--search", "bob@example.com", "--json"});
  ASSERT_EQ(users.exit_code, 0) << users.err;
  const json printed = json::parse(users.out);
  ASSERT_EQ(printed["items"].size(), 1u);
  EXPECT_EQ(printed["items"][0]["id"], kUserBob);
  EXPECT_EQ(printed["total"], 1);
  EXPECT_EQ(Sent("GET").back().target,
            "/api/v1/users?search=bob%40example.com&offset=0&limit=1000");
}

TEST_F(ClientCommandsTest, AuditShowsTheNewestEvents) {
  const CliRun run = RunVerb({"audit", "--type", "pool.created", "--limit", "2", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json printed = json::parse(run.out);
  ASSERT_EQ(printed["items"].size(), 2u);
  EXPECT_EQ(printed["items"][0]["seq"], 6);
  EXPECT_EQ(printed["items"][1]["seq"], 7);
  EXPECT_EQ(Sent("GET").back().target, "/api/v1/audit-events?type=pool.created&offset=5&limit=2");
}

TEST_F(ClientCommandsTest, AuditVerify) {
  const CliRun ok = RunVerb({"audit", "--verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "audit log valid: 7 events checked\n");
  api_.chain_valid = false;
  const CliRun broken = RunVerb({"audit", "--verify", "--json"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_EQ(json::parse(broken.out)["firstBadSeq"], 3);
  EXPECT_EQ(broken.err, "error: the audit log hash chain is broken\n");
}

TEST_F(ClientCommandsTest, WrongKeyShowsTheServers401Message) {
  const CliRun run = RunCli({"pools", "--server", server_.url(), "--api-key", "jg_wrong"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, "error: 401 Unauthorized\n");
  EXPECT_EQ(run.err.find("jg_wrong"), std::string::npos);
}

TEST_F(ClientCommandsTest, MissingKeyFailsWithoutSendingAnything) {
  const CliRun run = RunCli({"pools", "--server", server_.url()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("JITGATE_API_KEY"), std::string::npos);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(ClientCommandsTest, UnreachableServerExitsTwo) {
  uint16_t port;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const CliRun run = RunCli({"list", "--server", url, "--api-key", kKey});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.rfind("error: cannot reach jitgate at " + url, 0), 0u) << run.err;
  EXPECT_EQ(run.err.find(kKey), std::string::npos);
}

TEST_F(ClientCommandsTest, BadServerUrlIsAUsageError) {
  const CliRun run = RunCli({"pools", "--server", "127.0.0.1:8080", "--api-key", kKey});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("invalid server URL"), std::string::npos);
}

TEST_F(ClientCommandsTest, ConnectionOptionsMayComeBeforeTheVerb) {
  const CliRun run = RunCli({"--server", server_.url(), "--api-key", kKey, "--json", "pools"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json::parse(run.out)["total"], 3);
}

TEST_F(ClientCommandsTest, ServerAndKeyFromTheEnvironment) {
  setenv("JITGATE_SERVER", server_.url().c_str(), 1);
  setenv("JITGATE_API_KEY", kKey, 1);
  const CliRun run = RunCli({"users", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json::parse(run.out)["total"], 2);
  // A flag beats the environment.
  const CliRun flag = RunCli({"users", "--api-key", "jg_wrong"});
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_EQ(flag.err, "error: 401 Unauthorized\n");
}

}  // namespace
}  // namespace jitgate
