// The conformance fixture and the fixture builders.
#include "conformance.h"

#include <cstdio>

namespace jitgate::testing {

void StoreConformance::SetUp() {
  url_ = GetParam().create_database();
  auto opened = OpenStore(url_);
  ASSERT_OK(opened);
  store_ = std::move(opened).value();
}

void StoreConformance::TearDown() {
  store_.reset();
  if (!url_.empty()) GetParam().drop_database(url_);
}

void StoreConformance::Reopen() {
  store_.reset();
  auto opened = OpenStore(url_);
  ASSERT_OK(opened);
  store_ = std::move(opened).value();
}

void StoreConformance::Put(const User& u) { ASSERT_OK(WRITE(InsertUser(u))); }
void StoreConformance::Put(const AgentPool& p) { ASSERT_OK(WRITE(InsertPool(p))); }
void StoreConformance::Put(const Group& g) { ASSERT_OK(WRITE(InsertGroup(g))); }
void StoreConformance::Put(const Grant& g) { ASSERT_OK(WRITE(InsertGrant(g))); }
void StoreConformance::Put(const ApiKey& k) { ASSERT_OK(WRITE(InsertApiKey(k))); }
void StoreConformance::Put(const Session& s) { ASSERT_OK(WRITE(InsertSession(s))); }

std::string Id(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

User MakeUser(int n, const std::string& email, const std::string& name) {
  User u;
  u.id = Id(n);
  u.email = email;
  u.name = name.empty() ? "User " + std::to_string(n) : name;
  u.created_at = 1'700'000'000'000 + n;
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$salt" + std::to_string(n);
  return u;
}

AgentPool MakePool(int n, const std::string& name) {
  return AgentPool{Id(n), name, "pool " + name + " description", 1'700'000'000'000 + n};
}

Group MakeGroup(int n, const std::string& name, std::vector<std::string> members,
                std::vector<PoolAccess> access) {
  Group g;
  g.id = Id(n);
  g.name = name;
  g.member_ids = std::move(members);
  g.pool_access = std::move(access);
  g.created_at = 1'700'000'000'000 + n;
  return g;
}

Grant MakeGrant(int n, std::vector<std::string> users, std::vector<std::string> pools,
                Millis created_at, Millis expires_at, GrantStatus status) {
  Grant g;
  g.id = Id(n);
  g.name = "grant " + std::to_string(n);
  g.role = n % 2 ? Role::kPrivileged : Role::kStandard;
  g.user_ids = std::move(users);
  g.agent_pool_ids = std::move(pools);
  g.reason = "incident #" + std::to_string(n);
  g.status = status;
  g.created_at = created_at;
  g.created_by = Id(9000);
  g.expires_at = expires_at;
  if (status == GrantStatus::kRevoked) {
    g.revoked_at = created_at + 1;
    g.revoked_by = Id(9001);
  }
  return g;
}

ApiKey MakeKey(int n, const std::string& user_id, const std::string& prefix, Millis created_at) {
  ApiKey k;
  k.id = Id(n);
  k.label = "key " + std::to_string(n);
  k.prefix = prefix;
  k.user_id = user_id;
  k.created_at = created_at;
  k.key_hash = std::string(63, 'a') + std::to_string(n % 10);
  return k;
}

Session MakeSession(const std::string& token_hash, const std::string& user_id) {
  return Session{token_hash, "csrf-" + token_hash, user_id, 1000, 2000, 3000};
}

AuditEvent MakeEvent(const std::string& type, Millis at, std::optional<std::string> actor,
                     std::optional<std::string> target) {
  AuditEvent ev;
  ev.at = at;
  ev.actor_id = std::move(actor);
  ev.actor_type = ev.actor_id ? ActorType::kUser : ActorType::kSystem;
  ev.type = type;
  ev.target_id = std::move(target);
  ev.details_json = R"({"n":)" + std::to_string(at) + "}";
  return ev;
}

void ExpectSameUser(const User& want, const User& got) {
  EXPECT_EQ(want.id, got.id);
  EXPECT_EQ(want.email, got.email);
  EXPECT_EQ(want.name, got.name);
  EXPECT_EQ(want.role_manager, got.role_manager);
  EXPECT_EQ(want.disabled, got.disabled);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.password_hash, got.password_hash);
}

void ExpectSameGrant(const Grant& want, const Grant& got) {
  EXPECT_EQ(want.id, got.id);
  EXPECT_EQ(want.name, got.name);
  EXPECT_EQ(want.role, got.role);
  EXPECT_EQ(want.agent_pool_ids, got.agent_pool_ids);
  EXPECT_EQ(want.user_ids, got.user_ids);
  EXPECT_EQ(want.reason, got.reason);
  EXPECT_EQ(want.status, got.status);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.created_by, got.created_by);
  EXPECT_EQ(want.expires_at, got.expires_at);
  EXPECT_EQ(want.revoked_at, got.revoked_at);
  EXPECT_EQ(want.revoked_by, got.revoked_by);
}

void ExpectSameKey(const ApiKey& want, const ApiKey& got) {
  EXPECT_EQ(want.id, got.id);
  EXPECT_EQ(want.label, got.label);
  EXPECT_EQ(want.prefix, got.prefix);
  EXPECT_EQ(want.user_id, got.user_id);
  EXPECT_EQ(want.scopes, got.scopes);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.expires_at, got.expires_at);
  EXPECT_EQ(want.last_used_at, got.last_used_at);
  EXPECT_EQ(want.revoked_at, got.revoked_at);
  EXPECT_EQ(want.key_hash, got.key_hash);
}

}  // namespace jitgate::testing
