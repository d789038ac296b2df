// Plain TCP: the socket stays registered with the worker's reactor and is
// used in non-blocking mode; reads and writes are direct system calls.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "net/transport.hpp"

namespace parley::net {

class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(boost::asio::ip::tcp::socket socket);
  ~TcpTransport() override;

  IoResult read(std::span<char> into) override;
  IoResult write(std::span<const std::string_view> from) override;
  void wait_readable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void wait_writable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void close() override;
  const std::string& peer_address() const override { return peer_address_; }
  std::string peer() const override;

 private:
  boost::asio::ip::tcp::socket socket_;
  std::string peer_address_;
  unsigned short peer_port_ = 0;
};

// "a.b.c.d" or "x:y::z"; a v4 client on a dual-stack socket is shown as v4.
std::string address_text(const boost::asio::ip::address& address);

}  // namespace parley::net
