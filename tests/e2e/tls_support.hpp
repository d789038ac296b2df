// TLS for the end-to-end tests: the TLS port parleyd logged, a blocking TLS
// line client, and a child process driven through pipes (for `openssl
// s_client`). Certificates come from test_certificates.hpp.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"
#include "test_certificates.hpp"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace parley::test {

// The port of the first TLS listener parleyd logged, or 0.
unsigned short tls_port(ServerProcess& server);

// A blocking TLS client. Verification is off unless a CA file is given;
// handshake() says whether the handshake worked.
class TlsLineClient {
 public:
  TlsLineClient(unsigned short port, const std::string& ca_file = "", const std::string& host = "127.0.0.1");
  ~TlsLineClient();
  TlsLineClient(const TlsLineClient&) = delete;
  TlsLineClient& operator=(const TlsLineClient&) = delete;

  bool handshake_ok() const { return ssl_ != nullptr; }
  const std::string& handshake_error() const { return error_; }
  // Common name of the certificate the server presented.
  std::string peer_common_name() const;

  void send_line(const std::string& line);
  std::string expect(const std::string& text, std::chrono::milliseconds timeout = kWait);
  std::string read_until_closed(std::chrono::milliseconds timeout = kWait);
  std::string login(const std::string& user, const std::string& password);
  std::string command(const std::string& line);

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool closed_ = false;
  std::string buffer_;
  std::string error_;
};

// A child process with its stdin and stdout (stderr too) on pipes.
class PipedProcess {
 public:
  explicit PipedProcess(const std::vector<std::string>& argv);
  ~PipedProcess();
  PipedProcess(const PipedProcess&) = delete;
  PipedProcess& operator=(const PipedProcess&) = delete;

  void send(const std::string& bytes);
  // Reads output until it contains `text`; returns everything up to and
  // including it and keeps the rest. Fails the test on timeout or EOF.
  std::string expect(const std::string& text, std::chrono::milliseconds timeout = kWait);
  // Reads until the child closes its output, then waits for it; the status
  // as from waitpid, or -1.
  int wait_exit(std::chrono::milliseconds timeout = kWait);
  const std::string& output() const { return all_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  bool eof_ = false;
  std::string buffer_;
  std::string all_;
};

}  // namespace parley::test
