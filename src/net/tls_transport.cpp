#include "net/tls_transport.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <cstring>
#include <stdexcept>

#include "net/tls_context.hpp"

namespace parley::net {

namespace asio = boost::asio;

namespace {

// The most plaintext one TLS record carries: queued pieces are gathered
// into records of this size, one SSL_write (and one system call) each.
constexpr std::size_t kRecord = 16384;

// --- a BIO over a Transport ---------------------------------------------------

template <typename Link>
Link& link_of(BIO* bio) {
  return *static_cast<Link*>(BIO_get_data(bio));
}

template <typename Link>
int link_write(BIO* bio, const char* data, std::size_t length, std::size_t* written) {
  BIO_clear_retry_flags(bio);
  std::string_view piece(data, length);
  auto result = link_of<Link>(bio).inner->write(std::span(&piece, 1));
  if (result.status == IoStatus::ok) {
    *written = result.bytes;
    return 1;
  }
  if (result.status == IoStatus::would_block) BIO_set_retry_write(bio);
  return 0;
}

template <typename Link>
int link_read(BIO* bio, char* data, std::size_t length, std::size_t* read) {
  BIO_clear_retry_flags(bio);
  auto& link = link_of<Link>(bio);
  auto result = link.inner->read(std::span(data, length));
  if (result.status == IoStatus::ok) {
    *read = result.bytes;
    return 1;
  }
  if (result.status == IoStatus::would_block) BIO_set_retry_read(bio);
  if (result.status == IoStatus::end) link.ended = true;
  return 0;
}

template <typename Link>
long link_ctrl(BIO* bio, int command, long, void*) {
  if (command == BIO_CTRL_FLUSH) return 1;  // writes are never held back
  if (command == BIO_CTRL_EOF) return link_of<Link>(bio).ended ? 1 : 0;
  return 0;
}

int link_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

template <typename Link>
BIO_METHOD* link_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "parley transport");
    if (!m) throw std::runtime_error("cannot make a BIO method");
    BIO_meth_set_write_ex(m, link_write<Link>);
    BIO_meth_set_read_ex(m, link_read<Link>);
    BIO_meth_set_ctrl(m, link_ctrl<Link>);
    BIO_meth_set_create(m, link_create);
    return m;
  }();
  return method;
}

bool wants_io(int error) { return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE; }

}  // namespace

TlsTransport::TlsTransport(std::unique_ptr<Transport> inner, SSL_CTX* context, asio::io_context& io,
                           std::chrono::milliseconds handshake_timeout)
    : inner_(std::move(inner)), io_(io), handshake_timeout_(handshake_timeout) {
  link_.inner = inner_.get();
  ERR_clear_error();
  ssl_ = SSL_new(context);
  if (!ssl_) throw std::runtime_error("cannot start TLS: " + take_tls_error("out of memory"));
  BIO* bio = BIO_new(link_method<Link>());
  if (!bio) {
    SSL_free(ssl_);
    throw std::runtime_error("cannot start TLS: " + take_tls_error("out of memory"));
  }
  BIO_set_data(bio, &link_);
  SSL_set_bio(ssl_, bio, bio);  // the SSL object owns it now
  SSL_set_accept_state(ssl_);
}

TlsTransport::~TlsTransport() { close(); }

// --- the handshake ------------------------------------------------------------

IoResult TlsTransport::handshake() {
  ERR_clear_error();
  int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    handshake_done_ = true;
    read_needs_write_ = write_needs_read_ = false;
    deadline_.reset();
    // Finished inside a write: what came with the client's last handshake
    // message may already be read, and no new readiness would announce it.
    if (reading_)
      asio::post(io_, [this, keep = owner_] {
        if (reading_ && !closed_) fire_readable();
      });
    return {IoStatus::ok, 0};
  }
  int error = SSL_get_error(ssl_, rc);
  if (wants_io(error)) {
    // Both directions wait for what the handshake waits for.
    read_needs_write_ = error == SSL_ERROR_WANT_WRITE;
    write_needs_read_ = !read_needs_write_;
    return {IoStatus::would_block, 0};
  }
  std::string reason;
  if (error == SSL_ERROR_SSL)
    reason = take_tls_error("protocol error");
  else if (error == SSL_ERROR_ZERO_RETURN || link_.ended)
    reason = "the client closed the connection";
  else
    reason = take_tls_error("the connection failed");
  return fail("TLS handshake failed", reason);
}

void TlsTransport::start_deadline() {
  if (handshake_done_ || deadline_ || closed_) return;
  deadline_ = std::make_unique<asio::steady_timer>(io_, handshake_timeout_);
  deadline_->async_wait([this, keep = owner_](boost::system::error_code ec) {
    if (ec || closed_ || handshake_done_) return;
    spdlog::info("TLS handshake timeout from={}", peer());
    failed_ = true;
    if (events_) events_->on_transport_error();  // the connection closes
  });
}

IoResult TlsTransport::fail(const char* what, const std::string& reason) {
  failed_ = true;
  ERR_clear_error();
  spdlog::info("{} from={} reason={}", what, peer(), reason);
  return {IoStatus::error, 0};
}

// --- reading and writing -------------------------------------------------------

