// The worker's own edge-triggered epoll set for client sockets. A socket is
// registered once; waiting to read is a flag, not a system call, and so is
// waiting to write once a socket has been full. The set itself is one descriptor in the io_context's reactor, so
// timers, posts and the store's callbacks share the same thread and loop.
#pragma once

#include <sys/epoll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <cstdint>

namespace parley::net {

class PollTarget {
 public:
  // `events`: the EPOLL* bits that came for this socket.
  virtual void on_poll(std::uint32_t events) = 0;

 protected:
  ~PollTarget() = default;
};

class Poller {
 public:
  explicit Poller(boost::asio::io_context& context);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Starts listening for readiness; on the worker's thread.
  void start();
  // Throws std::system_error when the socket cannot be added. Sockets are
  // watched for reading; writing is watched only while someone waits for it,
  // or every acknowledged write would bring an event.
  void add(int fd, PollTarget& target);
  void watch_writes(int fd, PollTarget& target, bool on);
  void remove(int fd);
  // When this readiness pass began: one clock read for every line it hands out.
  std::chrono::steady_clock::time_point pass_time() const { return pass_time_; }
  // For work that resumes outside a readiness pass.
  void refresh_pass_time() { pass_time_ = std::chrono::steady_clock::now(); }

 private:
  void arm();
  void dispatch();

  int epoll_fd_ = -1;
  std::chrono::steady_clock::time_point pass_time_ = std::chrono::steady_clock::now();
  boost::asio::posix::stream_descriptor descriptor_;
};

}  // namespace parley::net
