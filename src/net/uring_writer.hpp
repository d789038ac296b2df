// Writes the output of many connections with one system call: each
// connection's gathered write becomes one io_uring sendmsg that may not
// wait (MSG_DONTWAIT), all submitted together and all completed before the
// call returns, so the queues behind them never change in flight.
#pragma once

#include <liburing.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace parley::net {

class Connection;

class UringWriter {
 public:
  // Null when this kernel (or its settings) refuses io_uring.
  static std::unique_ptr<UringWriter> create(unsigned entries = 256);
  ~UringWriter();
  UringWriter(const UringWriter&) = delete;
  UringWriter& operator=(const UringWriter&) = delete;

  // Flushes every listed connection.
  void write_all(const std::vector<Connection*>& connections);

 private:
  explicit UringWriter(unsigned entries);
  void submit_batch();

  struct Pending {
    Connection* connection = nullptr;
    std::size_t attempted = 0;
  };
  io_uring ring_{};
  unsigned entries_;
  std::vector<msghdr> messages_;
  std::vector<iovec> iovecs_;
  std::vector<Pending> pending_;
  std::size_t used_ = 0;
};

}  // namespace parley::net
