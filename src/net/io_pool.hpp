// One io_context and one Worker per thread; connections are spread
// round-robin and stay on their thread for life, so a connection never
// needs a lock or a strand.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "net/worker.hpp"

namespace parley::net {

class IoPool {
 public:
  explicit IoPool(std::size_t threads);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // Round-robin: the index of the worker the next connection goes to.
  std::size_t next_index();
  asio::io_context& at(std::size_t i) { return *contexts_.at(i); }
  Worker& worker(std::size_t i) { return *workers_.at(i); }
  std::size_t size() const { return contexts_.size(); }

  void start();
  void stop();  // stops every context and joins the threads

  // Runs `f` on every connection, each on its own thread, and returns once
  // all have run.
  void for_each_connection(const std::function<void(Connection&)>& f);
  // Waits until no connection is left; false on timeout.
  bool wait_no_connections(std::chrono::milliseconds timeout);
  std::size_t connections();

 private:
  using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace parley::net
