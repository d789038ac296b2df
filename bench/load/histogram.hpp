// Latency histogram with log-linear buckets (128 per power of two, under 1 %
// error), cheap enough to record a million samples a second on one core.
// Each worker owns one; they are merged after the workers stop.
#pragma once

#include <cstdint>
#include <vector>

namespace parley_load {

class Histogram {
 public:
  Histogram();
  void record(std::int64_t ns);
  void merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  // The value at or below which p percent of the samples lie, in nanoseconds.
  std::int64_t percentile(double p) const;
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace parley_load
