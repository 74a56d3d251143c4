// https:// in the CLI's HTTP client: the server certificate is verified against the trusted
// CAs and must name the host that was asked for.
// clang-format off
#include <utility>  // before Asio (Boost 1.74)
// clang-format on
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include "cli/http_client.h"

namespace jitgate {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace http = boost::beast::http;

// A self-signed certificate for IP 127.0.0.1 and its key, both PEM.
struct TestCert {
  std::string cert_pem;
  std::string key_pem;
};

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

TestCert MakeSelfSigned() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), key.get());
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("jitgate-test"), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x.get(), x.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  X509_add_ext(x.get(), san, -1);
  X509_EXTENSION_free(san);
  X509_sign(x.get(), key.get(), EVP_sha256());
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(BIO_new(BIO_s_mem()), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(cert_bio.get(), x.get());
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return {BioText(cert_bio.get()), BioText(key_bio.get())};
}

// Serves one TLS connection on 127.0.0.1: answers 200 {"tls":true} when the handshake succeeds.
class OneShotTlsServer {
 public:
  explicit OneShotTlsServer(const TestCert& cert)
      : ctx_(ssl::context::tls_server), acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}) {
    ctx_.use_certificate_chain(net::buffer(cert.cert_pem));
    ctx_.use_private_key(net::buffer(cert.key_pem), ssl::context::pem);
    thread_ = std::thread([this] { ServeOne(); });
  }
  ~OneShotTlsServer() { thread_.join(); }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void ServeOne() {
    boost::system::error_code ec;
    net::ip::tcp::socket socket(ioc_);
    acceptor_.accept(socket, ec);
    if (ec) return;
    boost::beast::ssl_stream<net::ip::tcp::socket> stream(std::move(socket), ctx_);
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) return;  // the client refused our certificate
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::read(stream, buffer, req, ec);
    if (ec) return;
    http::response<http::string_body> res{http::status::ok, 11};
    res.body() = R"({"tls":true})";
    res.keep_alive(false);
    res.prepare_payload();
    http::write(stream, res, ec);
    stream.shutdown(ec);
  }

  net::io_context ioc_;
  ssl::context ctx_;
  net::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = MakeSelfSigned();
    ca_file_ = ::testing::TempDir() + "jitgate_cli_https_test_ca.pem";
    std::ofstream(ca_file_) << cert_.cert_pem;
  }
  void TearDown() override { std::remove(ca_file_.c_str()); }

  TestCert cert_;
  std::string ca_file_;
};

TEST_F(HttpsTest, TrustedCertificateForTheHostWorks) {
  OneShotTlsServer server(cert_);
  HttpOptions options;
  options.ca_file = ca_file_;
  auto res =
      Request("GET", "https://127.0.0.1:" + std::to_string(server.port()) + "/x", {}, "", options);
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"tls":true})");
}

TEST_F(HttpsTest, UntrustedCertificateIsRefused) {
  OneShotTlsServer server(cert_);
  auto res = Request("GET", "https://127.0.0.1:" + std::to_string(server.port()) + "/", {}, "");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kInternal);
  EXPECT_NE(res.status().message().find("TLS handshake failed"), std::string::npos)
      << res.status().message();
}

TEST_F(HttpsTest, CertificateForAnotherHostIsRefused) {
  OneShotTlsServer server(cert_);
  HttpOptions options;
  options.ca_file = ca_file_;
  // Trusted, but issued for 127.0.0.1 only; "localhost" is not named in it.
  auto res =
      Request("GET", "https://localhost:" + std::to_string(server.port()) + "/", {}, "", options);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Code::kInternal) << res.status().message();
}

}  // namespace
}  // namespace jitgate
