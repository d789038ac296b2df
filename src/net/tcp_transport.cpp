#include "net/tcp_transport.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <cerrno>
#include <cstring>

namespace parley::net {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kMaxIov = 64;

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }
}  // namespace

std::string address_text(const asio::ip::address& address) {
  auto addr = address;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  return addr.to_string();
}

TcpTransport::TcpTransport(int fd, Poller& poller) : fd_(fd), poller_(poller) {
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  socklen_t length = sizeof peer_;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&peer_), &length) != 0) peer_.sin6_family = AF_UNSPEC;
  try {
    poller_.add(fd_, *this);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

TcpTransport::~TcpTransport() { close(); }

namespace {
std::string address_of(const sockaddr_in6& peer) {
  if (peer.sin6_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&peer);
    return asio::ip::address_v4(ntohl(v4->sin_addr.s_addr)).to_string();
  }
  if (peer.sin6_family == AF_INET6) {
    asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), peer.sin6_addr.s6_addr, bytes.size());
    return address_text(asio::ip::address_v6(bytes, peer.sin6_scope_id));
  }
  return "unknown";
}
}  // namespace

std::string peer_address_of(int fd) {
  sockaddr_in6 peer{};
  socklen_t length = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return "unknown";
  return address_of(peer);
}

std::string TcpTransport::peer_address() const { return address_of(peer_); }

std::string TcpTransport::peer() const {
  auto address = peer_address();
  if (peer_.sin6_family != AF_INET && peer_.sin6_family != AF_INET6) return address;
  bool v6 = address.find(':') != std::string::npos;
  // sin_port and sin6_port sit at the same offset.
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(ntohs(peer_.sin6_port));
}

IoResult TcpTransport::failure() {
  if (would_block(errno)) return {IoStatus::would_block, 0};
  reset_ = errno == ECONNRESET || errno == EPIPE;
  return {IoStatus::error, 0};
}

IoResult TcpTransport::read(std::span<char> into) {
  if (fd_ < 0) return {IoStatus::error, 0};
  for (;;) {
    auto n = ::recv(fd_, into.data(), into.size(), 0);
    // A short read emptied the socket; new bytes bring a new edge. Only an
    // end of input already signalled must still be read to be seen.
    if (n > 0)
      return {IoStatus::ok, static_cast<std::size_t>(n), static_cast<std::size_t>(n) < into.size() && !peer_closed_};
    if (n == 0) return {IoStatus::end, 0};
    if (errno == EINTR) continue;
    return failure();
  }
}

IoResult TcpTransport::write(std::span<const std::string_view> from) {
  if (fd_ < 0) return {IoStatus::error, 0};
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
    auto n = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (n >= 0) return {IoStatus::ok, static_cast<std::size_t>(n)};
    if (errno == EINTR) continue;
    return failure();
  }
}

// A read wait is only a flag: the socket is registered edge-triggered and
// the caller waits only after the socket said EAGAIN, so the next edge is
// the one it waits for. A write wait adds EPOLLOUT to the registration the
// first time a socket fills up.
void TcpTransport::wait_readable(TransportEvents& events, std::shared_ptr<void> owner) {
  if (fd_ < 0) return;
  events_ = &events;
  reading_ = true;
  if (!owner_) owner_ = std::move(owner);
}

void TcpTransport::wait_writable(TransportEvents& events, std::shared_ptr<void> owner) {
  if (fd_ < 0) return;
  events_ = &events;
  writing_ = true;
  if (!owner_) owner_ = std::move(owner);
  if (!watching_writes_) poller_.watch_writes(fd_, *this, true);
  watching_writes_ = true;
}

void TcpTransport::on_poll(std::uint32_t events) {
  auto keep = std::move(owner_);  // released when this call ends, not before
  owner_.reset();
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) peer_closed_ = true;
  bool readable = reading_ && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR));
  bool writable = writing_ && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR));
  if (readable) reading_ = false;
  if (writable) writing_ = false;
  // Writes are watched while the queue behind them drains; the first
  // readiness nobody waits for ends the watch.
  if ((events & EPOLLOUT) && !writable && !writing_ && watching_writes_) {
    poller_.watch_writes(fd_, *this, false);
    watching_writes_ = false;
  }
  if (reading_ || writing_) owner_ = keep;  // still waiting for the other direction
  if (readable) events_->on_readable();
  if (writable && fd_ >= 0) events_->on_writable();
}

void TcpTransport::close() {
  if (fd_ < 0) return;
  poller_.remove(fd_);
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
  fd_ = -1;
  reading_ = writing_ = false;
  owner_.reset();
}

}  // namespace parley::net
