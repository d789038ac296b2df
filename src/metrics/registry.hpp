// Where the threads' counter blocks live, and their sum at scrape time.
// A thread takes a block on its first count and gives it back when it
// ends; the block keeps its values and goes to the next new thread, so the
// sums never lose counts and the blocks are at most the threads alive at
// once. The process has one registry (process_registry()); tests may make
// their own.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "metrics/figure.hpp"
#include "metrics/thread_counters.hpp"

namespace parley::metrics {

// The sum of every block, figure by figure.
struct Snapshot {
  std::array<std::int64_t, kFigures> values{};
  std::int64_t operator[](Figure f) const { return values[index(f)]; }
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // A block for one thread, until release().
  ThreadCounters& attach();
  void release(ThreadCounters& block);
  Snapshot snapshot() const;
  std::size_t blocks() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<ThreadCounters>> blocks_;
  std::vector<ThreadCounters*> free_;
};

// The process's registry; never destroyed, so threads that end late can
// still give their blocks back.
Registry& process_registry();

namespace detail {
// The calling thread's block in the process registry, once it has one.
inline thread_local ThreadCounters* tls_block = nullptr;
ThreadCounters& attach_this_thread();
}  // namespace detail

// Counts on the calling thread: a thread-local pointer, one load and one
// store, no lock and no shared cache line.
inline void add(Figure f, std::int64_t n = 1) {
  auto* block = detail::tls_block;
  if (!block) [[unlikely]]
    block = &detail::attach_this_thread();
  block->add(f, n);
}

}  // namespace parley::metrics
