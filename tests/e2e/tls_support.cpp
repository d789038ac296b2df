#include "tls_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char** environ;

namespace parley::test {

namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

unsigned short tls_port(ServerProcess& server) {
  std::string line = server.wait_for_log("(TLS) listening on");
  auto colon = line.rfind(':');
  if (line.empty() || colon == std::string::npos) {
    ADD_FAILURE() << "parleyd did not report a TLS port; log:\n" << server.log();
    return 0;
  }
  return static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
}

// --- TlsLineClient ------------------------------------------------------------

TlsLineClient::TlsLineClient(unsigned short port, const std::string& ca_file, const std::string& host) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect failed: " + std::string(strerror(errno)));
  timeval limit{static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(kWait).count()), 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);  // a hung handshake fails, not hangs
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (!ca_file.empty()) {
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  }
  SSL* ssl = SSL_new(ctx_);
  SSL_set_fd(ssl, fd_);
  if (!ca_file.empty()) SSL_set1_host(ssl, host.c_str());
  ERR_clear_error();
  if (SSL_connect(ssl) != 1) {
    char text[256];
    ERR_error_string_n(ERR_get_error(), text, sizeof text);
    error_ = text;
    SSL_free(ssl);
    return;
  }
  ssl_ = ssl;
}

TlsLineClient::~TlsLineClient() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

std::string TlsLineClient::peer_common_name() const {
  if (!ssl_) return "";
  X509* cert = SSL_get0_peer_certificate(ssl_);
  if (!cert) return "";
  char name[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
  return name;
}

void TlsLineClient::send_line(const std::string& line) {
  std::string bytes = line + "\n";
  if (!ssl_ || SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) <= 0) ADD_FAILURE() << "TLS send failed";
}

bool TlsLineClient::fill(std::chrono::steady_clock::time_point deadline) {
  if (closed_ || !ssl_) return false;
  if (SSL_pending(ssl_) == 0) {
    pollfd p{fd_, POLLIN, 0};
    int ms = remaining_ms(deadline);
    if (ms == 0 || poll(&p, 1, ms) <= 0) return false;
  }
  char buf[16384];
  int n = SSL_read(ssl_, buf, sizeof buf);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::string TlsLineClient::expect(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto out = take_through(buffer_, text)) return *out;
    if (!fill(deadline)) {
      ADD_FAILURE() << "expected \"" << text << "\" over TLS but got \"" << buffer_ << "\""
                    << (closed_ ? " and the connection closed" : " before the deadline");
      std::string out;
      out.swap(buffer_);
      return out;
    }
  }
}

std::string TlsLineClient::read_until_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) {
  }
  if (!closed_) ADD_FAILURE() << "TLS connection was not closed; got \"" << buffer_ << "\"";
  std::string out;
  out.swap(buffer_);
  return out;
}

std::string TlsLineClient::login(const std::string& user, const std::string& password) {
  expect("Username: ");
  send_line(user);
  expect("Password: ");
  send_line(password);
  return expect("Command: ");
}

std::string TlsLineClient::command(const std::string& line) {
  send_line(line);
  return expect("Command: ");
}

// --- PipedProcess -------------------------------------------------------------

PipedProcess::PipedProcess(const std::vector<std::string>& argv_in) {
  std::vector<std::string> args = argv_in;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  int rc = posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  in_ = in[1];
  out_ = out[0];
  if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + strerror(rc));
  signal(SIGPIPE, SIG_IGN);
}

PipedProcess::~PipedProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (in_ >= 0) ::close(in_);
  if (out_ >= 0) ::close(out_);
}

void PipedProcess::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::write(in_, bytes.data() + sent, bytes.size() - sent);
    if (n <= 0) {
      ADD_FAILURE() << "cannot write to the child: " << strerror(errno);
      return;
    }
    sent += static_cast<std::size_t>(n);
  }
}

bool PipedProcess::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  pollfd p{out_, POLLIN, 0};
  int ms = remaining_ms(deadline);
  if (ms == 0 || poll(&p, 1, ms) <= 0) return false;
  char buf[4096];
  ssize_t n = ::read(out_, buf, sizeof buf);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  all_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::string PipedProcess::expect(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto out = take_through(buffer_, text)) return *out;
    if (!fill(deadline)) {
      ADD_FAILURE() << "expected \"" << text << "\" from the child but got \"" << buffer_ << "\"";
      std::string out;
      out.swap(buffer_);
      return out;
    }
  }
}

int PipedProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) {
  }
  if (!eof_) {
    ADD_FAILURE() << "the child did not end; output:\n" << all_;
    kill(pid_, SIGKILL);
  }
  int status = -1;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

}  // namespace parley::test
