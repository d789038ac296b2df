// Password checks off the network threads. Argon2id is slow and
// memory-hungry on purpose: the pool has a fixed number of threads (one per
// core unless the memory bound allows fewer), so the hashing memory in use is
// at most threads x the cost's memory.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>

namespace parley::session {

class HashPool {
 public:
  explicit HashPool(std::size_t threads);
  ~HashPool();
  HashPool(const HashPool&) = delete;
  HashPool& operator=(const HashPool&) = delete;

  void submit(std::function<void()> job);
  std::size_t threads() const { return threads_; }
  void join();

 private:
  std::size_t threads_;
  boost::asio::thread_pool pool_;
};

}  // namespace parley::session
