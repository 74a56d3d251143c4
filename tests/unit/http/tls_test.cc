// HTTPS: the server with a self-signed certificate made on the fly, and an Asio TLS client.
// clang-format off
#include <utility>  // before Asio's awaitable header (Boost 1.74)
// clang-format on
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <filesystem>

#include "http/server.h"

namespace jitgate {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

// Writes a fresh self-signed RSA certificate and key for CN=localhost as PEM files.
bool MakeSelfSigned(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* x = X509_new();
  if (!key || !x) return false;
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  bool ok = X509_sign(x, key, EVP_sha256()) > 0;
  FILE* f = std::fopen(cert_path.c_str(), "w");
  ok = ok && f && PEM_write_X509(f, x);
  if (f) std::fclose(f);
  f = std::fopen(key_path.c_str(), "w");
  ok = ok && f && PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  if (f) std::fclose(f);
  X509_free(x);
  EVP_PKEY_free(key);
  return ok;
}

TEST(TlsServerTest, ServesHttpsAndMarksRequestsTls) {
  fs::path dir = fs::temp_directory_path() / ("jg_tls_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  ASSERT_TRUE(MakeSelfSigned(cert, key));

  Router router;
  ASSERT_TRUE(router
                  .Add("GET", "/tls",
                       [](const HttpRequest& r, const PathParams&) {
                         return HttpResponse::Text(200, r.tls ? "tls" : "plain");
                       })
                  .ok());
  HttpServer::Options opt;
  opt.port = 0;
  opt.io_threads = 1;
  opt.tls_cert_file = cert;
  opt.tls_key_file = key;
  HttpServer server(opt, router);
  Status st = server.Start();
  ASSERT_TRUE(st.ok()) << st.message();

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert);
  asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.set_verify_mode(asio::ssl::verify_peer);
  stream.lowest_layer().connect(
      asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), server.port()));
  stream.handshake(asio::ssl::stream_base::client);
  std::string req = "GET /tls HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  asio::write(stream, asio::buffer(req));
  std::string response;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    size_t n = stream.read_some(asio::buffer(buf), ec);
    response.append(buf, n);
    if (ec) break;
  }
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_EQ(response.substr(response.size() - 3), "tls");

  // A plain-HTTP client gets no answer it could mistake for success.
  asio::ip::tcp::socket plain(ioc);
  plain.connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), server.port()));
  asio::write(plain, asio::buffer(std::string("GET /tls HTTP/1.1\r\nHost: x\r\n\r\n")));
  size_t n = plain.read_some(asio::buffer(buf), ec);
  EXPECT_EQ(std::string(buf, n).find("200 OK"), std::string::npos);
  server.Stop();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace jitgate
