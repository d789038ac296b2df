// Plain TCP: the socket stays registered with the worker's reactor and is
// used in non-blocking mode; reads and writes are direct system calls.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/transport.hpp"

namespace parley::net {

class TcpTransport final : public Transport {
 public:
  // Bound to one io_context's executor: smaller than a type-erased one, and
  // a connection never leaves its worker.
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

  explicit TcpTransport(Socket socket);
  ~TcpTransport() override;

  IoResult read(std::span<char> into) override;
  IoResult write(std::span<const std::string_view> from) override;
  void wait_readable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void wait_writable(TransportEvents& events, std::shared_ptr<void> owner) override;
  void close() override;
  std::string peer_address() const override;
  std::string peer() const override;

 private:
  Socket socket_;
  boost::asio::ip::tcp::endpoint peer_;  // kept: a closed socket no longer knows it
};

// "a.b.c.d" or "x:y::z"; a v4 client on a dual-stack socket is shown as v4.
std::string address_text(const boost::asio::ip::address& address);

}  // namespace parley::net
