// The store's commit latency as a Prometheus histogram: fixed upper bounds
// in seconds, one counter slot per bucket (not cumulative; the exposition
// adds them up), the sum in nanoseconds, the count being the commits.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>

#include "metrics/figure.hpp"

namespace parley::metrics {

// Upper bounds of the finite buckets; a last bucket takes the rest (+Inf).
constexpr std::array<double, 12> kCommitSecondsBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
static_assert(index(Figure::store_commit_bucket_last) - index(Figure::store_commit_bucket_first) ==
              kCommitSecondsBounds.size());

// The bucket (0 .. bounds.size()) a value falls in: the first whose bound it
// does not exceed.
template <std::size_t N>
constexpr std::size_t bucket_of(const std::array<double, N>& bounds, double value) {
  std::size_t i = 0;
  while (i < N && value > bounds[i]) ++i;
  return i;
}

inline Figure commit_bucket(std::chrono::nanoseconds latency) {
  double seconds = std::chrono::duration<double>(latency).count();
  return static_cast<Figure>(index(Figure::store_commit_bucket_first) + bucket_of(kCommitSecondsBounds, seconds));
}

}  // namespace parley::metrics
