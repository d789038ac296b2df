// TlsTransport on a real socket pair and the worker's Poller, against an
// OpenSSL client driven by the test: the handshake inside read() and
// write(), gathered writes, a key update that needs the full socket
// writable before a read can go on, and a client that is not TLS.
#include "net/tls_transport.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <functional>
#include <string>

#include "net/poller.hpp"
#include "net/tcp_transport.hpp"
#include "net/tls_context.hpp"
#include "test_certificates.hpp"

namespace parley::net {
namespace {

using namespace std::chrono_literals;

struct Events final : TransportEvents {
  virtual ~Events() = default;
  int readable = 0;
  int writable = 0;
  int errors = 0;
  void on_readable() override { ++readable; }
  void on_writable() override { ++writable; }
  void on_transport_error() override { ++errors; }
};

class TlsTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parley-tls-unit-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    test::TestAuthority ca("unit CA");
    auto [cert, key] = ca.issue(cert_spec_).write(dir_, "server");
    context_ = make_server_tls_context(cert, key);
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds_), 0);
    if (send_buffer_ > 0) ::setsockopt(fds_[0], SOL_SOCKET, SO_SNDBUF, &send_buffer_, sizeof send_buffer_);
    poller_.start();
    server_ = std::make_unique<TlsTransport>(std::make_unique<TcpTransport>(fds_[0], poller_), context_.get(), io_,
                                             handshake_timeout_);
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    client_ = SSL_new(client_ctx_);
    SSL_set_fd(client_, fds_[1]);
    SSL_set_connect_state(client_);
  }
  void TearDown() override {
    server_.reset();
    SSL_free(client_);
    SSL_CTX_free(client_ctx_);
    ::close(fds_[1]);
    std::filesystem::remove_all(dir_);
  }

  // Runs the reactor (and `step`, the client's part) until `done`; waits
  // for events, never sleeps. False after 10 s.
  bool run_until(
      const std::function<bool()>& done, const std::function<void()>& step = [] {}) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      step();
      io_.run_for(5ms);
    }
    return true;
  }

  // The server's side of the handshake as a Connection drives it: read
  // until would_block, then wait.
  std::string server_read() {
    std::string got;
    for (;;) {
      auto r = server_->read(buffer_);
      if (r.status == IoStatus::ok) {
        got.append(buffer_.data(), r.bytes);
        if (r.drained) break;
        continue;
      }
      if (r.status == IoStatus::would_block) break;
      ADD_FAILURE() << "server read failed";
      break;
    }
    server_->wait_readable(events_, owner_);
    return got;
  }

  void handshake() {
    EXPECT_TRUE(server_read().empty());
    ASSERT_TRUE(run_until([&] { return server_->handshake_done() && SSL_is_init_finished(client_); },
                          [&] {
                            ERR_clear_error();
                            SSL_do_handshake(client_);
                            if (events_.readable > 0) {
                              events_.readable = 0;
                              server_read();
                            }
                          }));
  }

  std::string client_read_all() {
    std::string got;
    std::array<char, 4096> chunk;
    for (;;) {
      ERR_clear_error();
      int n = SSL_read(client_, chunk.data(), static_cast<int>(chunk.size()));
      if (n <= 0) break;
      got.append(chunk.data(), static_cast<std::size_t>(n));
    }
    return got;
  }

  std::chrono::milliseconds handshake_timeout_{10000};
  test::ServerCertSpec cert_spec_;
  int send_buffer_ = 0;  // 0: the system's
  boost::asio::io_context io_;
  Poller poller_{io_};
  std::filesystem::path dir_;
  std::shared_ptr<SSL_CTX> context_;
  int fds_[2] = {-1, -1};
  std::unique_ptr<TlsTransport> server_;
  SSL_CTX* client_ctx_ = nullptr;
  SSL* client_ = nullptr;
  Events events_;
  std::shared_ptr<void> owner_ = std::make_shared<int>(0);
  std::array<char, 65536> buffer_{};
};

TEST_F(TlsTransportTest, HandshakeThenLinesBothWays) {
  handshake();
  EXPECT_EQ(SSL_version(client_), TLS1_3_VERSION);
  std::array<std::string_view, 3> pieces{"Username", ": ", "x"};
  auto w = server_->write(pieces);
  ASSERT_EQ(w.status, IoStatus::ok);
  EXPECT_EQ(w.bytes, 11u);
  std::string seen;
  ASSERT_TRUE(run_until([&] { return seen == "Username: x"; }, [&] { seen += client_read_all(); }));

  ASSERT_EQ(SSL_write(client_, "alice\n", 6), 6);
  events_.readable = 0;
  ASSERT_TRUE(run_until([&] { return events_.readable > 0; }));
  EXPECT_EQ(server_read(), "alice\n");
}

