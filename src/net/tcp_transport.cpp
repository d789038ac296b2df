#include "net/tcp_transport.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>

namespace parley::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kMaxIov = 64;

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }
}  // namespace

std::string address_text(const asio::ip::address& address) {
  auto addr = address;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  return addr.to_string();
}

TcpTransport::TcpTransport(Socket socket) : socket_(std::move(socket)) {
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
  peer_ = socket_.remote_endpoint(ec);
}

std::string TcpTransport::peer_address() const {
  if (peer_.port() == 0) return "unknown";
  return address_text(peer_.address());
}

TcpTransport::~TcpTransport() = default;

std::string TcpTransport::peer() const {
  auto address = peer_address();
  if (peer_.port() == 0) return address;
  bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(peer_.port());
}

IoResult TcpTransport::read(std::span<char> into) {
  if (!socket_.is_open()) return {IoStatus::error, 0};
  for (;;) {
    auto n = ::recv(socket_.native_handle(), into.data(), into.size(), 0);
    if (n > 0) return {IoStatus::ok, static_cast<std::size_t>(n)};
    if (n == 0) return {IoStatus::end, 0};
    if (errno == EINTR) continue;
    return {would_block(errno) ? IoStatus::would_block : IoStatus::error, 0};
  }
}

IoResult TcpTransport::write(std::span<const std::string_view> from) {
  if (!socket_.is_open()) return {IoStatus::error, 0};
  std::array<iovec, kMaxIov> iov{};
  std::size_t count = std::min(from.size(), kMaxIov);
  for (std::size_t i = 0; i < count; ++i) {
    iov[i].iov_base = const_cast<char*>(from[i].data());
    iov[i].iov_len = from[i].size();
  }
  msghdr message{};
  message.msg_iov = iov.data();
  message.msg_iovlen = count;
  for (;;) {
    auto n = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL);
    if (n >= 0) return {IoStatus::ok, static_cast<std::size_t>(n)};
    if (errno == EINTR) continue;
    return {would_block(errno) ? IoStatus::would_block : IoStatus::error, 0};
  }
}

// The worker's io_context runs on one thread, so readiness that arrives
// between a read that found nothing and this wait is still reported: the
// reactor polls only after the current handler returns.
void TcpTransport::wait_readable(TransportEvents& events, std::shared_ptr<void> owner) {
  socket_.async_wait(tcp::socket::wait_read, [&events, owner = std::move(owner)](boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) return events.on_transport_error();
    events.on_readable();
  });
}

void TcpTransport::wait_writable(TransportEvents& events, std::shared_ptr<void> owner) {
  socket_.async_wait(tcp::socket::wait_write, [&events, owner = std::move(owner)](boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) return events.on_transport_error();
    events.on_writable();
  });
}

void TcpTransport::close() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

}  // namespace parley::net
