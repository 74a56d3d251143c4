#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace jitgate {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("jg_static_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "dist";
    WriteFile(root_ / "index.html", "<html>portal</html>");
    WriteFile(root_ / "assets" / "app-1a2b3c.js", "console.log(1)");
    WriteFile(root_ / "assets" / "app-1a2b3c.css", "body{}");
    WriteFile(root_ / "favicon.ico", "ico");
    WriteFile(root_ / "fonts" / "x.woff2", "w");
    WriteFile(base_ / "secret.txt", "TOP SECRET");
    fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
    fs::create_directory_symlink(base_, root_ / "up");
  }
  void TearDown() override { fs::remove_all(base_); }

  HttpResponse Get(const std::string& path, const std::string& method = "GET") {
    StaticFiles files({root_.string()});
    HttpRequest r;
    r.method = method;
    r.path = path;
    return files.Serve(r);
  }

  fs::path base_, root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypes) {
  auto r = Get("/assets/app-1a2b3c.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log(1)");
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get("/assets/app-1a2b3c.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/favicon.ico").content_type, "image/x-icon");
  EXPECT_EQ(Get("/fonts/x.woff2").content_type, "font/woff2");
}

TEST_F(StaticFilesTest, IndexIsNoCacheAndHasSecurityHeaders) {
  for (const char* path : {"/", "/index.html"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<html>portal</html>");
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
    auto csp = r.Header("Content-Security-Policy");
    ASSERT_TRUE(csp);
    EXPECT_NE(csp->find("default-src 'self'"), std::string_view::npos);
    EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string_view::npos);
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(r.Header("X-Frame-Options"), "DENY");
  }
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndex) {
  auto r = Get("/grants/123/edit");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<html>portal</html>");
  EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(Get("/fonts").body, "<html>portal</html>");  // a directory is not a file
}

TEST_F(StaticFilesTest, MissingAssetIs404NotIndex) {
  auto r = Get("/assets/app-old.js");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("\"NOT_FOUND\""), std::string::npos);
}

TEST_F(StaticFilesTest, ApiPathsAre404Json) {
  for (const char* path : {"/api/v1/nothing", "/api", "/api/"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  }
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  EXPECT_EQ(Get("/", "HEAD").status, 200);
  auto r = Get("/index.html", "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD");
}

TEST_F(StaticFilesTest, NothingEscapesTheRoot) {
  // The server hands Serve() percent-decoded paths: "%2e%2e" arrives as "..".
  for (const char* path :
       {"/../secret.txt", "/assets/../../secret.txt", "/./index.html", "/..", "/assets/..",
        "/..\\secret.txt", "/leak.txt", "/up/secret.txt", "//etc/passwd", "/up/dist/index.html"}) {
    auto r = Get(path);
    EXPECT_EQ(r.body.find("TOP SECRET"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
  }
  EXPECT_EQ(Get("/../secret.txt").status, 404);
  EXPECT_EQ(Get("/leak.txt").body, "<html>portal</html>");  // symlink out: not a file of ours
  std::string with_nul("/index.html\0.js", 15);
  EXPECT_EQ(Get(with_nul).status, 404);
}

TEST_F(StaticFilesTest, NotBuiltPage) {
  StaticFiles files({(base_ / "nope").string()});
  HttpRequest r;
  r.method = "GET";
  r.path = "/";
  auto res = files.Serve(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/html; charset=utf-8");
  EXPECT_NE(res.body.find("not built"), std::string::npos);
}

TEST(ContentTypeTest, Table) {
  EXPECT_EQ(StaticFiles::ContentTypeFor("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(StaticFiles::ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(StaticFiles::ContentTypeFor("a.PNG"), "image/png");
  EXPECT_EQ(StaticFiles::ContentTypeFor("a.js.map"), "application/json; charset=utf-8");
  EXPECT_EQ(StaticFiles::ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(StaticFiles::ContentTypeFor("m.json"), "application/json; charset=utf-8");
  EXPECT_EQ(StaticFiles::ContentTypeFor("noext"), "application/octet-stream");
  EXPECT_EQ(StaticFiles::ContentTypeFor("dir.v1/file"), "application/octet-stream");
}

}  // namespace
}  // namespace jitgate
