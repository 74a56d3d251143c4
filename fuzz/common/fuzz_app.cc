#include "common/fuzz_app.h"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/routes.h"
#include "app/bootstrap.h"
#include "app/random.h"
#include "common/invariants.h"
#include "core/rfc3339.h"
#include "store/sqlite/sqlite_store.h"

namespace jitgate::fuzz {
namespace {

constexpr Millis kStart = 1795514400000;  // 2026-11-24T10:00:00.000Z: fixed, so runs reproduce
constexpr uint64_t kRefreshEvery = 256;   // inputs between clock jumps / fixture repairs
constexpr const char* kPassword = "fuzz-password-0123456789";
constexpr const char* kAddress = "192.0.2.1";  // login address of the fixture (not the fuzzer's)

[[noreturn]] void Die(const std::string& what, const Status& st) {
  std::cerr << "fuzz fixture: " << what << ": " << st.message() << "\n";
  std::abort();
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

std::string& TempDir() {
  static std::string dir;
  return dir;
}

void RemoveTempDir() {
  std::error_code ec;
  if (!TempDir().empty()) std::filesystem::remove_all(TempDir(), ec);
}

void ReplaceAll(std::string* s, std::string_view from, const std::string& to) {
  for (size_t pos = s->find(from); pos != std::string::npos; pos = s->find(from, pos + to.size()))
    s->replace(pos, from.size(), to);
}

}  // namespace

FuzzApp& FuzzApp::Get() {
  static FuzzApp* app = new FuzzApp();  // never destroyed: threads of the App may still run at exit
  return *app;
}

FuzzApp::FuzzApp() : clock_(kStart) {
  spdlog::set_level(spdlog::level::err);  // a handler's internal error is still printed
  SetUpFiles();
  auto store = SqliteStore::Open(dir_ + "/jitgate.db");
  if (!store.ok()) Die("opening the store", store.status());
  store_ = std::move(store).value();
  AppConfig config;
  config.password_hash.ops_limit = 1;  // libsodium's minimum: logins must not dominate the run
  config.password_hash.mem_limit = 8192;
  app_ = std::make_unique<App>(*store_, clock_, config);
  if (Status st = app_->Start(); !st.ok()) Die("starting the app", st);
  if (Status st = RegisterApiRoutes(router_, *app_); !st.ok()) Die("routes", st);
  portal_ = std::make_unique<StaticFiles>(StaticFiles::Options{.root = dir_ + "/web"});
  router_.SetFallback(portal_->AsHandler(), RouteOptions{.blocking = true});
  EnsureFixture();
}

void FuzzApp::SetUpFiles() {
  InitCrypto();
  const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
  std::string templ = std::string(base) + "/jitgate-fuzz-XXXXXX";
  if (!mkdtemp(templ.data())) Die("mkdtemp", Status(Code::kInternal, "cannot create " + templ));
  dir_ = TempDir() = templ;
  std::atexit(RemoveTempDir);
  std::filesystem::create_directories(dir_ + "/web/assets");
  std::ofstream(dir_ + "/web/index.html") << "<!doctype html><title>jitgate</title>";
  std::ofstream(dir_ + "/web/assets/app.js") << "console.log(1)";
  // A file outside the portal's root: its content must never be served.
  // Random per process, like the keys: a constant one would be learned once and kept in corpora.
  const std::string marker = "outside-the-portal-root-" + RandomBase62(24);
  std::ofstream(dir_ + "/secret.txt") << marker;
  secrets_.push_back(marker);
  std::error_code ec;  // and a symlink inside the root that leads to it
  std::filesystem::create_symlink(dir_ + "/secret.txt", dir_ + "/web/escape.txt", ec);
}

std::string FuzzApp::NewAdmin() {
  const Principal system = Principal::System();
  const std::string email = "admin" + std::to_string(generation_++) + "@fuzz.local";
  User admin = Must(app_->users.Create(system, {email, "Fuzz Admin", kPassword, true}, std::nullopt), "admin");
  admin_id_ = admin.id;
  admin_key_ = Must(app_->api_keys.Create(system, admin.id, {"full", std::nullopt, std::nullopt}, std::nullopt),
                    "admin key").secret;
  NewApiKey scoped{"scoped", std::nullopt, std::vector<std::string>{"jit:read", "access:check"}};
  scoped_key_ = Must(app_->api_keys.Create(system, admin.id, scoped, std::nullopt), "scoped key").secret;
  IssuedApiKey revoked = Must(app_->api_keys.Create(system, admin.id, {"old", {}, {}}, std::nullopt), "key");
  if (Status st = app_->api_keys.Revoke(system, revoked.key.id); !st.ok()) Die("revoking a key", st);
  revoked_key_ = revoked.secret;
  for (const auto& s : {admin_key_, scoped_key_, revoked_key_}) secrets_.push_back(s);
  auto login = Must(app_->sessions.Login(email, kPassword, kAddress), "login");
  session_token_ = login.session_token;
  csrf_token_ = login.csrf_token;
  return email;
}

std::string FuzzApp::NewUser() {
  const Principal system = Principal::System();
  const std::string email = "user" + std::to_string(generation_++) + "@fuzz.local";
  User user = Must(app_->users.Create(system, {email, "Fuzz User", kPassword, false}, std::nullopt), "user");
  user_id_ = user.id;
  IssuedApiKey key = Must(app_->api_keys.Create(system, user.id, {"user", {}, {}}, std::nullopt), "user key");
  user_key_ = key.secret;
  user_key_id_ = key.key.id;
  secrets_.push_back(user_key_);
  return email;
}

// Puts back what inputs may have changed: each object is checked and recreated when gone.
void FuzzApp::EnsureFixture() {
  auto admin = app_->auth.AuthenticateKey(admin_key_);
  if (admin_key_.empty() || !admin.ok() || !admin->role_manager) {
    NewAdmin();
  } else if (!app_->auth.AuthenticateSession(session_token_).ok()) {
    auto user = Must(app_->users.Get(admin_id_), "admin");
    if (auto login = app_->sessions.Login(user.email, kPassword, kAddress); login.ok()) {
      session_token_ = login->session_token;
      csrf_token_ = login->csrf_token;
    }
  }
  const Principal actor = Must(app_->auth.AuthenticateKey(admin_key_), "admin key");
  auto user = app_->auth.AuthenticateKey(user_key_);
  if (user_key_.empty() || !user.ok() || user->role_manager) NewUser();
  if (pool_id_.empty() || !app_->pools.Get(pool_id_).ok()) {
    pool_id_ = Must(app_->pools.Create(actor, "pool-" + std::to_string(generation_++), "fuzz", std::nullopt),
                    "pool").id;
  }
  if (group_id_.empty() || !app_->groups.Get(group_id_).ok()) {
    GroupInput g{"group-" + std::to_string(generation_++), std::vector<std::string>{user_id_},
                 std::vector<std::pair<std::string, std::string>>{{pool_id_, "STANDARD"}}};
    group_id_ = Must(app_->groups.Create(actor, g, std::nullopt), "group").id;
  }
  auto grant = grant_id_.empty() ? Result<Grant>(Status::NotFound("grant")) : app_->grants.Get(grant_id_);
  if (!grant.ok() || grant->status != GrantStatus::kActive || grant->expires_at <= clock_.Now()) {
    GrantRequest req;
    req.name = "fuzz-grant";
    req.role = "PRIVILEGED";
    req.agent_pool_ids = std::vector<std::string>{pool_id_};
    req.user_ids = std::vector<std::string>{user_id_};
    req.expiration = Expiration{.hours = 8};
    auto created = app_->grants.Create(actor, req, std::nullopt);
    if (created.ok()) grant_id_ = created->id;  // may hit the active-grant limit until the next jump
  }
}

const std::vector<std::string>& FuzzApp::SecretsFor(std::string_view client_bytes) {
  static const std::vector<std::string> kNone;
  for (const auto& s : secrets_) {
    if (!secrets_sent_ && Contains(client_bytes, s)) {
      secrets_sent_ = true;
      std::fprintf(stderr, "fuzz fixture: the input holds a secret; no longer checking for secrets\n");
    }
  }
  return secrets_sent_ ? kNone : secrets_;
}

void FuzzApp::NextInput() {
  if (++inputs_ % kRefreshEvery != 0) return;
  clock_.Advance(32 * kMillisPerDay);  // past every grant's expiry: the active-grant limit frees up
  EnsureFixture();
}

void FuzzApp::Substitute(std::string* s) const {
  if (s->find('@') == std::string::npos) return;
  ReplaceAll(s, "@user@", user_id_);
  ReplaceAll(s, "@admin@", admin_id_);
  ReplaceAll(s, "@pool@", pool_id_);
  ReplaceAll(s, "@group@", group_id_);
  ReplaceAll(s, "@grant@", grant_id_);
  ReplaceAll(s, "@key@", user_key_id_);
  ReplaceAll(s, "@at@", FormatRfc3339(clock_.Now() + kMillisPerHour));
}

void FuzzApp::AddCredential(Credential c, HttpRequest* req) const {
  auto bearer = [&](const std::string& key) { req->headers.emplace_back("Authorization", "Bearer " + key); };
  switch (c) {
    case Credential::kAdminKey: bearer(admin_key_); break;
    case Credential::kScopedKey: bearer(scoped_key_); break;
    case Credential::kUserKey: bearer(user_key_); break;
    case Credential::kBogusKey: bearer("jg_0000000000000000000000000000000000000000000_abcd"); break;
    case Credential::kRevokedKey: bearer(revoked_key_); break;
    case Credential::kSession:
      req->headers.emplace_back("Cookie", "theme=dark; jitgate_session=" + session_token_);
      req->headers.emplace_back("X-CSRF-Token", csrf_token_);
      break;
    case Credential::kSessionNoCsrf:
      req->headers.emplace_back("Cookie", "jitgate_session=" + session_token_);
      break;
    case Credential::kNone:
    case Credential::kCount:
      break;
  }
}

std::optional<Principal> FuzzApp::PrincipalFor(Credential c) {
  const std::string* key = c == Credential::kAdminKey    ? &admin_key_
                           : c == Credential::kScopedKey ? &scoped_key_
                           : c == Credential::kUserKey   ? &user_key_
                                                         : nullptr;
  if (!key) return std::nullopt;
  auto p = app_->auth.AuthenticateKey(*key);
  if (!p.ok()) return std::nullopt;
  return std::move(p).value();
}

}  // namespace jitgate::fuzz
