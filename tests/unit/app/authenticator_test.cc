#include "app/api_key_service.h"
#include "app_fixture.h"

namespace jitgate::testing {
namespace {

TEST_F(AppTest, ApiKeyWorksUntilRevokedThenStopsAtOnce) {
  auto p = app_->auth.AuthenticateKey(admin_key_);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user_id, admin_.user_id);
  EXPECT_TRUE(p->role_manager);
  EXPECT_TRUE(app_->auth.AuthenticateKey(admin_key_).ok());  // from the cache
  ASSERT_TRUE(app_->api_keys.Revoke(admin_, p->api_key_id).ok());
  EXPECT_EQ(app_->auth.AuthenticateKey(admin_key_).status().code(), Code::kUnauthenticated);
}

TEST_F(AppTest, MalformedAndUnknownKeysAreUnauthenticated) {
  EXPECT_EQ(app_->auth.AuthenticateKey("").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(app_->auth.AuthenticateKey("jg_nope").status().code(), Code::kUnauthenticated);
  std::string prefix;
  const std::string other = GenerateApiKey(&prefix);
  EXPECT_TRUE(ParseApiKey(other, &prefix));
  EXPECT_EQ(app_->auth.AuthenticateKey(other).status().code(), Code::kUnauthenticated);
  std::string tampered = admin_key_;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(app_->auth.AuthenticateKey(tampered).status().code(), Code::kUnauthenticated);
}

TEST_F(AppTest, KeyExpiresAndScopesAreCarried) {
  NewApiKey in;
  in.label = "ci";
  in.expires_at = clock_.Now() + 1000;
  in.scopes = std::vector<std::string>{"jit:read"};
  auto k = app_->api_keys.Create(admin_, admin_.user_id, in, std::nullopt);
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_TRUE(k->key.key_hash.empty());
  auto p = app_->auth.AuthenticateKey(k->secret);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->HasScope("jit:read"));
  EXPECT_FALSE(p->HasScope("jit:write"));
  clock_.Advance(1000);
  EXPECT_EQ(app_->auth.AuthenticateKey(k->secret).status().code(), Code::kUnauthenticated);
}

TEST_F(AppTest, DisablingAUserStopsTheirKeysAndSessions) {
  const std::string u = MakeUser("kim@example.com");
  UserChange pw;
  pw.password = std::string("correct horse battery");
  ASSERT_TRUE(app_->users.Update(admin_, u, pw).ok());
  auto login = app_->sessions.Login("KIM@example.com", "correct horse battery", "127.0.0.1");
  ASSERT_TRUE(login.ok()) << login.status().message();
  Principal kim;
  kim.user_id = u;
  NewApiKey in;
  in.label = "mine";
  auto key = app_->api_keys.Create(kim, u, in, std::nullopt);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(app_->auth.AuthenticateSession(login->session_token).ok());
  ASSERT_TRUE(app_->auth.AuthenticateKey(key->secret).ok());
  UserChange off;
  off.disabled = true;
  ASSERT_TRUE(app_->users.Update(admin_, u, off).ok());
  EXPECT_EQ(app_->auth.AuthenticateSession(login->session_token).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(app_->auth.AuthenticateKey(key->secret).status().code(), Code::kUnauthenticated);
}

TEST_F(AppTest, RepeatedLoginFailuresAreRateLimited) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(app_->sessions.Login("admin@example.com", "wrong password!", "10.0.0.1").status().code(),
              Code::kUnauthenticated);
  }
  auto limited = app_->sessions.Login("admin@example.com", "wrong password!", "10.0.0.1");
  ASSERT_EQ(limited.status().code(), Code::kRateLimited);
  EXPECT_GT(limited.status().retry_after_seconds(), 0);
  // Unknown emails answer exactly like wrong passwords.
  EXPECT_EQ(app_->sessions.Login("nobody@example.com", "whatever12345", "10.0.0.2").status().code(),
            Code::kUnauthenticated);
}

TEST_F(AppTest, LogoutEndsTheSession) {
  UserChange pw;
  pw.password = std::string("a long admin password");
  ASSERT_TRUE(app_->users.Update(admin_, admin_.user_id, pw).ok());
  auto login = app_->sessions.Login("admin@example.com", "a long admin password", "127.0.0.1");
  ASSERT_TRUE(login.ok());
  auto p = app_->auth.AuthenticateSession(login->session_token);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(app_->sessions.Logout(*p, login->session_token).ok());
  EXPECT_EQ(app_->auth.AuthenticateSession(login->session_token).status().code(), Code::kUnauthenticated);
}

}  // namespace
}  // namespace jitgate::testing