TEST_F(TlsTransportTest, AWriteDuringTheHandshakeWaitsForTheClient) {
  std::array<std::string_view, 1> greeting{"Username: "};
  EXPECT_EQ(server_->write(greeting).status, IoStatus::would_block);
  server_->wait_writable(events_, owner_);
  EXPECT_TRUE(server_read().empty());
  std::string seen;
  ASSERT_TRUE(run_until([&] { return seen == "Username: "; },
                        [&] {
                          ERR_clear_error();
                          if (SSL_do_handshake(client_) == 1) seen += client_read_all();
                          if (events_.readable > 0) {
                            events_.readable = 0;
                            server_read();
                          }
                          if (events_.writable > 0) {
                            events_.writable = 0;
                            auto r = server_->write(greeting);
                            if (r.status == IoStatus::would_block) server_->wait_writable(events_, owner_);
                          }
                        }));
}

// The server's first flight (a certificate with many names) does not fit in
// the socket: the read that runs the handshake must wait for the socket to
// become writable, not readable (the client cannot answer before it has
// the whole flight).
class TlsTransportSmallSocketTest : public TlsTransportTest {
 protected:
  TlsTransportSmallSocketTest() {
    for (int i = 0; i < 400; ++i) cert_spec_.dns.push_back("host-" + std::to_string(i) + ".chat.example.org");
    send_buffer_ = 4096;
  }
};

TEST_F(TlsTransportSmallSocketTest, AHandshakeLargerThanTheSocketGoesOnWhenItDrains) {
  handshake();
  ASSERT_EQ(SSL_write(client_, "alice\n", 6), 6);
  events_.readable = 0;
  ASSERT_TRUE(run_until([&] { return events_.readable > 0; }));
  EXPECT_EQ(server_read(), "alice\n");
}

// OpenSSL answers a key update with its next write; with a write pending on
// a full socket, both must still go out in order.
TEST_F(TlsTransportTest, AKeyUpdateWhileTheSocketIsFull) {
  handshake();
  // Fill the socket towards the client, which does not read.
  std::string block(16384, 'm');
  std::array<std::string_view, 1> piece{block};
  std::size_t sent = 0;
  for (;;) {
    auto r = server_->write(piece);
    if (r.status != IoStatus::ok || r.bytes < block.size()) break;
    sent += r.bytes;
  }
  // The client asks for new keys both ways, then sends a line.
  ASSERT_EQ(SSL_key_update(client_, SSL_KEY_UPDATE_REQUESTED), 1);
  ASSERT_EQ(SSL_write(client_, "ping\n", 5), 5);
  std::string got = server_read();
  server_->wait_writable(events_, owner_);
  std::array<std::string_view, 1> last{"last\n"};
  bool last_sent = false;
  std::string drained;
  ASSERT_TRUE(run_until([&] { return got.find("ping\n") != std::string::npos && drained.ends_with("last\n"); },
                        [&] {
                          drained += client_read_all();
                          if (events_.readable > 0) {
                            events_.readable = 0;
                            got += server_read();
                          }
                          if (events_.writable > 0 && !last_sent) {
                            events_.writable = 0;
                            auto r = server_->write(piece);  // the record that did not fit, then one more line
                            if (r.status == IoStatus::ok && r.bytes == block.size()) {
                              last_sent = server_->write(last).status == IoStatus::ok;
                              sent += block.size();
                            }
                            if (!last_sent) server_->wait_writable(events_, owner_);
                          }
                        }))
      << "sent " << sent << " read by the client " << drained.size();
  EXPECT_EQ(drained.size(), sent + 5);
  EXPECT_EQ(events_.errors, 0);
}

TEST_F(TlsTransportTest, PlaintextIsAFailedHandshake) {
  EXPECT_TRUE(server_read().empty());
  ASSERT_EQ(::write(fds_[1], "alice\n", 6), 6);
  IoResult r;
  ASSERT_TRUE(run_until([&] { return events_.readable > 0; }));
  r = server_->read(buffer_);
  EXPECT_EQ(r.status, IoStatus::error);
}

class TlsTransportDeadlineTest : public TlsTransportTest {
 protected:
  TlsTransportDeadlineTest() { handshake_timeout_ = std::chrono::milliseconds(50); }
};

TEST_F(TlsTransportDeadlineTest, AClientThatSaysNothingIsCut) {
  EXPECT_TRUE(server_read().empty());
  ASSERT_TRUE(run_until([&] { return events_.errors > 0; }));
  EXPECT_EQ(server_->read(buffer_).status, IoStatus::error);
}

}  // namespace
}  // namespace parley::net
