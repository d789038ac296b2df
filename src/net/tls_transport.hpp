// TLS over another transport (TCP in practice), on the same non-blocking
// calls. OpenSSL reads and writes through a small BIO that calls the inner
// transport directly, so no ciphertext is buffered outside OpenSSL's own
// record buffers (released while idle), a full socket is OpenSSL's
// want-write and an empty one its want-read. Those are mapped onto the
// inner transport's waits, in either direction: a read may need the socket
// writable (an alert or key update to send) and a write may need it
// readable (a handshake in progress).
//
// The handshake runs inside read() and write() before any byte reaches the
// session, bounded by its own deadline. A failed or late handshake closes
// the connection with one log line.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "net/transport.hpp"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace parley::net {

class TlsTransport final : public Transport, TransportEvents {
 public:
  // Server side of a TLS connection over `inner`, with `context` (whose
  // certificate it keeps). Runs on the thread of `io`, where the handshake
  // deadline is timed.
  TlsTransport(std::unique_ptr<Transport> inner, SSL_CTX* context, boost::asio::io_context& io,
               std::chrono::milliseconds handshake_timeout);
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  IoResult read(std::span<char> into) override;
  IoResult write(std::span<const std::string_view> from) override;
  void wait_readable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void wait_writable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void close() override;
  std::string peer_address() const override { return inner_->peer_address(); }
  std::string peer() const override { return inner_->peer(); }
  bool encrypted() const override { return true; }

  bool handshake_done() const { return handshake_done_; }

 private:
  // The inner transport's readiness.
  void on_readable() override;
  void on_writable() override;
  void on_transport_error() override;

  // Goes on with the handshake: ok once it is done.
  IoResult handshake();
  IoResult fail(const char* what, const std::string& reason);
  // Keeps the inner waits in step with the pending outer ones.
  void arm();
  void start_deadline();
  void fire_readable();
  void fire_writable();

  // What the BIO reads from and writes to.
  struct Link {
    Transport* inner = nullptr;
    bool ended = false;  // the inner transport reported the end of input
  };

  std::unique_ptr<Transport> inner_;
  Link link_;
  SSL* ssl_ = nullptr;
  boost::asio::io_context& io_;
  std::chrono::milliseconds handshake_timeout_;
  std::unique_ptr<boost::asio::steady_timer> deadline_;  // during the handshake only
  TransportEvents* events_ = nullptr;
  std::shared_ptr<void> owner_;  // held while an outer wait is pending
  std::size_t retry_bytes_ = 0;  // an SSL_write that must be repeated with the same bytes
  bool reading_ = false;         // outer waits
  bool writing_ = false;
  bool inner_reading_ = false;  // inner waits
  bool inner_writing_ = false;
  bool read_needs_write_ = false;  // the last read stopped on a full socket
  bool write_needs_read_ = false;  // the last write stopped for input
  bool handshake_done_ = false;
  bool failed_ = false;
  bool closed_ = false;
};

}  // namespace parley::net
