// A tiny blocking HTTP/1.1 client over a raw socket, for the server tests: it sends exactly the
// bytes a test writes (malformed, pipelined, oversized) and parses responses by hand.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace jitgate::testing {

struct RawResponse {
  int status = 0;
  std::string head;                            // status line + headers, without the blank line
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class TestClient {
 public:
  // Connects to 127.0.0.1:port; check connected().
  explicit TestClient(uint16_t port, int timeout_ms = 5000);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `data`; false on error (e.g. the server closed).
  bool Send(const std::string& data);
  // Reads one response; nullopt on timeout or when the connection closed first.
  // `head_request`: the response has no body whatever Content-Length says.
  std::optional<RawResponse> Read(bool head_request = false);
  // True when the server closes the connection (EOF or reset) within `timeout_ms`; bytes that
  // arrive first are discarded.
  bool WaitClosed(int timeout_ms);

 private:
  bool Fill();  // reads more bytes into buf_; false on EOF/error/timeout
  int fd_ = -1;
  std::string buf_;
};

// One request on a fresh connection; nullopt on failure.
std::optional<RawResponse> Fetch(uint16_t port, const std::string& raw_request);

// "GET <target> HTTP/1.1" with Host and the given extra header lines (each ending in \r\n).
std::string Get(const std::string& target, const std::string& extra = "");

}  // namespace jitgate::testing
