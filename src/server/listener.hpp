// One listening socket: an address, a port and the protocol spoken there.
// Accepted sockets become a transport and a protocol session on the next
// worker thread (round-robin).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "net/io_pool.hpp"
#include "net/transport.hpp"
#include "session/session.hpp"

namespace parley::server {

// Makes the session of one protocol for a new connection.
using SessionFactory = std::function<std::shared_ptr<session::Session>(std::unique_ptr<net::Transport>, net::Worker&,
                                                                       session::Admission::Pass)>;
// The line a refused connection gets, in the listener's protocol; empty: none.
using RefusalLine = std::function<std::string(session::Refusal, std::chrono::seconds)>;

struct ProtocolEntry {
  std::string name;
  SessionFactory make;
  RefusalLine refusal;
};
// Wraps an accepted socket (which it owns from then on) in a transport, on
// the worker's thread.
using TransportFactory = std::function<std::unique_ptr<net::Transport>(int fd, net::Worker&)>;

class Listener {
 public:
  // Binds and listens at once; throws when the address cannot be used.
  // Every accepted connection passes `admission` first; a refused one gets
  // the protocol's refusal line and is closed at once.
  Listener(net::IoPool& pool, session::Admission& admission, const boost::asio::ip::tcp::endpoint& endpoint,
           bool dual_stack, ProtocolEntry protocol);
  // Instead of plain TCP; before start(). `tls` only labels the listener.
  void set_transport(TransportFactory factory, bool tls);
  void start();
  void close();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  const std::string& protocol() const { return protocol_.name; }
  bool tls() const { return tls_; }

 private:
  void wait();
  void accept_ready();
  void refuse(int fd, const std::string& address, const session::Admission::Refused& refused);

  net::IoPool& pool_;
  session::Admission& admission_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  ProtocolEntry protocol_;
  // Refusals are logged at most once a second, with a count, so that a flood
  // of connections does not become a flood of log lines.
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::size_t refusals_unlogged_ = 0;
  TransportFactory transport_;
  bool tls_ = false;
};

}  // namespace parley::server
