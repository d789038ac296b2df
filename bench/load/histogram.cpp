#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace parley_load {

namespace {

constexpr unsigned kSubBits = 7;
constexpr std::uint64_t kSub = std::uint64_t{1} << kSubBits;  // buckets per power of two
constexpr std::size_t kBuckets = (64 - kSubBits) * kSub;

std::size_t index_of(std::uint64_t v) {
  if (v < kSub) return static_cast<std::size_t>(v);
  auto exponent = static_cast<unsigned>(std::bit_width(v) - 1);  // >= kSubBits
  auto sub = (v >> (exponent - kSubBits)) & (kSub - 1);
  return static_cast<std::size_t>((exponent - kSubBits + 1) * kSub + sub);
}

// Middle of the range of values that land in bucket i.
std::uint64_t middle_of(std::size_t i) {
  if (i < kSub) return i;
  auto exponent = static_cast<unsigned>(i / kSub) + kSubBits - 1;
  auto sub = static_cast<std::uint64_t>(i % kSub);
  auto width = std::uint64_t{1} << (exponent - kSubBits);
  return ((kSub + sub) << (exponent - kSubBits)) + width / 2;
}

}  // namespace

Histogram::Histogram() : buckets_(kBuckets, 0) {}

void Histogram::record(std::int64_t ns) {
  if (ns < 0) ns = 0;
  ++buckets_[index_of(static_cast<std::uint64_t>(ns))];
  if (count_ == 0 || ns < min_) min_ = ns;
  if (ns > max_) max_ = ns;
  ++count_;
  sum_ += static_cast<double>(ns);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

std::int64_t Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(static_cast<std::int64_t>(middle_of(i)), min_, max_);
  }
  return max_;
}

}  // namespace parley_load