IoResult TlsTransport::read(std::span<char> into) {
  if (closed_ || failed_) return {IoStatus::error, 0};
  if (!handshake_done_) {
    auto result = handshake();
    if (result.status != IoStatus::ok) return result;
  }
  std::size_t total = 0;
  while (total < into.size()) {
    ERR_clear_error();
    std::size_t n = 0;
    int rc = SSL_read_ex(ssl_, into.data() + total, into.size() - total, &n);
    if (rc == 1) {
      total += n;
      continue;
    }
    int error = SSL_get_error(ssl_, rc);
    if (wants_io(error)) {
      // The socket is empty (or full): readiness will say when to go on.
      read_needs_write_ = error == SSL_ERROR_WANT_WRITE;
      arm();
      if (total > 0) return {IoStatus::ok, total, true};
      return {IoStatus::would_block, 0};
    }
    if (total > 0) return {IoStatus::ok, total, false};  // the end or the error shows on the next read
    if (error == SSL_ERROR_ZERO_RETURN) return {IoStatus::end, 0};
    if (error == SSL_ERROR_SSL) return fail("TLS error", take_tls_error("protocol error"));
    failed_ = true;
    ERR_clear_error();
    return {IoStatus::error, 0};
  }
  return {IoStatus::ok, total, false};
}

IoResult TlsTransport::write(std::span<const std::string_view> from) {
  if (closed_ || failed_) return {IoStatus::error, 0};
  if (!handshake_done_) {
    auto result = handshake();
    arm();
    if (result.status != IoStatus::ok) return result;
  }
  // One worker thread's records are made one at a time.
  thread_local std::array<char, kRecord> record;
  std::size_t written = 0;
  std::size_t piece = 0;
  std::size_t offset = 0;
  for (;;) {
    // A write that could not finish must be repeated with the same bytes,
    // which are at the front of `from` again.
    std::size_t limit = retry_bytes_ > 0 ? retry_bytes_ : kRecord;
    std::size_t length = 0;
    while (length < limit && piece < from.size()) {
      std::size_t take = std::min(limit - length, from[piece].size() - offset);
      std::memcpy(record.data() + length, from[piece].data() + offset, take);
      length += take;
      offset += take;
      if (offset == from[piece].size()) {
        ++piece;
        offset = 0;
      }
    }
    if (length == 0) break;
    ERR_clear_error();
    std::size_t n = 0;
    int rc = SSL_write_ex(ssl_, record.data(), length, &n);
    if (rc == 1) {
      retry_bytes_ = 0;
      written += n;
      continue;
    }
    int error = SSL_get_error(ssl_, rc);
    if (!wants_io(error)) {
      if (error == SSL_ERROR_SSL) return fail("TLS error", take_tls_error("protocol error"));
      failed_ = true;
      ERR_clear_error();
      return {IoStatus::error, 0};
    }
    retry_bytes_ = length;
    write_needs_read_ = error == SSL_ERROR_WANT_READ;
    arm();
    if (written > 0) return {IoStatus::ok, written};
    return {IoStatus::would_block, 0};
  }
  return {IoStatus::ok, written};
}

// --- readiness ----------------------------------------------------------------

void TlsTransport::wait_readable(TransportEvents& events, std::shared_ptr<void> owner) {
  if (closed_) return;
  events_ = &events;
  reading_ = true;
  if (!owner_) owner_ = std::move(owner);
  start_deadline();
  arm();
}

void TlsTransport::wait_writable(TransportEvents& events, std::shared_ptr<void> owner) {
  if (closed_) return;
  events_ = &events;
  writing_ = true;
  if (!owner_) owner_ = std::move(owner);
  start_deadline();
  arm();
}

void TlsTransport::arm() {
  if (closed_ || !owner_) return;
  bool need_readable = (reading_ && !read_needs_write_) || (writing_ && write_needs_read_);
  bool need_writable = (reading_ && read_needs_write_) || (writing_ && !write_needs_read_);
  if (need_readable && !inner_reading_) {
    inner_reading_ = true;
    inner_->wait_readable(*this, owner_);
  }
  if (need_writable && !inner_writing_) {
    inner_writing_ = true;
    inner_->wait_writable(*this, owner_);
  }
}

// The inner transport holds the owner through these calls, so this object
// outlives whatever the outer events do.
void TlsTransport::on_readable() {
  inner_reading_ = false;
  bool read = reading_ && !read_needs_write_;
  bool write = writing_ && write_needs_read_;
  if (read) fire_readable();
  if (write && writing_ && !closed_) fire_writable();
  arm();
}

void TlsTransport::on_writable() {
  inner_writing_ = false;
  bool write = writing_ && !write_needs_read_;
  bool read = reading_ && read_needs_write_;
  if (write) fire_writable();
  if (read && reading_ && !closed_) fire_readable();
  arm();
}

void TlsTransport::on_transport_error() {
  if (events_ && !closed_) events_->on_transport_error();
}

void TlsTransport::fire_readable() {
  reading_ = false;
  auto keep = owner_;
  if (!writing_) owner_.reset();
  events_->on_readable();
}

void TlsTransport::fire_writable() {
  writing_ = false;
  auto keep = owner_;
  if (!reading_) owner_.reset();
  events_->on_writable();
}

void TlsTransport::close() {
  if (closed_) return;
  closed_ = true;
  deadline_.reset();
  if (ssl_) {
    // A close_notify, if the socket takes it now: the peer then knows the
    // end is real, not a cut.
    ERR_clear_error();
    if (handshake_done_ && !failed_) SSL_shutdown(ssl_);
    ERR_clear_error();
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  inner_->close();
  reading_ = writing_ = inner_reading_ = inner_writing_ = false;
  owner_.reset();
}

}  // namespace parley::net
