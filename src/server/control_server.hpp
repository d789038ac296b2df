// The control socket: a Unix stream socket for parleyctl, owner-only, that
// takes one request line per connection and answers it (docs/ADMIN.md).
// Only the server's own user and root may use it (SO_PEERCRED, besides the
// file's 0600). Sockets are served on one of the server's io_contexts; the
// commands, which may hash passwords and wait for the store, run one at a
// time on a thread of their own.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "proto/control/request.hpp"
#include "proto/control/response.hpp"

namespace parley::server {

struct ControlLimits {
  std::size_t max_connections = 8;    // control connections at once; more are told `busy`
  std::chrono::seconds deadline{10};  // to send the request, and again to read the answer
};

struct ControlCaller {
  uid_t uid = 0;
  pid_t pid = 0;
};

using ControlHandler = std::function<proto::control::Response(const proto::control::Request&, const ControlCaller&)>;

class ControlServer {
 public:
  struct Shared;  // what the socket's coroutines share with the server

  // Creates the socket at `path` (mode 0600 from the start), replacing a
  // stale socket file a crashed server left; throws std::runtime_error
  // naming the path when it cannot (a live socket, a file that is not a
  // socket, a path too long).
  ControlServer(std::string path, boost::asio::io_context& io, ControlHandler handler, ControlLimits limits = {});
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  void start();
  // Stops accepting, waits for a command that is running, and removes the
  // socket file. Not on the io_context's thread.
  void stop();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::shared_ptr<Shared> shared_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace parley::server
