// A real App over a fresh SQLite file and a FakeClock, for use-case tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "app/app.h"
#include "app/bootstrap.h"

namespace jitgate::testing {

inline constexpr Millis kT0 = 1'795'000'000'000;  // 2026-11-18T...Z

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jg_app_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    auto s = OpenStore("sqlite:" + (dir_ / "jitgate.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
    AppConfig config;
    config.password_hash.mem_limit = 8 * 1024 * 1024;  // fast hashing in tests
    config.password_hash.ops_limit = 1;
    config.limits.max_active_grants = max_active_grants_;
    app_ = std::make_unique<App>(*store_, clock_, config);
    auto boot = Bootstrap(*app_, "admin@example.com");
    ASSERT_TRUE(boot.ok()) << boot.status().message();
    admin_.user_id = boot->admin.id;
    admin_.role_manager = true;
    admin_.actor_type = ActorType::kUser;
    admin_key_ = boot->api_key;
    ASSERT_TRUE(app_->Start().ok());
  }
  void TearDown() override {
    app_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string MakeUser(const std::string& email, bool manager = false) {
    NewUser u{email, "User " + email, std::nullopt, manager};
    auto r = app_->users.Create(admin_, u, std::nullopt);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->id : "";
  }
  std::string MakePool(const std::string& name) {
    auto r = app_->pools.Create(admin_, name, "", std::nullopt);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->id : "";
  }
  GrantRequest Request(const std::string& name, std::vector<std::string> pools, std::vector<std::string> users,
                       int64_t hours, const std::string& role = "STANDARD") {
    GrantRequest req;
    req.name = name;
    req.role = role;
    req.agent_pool_ids = std::move(pools);
    req.user_ids = std::move(users);
    req.expiration = Expiration{.hours = hours};
    return req;
  }

  int max_active_grants_ = 100;
  inline static int counter_ = 0;
  std::filesystem::path dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
  std::unique_ptr<App> app_;
  Principal admin_;
  std::string admin_key_;
};

}  // namespace jitgate::testing
