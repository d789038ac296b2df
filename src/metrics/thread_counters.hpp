// One thread's figures. Only its own thread writes them, with a relaxed load
// and store (plain moves on x86, no locked instruction); a scrape reads them
// from another thread. Aligned so that two threads' blocks never share a
// cache line.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "metrics/figure.hpp"

namespace parley::metrics {

struct alignas(64) ThreadCounters {
  std::array<std::atomic<std::int64_t>, kFigures> values{};

  // By the owning thread only.
  void add(Figure f, std::int64_t n = 1) {
    auto& v = values[index(f)];
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // From any thread.
  std::int64_t get(Figure f) const { return values[index(f)].load(std::memory_order_relaxed); }
};

}  // namespace parley::metrics
