// Resolving the server's address and connecting to it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <stdexcept>
#include <string>

namespace parley::client {

// Carries the one-line explanation printed to the user.
class ConnectError : public std::runtime_error {
 public:
  ConnectError(std::string message, bool timed_out) : std::runtime_error(std::move(message)), timed_out_(timed_out) {}
  // The name lookup may still be running in Asio's resolver thread.
  bool timed_out() const { return timed_out_; }

 private:
  bool timed_out_;
};

// Connects to the first address of `host` that accepts; each of the lookup
// and the connection attempts is bounded by `timeout`. Throws ConnectError.
boost::asio::awaitable<boost::asio::ip::tcp::socket> connect_to_server(std::string host, std::string port,
                                                                       std::chrono::seconds timeout);

// Waits `duration`; the losing side of a race with an operation that has a deadline.
boost::asio::awaitable<void> sleep_for(std::chrono::seconds duration);

}  // namespace parley::client
