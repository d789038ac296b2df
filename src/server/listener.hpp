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
// Wraps an accepted socket (which it owns from then on) in a transport, on
// the worker's thread.
using TransportFactory = std::function<std::unique_ptr<net::Transport>(int fd, net::Worker&)>;

class Listener {
 public:
  // Binds and listens at once; throws when the address cannot be used.
  Listener(net::IoPool& pool, const boost::asio::ip::tcp::endpoint& endpoint, bool dual_stack, std::string protocol,
           SessionFactory factory);
  // Instead of plain TCP; before start(). `tls` only labels the listener.
  void set_transport(TransportFactory factory, bool tls);
  void start();
  void close();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  const std::string& protocol() const { return protocol_; }
  bool tls() const { return tls_; }

 private:
  void wait();
  void accept_ready();

  net::IoPool& pool_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  std::string protocol_;
  SessionFactory factory_;
  TransportFactory transport_;
  bool tls_ = false;
};

}  // namespace parley::server
