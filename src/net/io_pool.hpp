// One io_context per worker thread; connections are spread round-robin and
// stay on their thread for life, so a connection never needs a strand.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace parley::net {

namespace asio = boost::asio;

class IoPool {
 public:
  explicit IoPool(std::size_t threads);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // Round-robin: the index of the context the next connection goes to.
  std::size_t next_index();
  asio::io_context& at(std::size_t i) { return *contexts_.at(i); }
  std::size_t size() const { return contexts_.size(); }

  void start();
  void stop();  // stops every context and joins the threads

 private:
  using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace parley::net
