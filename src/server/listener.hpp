// One listening socket: an address, a port and the protocol spoken there.
// Accepted sockets become a transport and a protocol session on the next
// worker thread (round-robin).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>

#include "net/io_pool.hpp"
#include "net/transport.hpp"
#include "session/session.hpp"

namespace parley::server {

// Makes the session of one protocol for a new connection.
using SessionFactory = std::function<std::shared_ptr<session::Session>(std::unique_ptr<net::Transport>, net::Worker&)>;

class Listener {
 public:
  // Binds and listens at once; throws when the address cannot be used.
  Listener(net::IoPool& pool, const boost::asio::ip::tcp::endpoint& endpoint, bool dual_stack, std::string protocol,
           SessionFactory factory);
  void start();
  void close();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  const std::string& protocol() const { return protocol_; }

 private:
  void wait();
  void accept_ready();

  net::IoPool& pool_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  std::string protocol_;
  SessionFactory factory_;
};

}  // namespace parley::server
