// Plain TCP on a non-blocking socket registered with the worker's Poller:
// reads and writes are direct system calls, waits cost nothing until the
// socket is ready.
#pragma once

#include <netinet/in.h>

#include <boost/asio/ip/address.hpp>
#include <memory>

#include "net/poller.hpp"
#include "net/transport.hpp"

namespace parley::net {

class TcpTransport final : public Transport, PollTarget {
 public:
  // Takes ownership of `fd`, a connected non-blocking socket.
  TcpTransport(int fd, Poller& poller);
  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  IoResult read(std::span<char> into) override;
  IoResult write(std::span<const std::string_view> from) override;
  void wait_readable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void wait_writable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void close() override;
  std::string peer_address() const override;
  std::string peer() const override;
  bool ended_by_peer() const override { return reset_; }

 private:
  void on_poll(std::uint32_t events) override;
  // The result of a failed recv or sendmsg, from errno.
  IoResult failure();

  int fd_;
  Poller& poller_;
  TransportEvents* events_ = nullptr;
  std::shared_ptr<void> owner_;  // held while a wait is pending
  sockaddr_in6 peer_{};          // kept: a closed socket no longer knows it
  bool reading_ = false;
  bool writing_ = false;
  bool peer_closed_ = false;      // the peer's end of input or an error was signalled
  bool reset_ = false;            // a read or write failed because the peer reset the connection
  bool watching_writes_ = false;  // EPOLLOUT is in the registration
};

// "a.b.c.d" or "x:y::z"; a v4 client on a dual-stack socket is shown as v4.
std::string address_text(const boost::asio::ip::address& address);
// The peer address of a connected socket, as peer_address() gives it.
std::string peer_address_of(int fd);

}  // namespace parley::net
