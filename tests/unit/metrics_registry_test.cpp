#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "metrics/histogram.hpp"
#include "metrics/registry.hpp"

namespace parley::metrics {
namespace {

TEST(MetricsRegistry, SumsEveryThreadsBlock) {
  Registry registry;
  constexpr int kThreads = 8;
  constexpr int kCounts = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&registry, t] {
      auto& block = registry.attach();
      for (int i = 0; i < kCounts; ++i) block.add(Figure::bytes_in, 2);
      block.add(Figure::connections_logged_in_plain, t % 2 == 0 ? 1 : -1);  // a gauge may go below zero per thread
      registry.release(block);
    });
  for (auto& t : threads) t.join();
  auto s = registry.snapshot();
  EXPECT_EQ(s[Figure::bytes_in], std::int64_t{2} * kThreads * kCounts);
  EXPECT_EQ(s[Figure::connections_logged_in_plain], 0);
  EXPECT_EQ(s[Figure::bytes_out], 0);
  EXPECT_LE(registry.blocks(), static_cast<std::size_t>(kThreads));
}

TEST(MetricsRegistry, ReleasedBlockKeepsItsCountsForTheNextThread) {
  Registry registry;
  auto& first = registry.attach();
  first.add(Figure::logins_ok, 3);
  registry.release(first);
  auto& second = registry.attach();
  EXPECT_EQ(&first, &second);
  second.add(Figure::logins_ok, 1);
  EXPECT_EQ(registry.snapshot()[Figure::logins_ok], 4);
  EXPECT_EQ(registry.blocks(), 1u);
}

TEST(MetricsRegistry, ScrapeWhileThreadsCount) {
  Registry registry;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&] {
      auto& block = registry.attach();
      while (!stop) block.add(Figure::messages_in_private);
    });
  std::int64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    auto now = registry.snapshot()[Figure::messages_in_private];
    EXPECT_GE(now, last);  // a counter never goes back
    last = now;
  }
  stop = true;
  for (auto& t : threads) t.join();
}

TEST(MetricsRegistry, ProcessRegistryCountsPerThread) {
  auto before = process_registry().snapshot()[Figure::store_failures];
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([] {
      for (int i = 0; i < 1000; ++i) add(Figure::store_failures);
    });
  for (auto& t : threads) t.join();
  add(Figure::store_failures, 5);
  EXPECT_EQ(process_registry().snapshot()[Figure::store_failures] - before, 4005);
}

TEST(MetricsHistogram, BucketIsTheFirstBoundNotExceeded) {
  constexpr std::array<double, 3> bounds{0.1, 1.0, 10.0};
  EXPECT_EQ(bucket_of(bounds, 0.0), 0u);
  EXPECT_EQ(bucket_of(bounds, 0.1), 0u);  // le: an equal value is in
  EXPECT_EQ(bucket_of(bounds, 0.10001), 1u);
  EXPECT_EQ(bucket_of(bounds, 1.0), 1u);
  EXPECT_EQ(bucket_of(bounds, 5.0), 2u);
  EXPECT_EQ(bucket_of(bounds, 10.0), 2u);
  EXPECT_EQ(bucket_of(bounds, 11.0), 3u);  // +Inf
}

TEST(MetricsHistogram, CommitLatencyBuckets) {
  using namespace std::chrono;
  EXPECT_EQ(commit_bucket(microseconds(100)), Figure::store_commit_bucket_first);
  EXPECT_EQ(commit_bucket(microseconds(500)), Figure::store_commit_bucket_first);
  EXPECT_EQ(index(commit_bucket(microseconds(501))), index(Figure::store_commit_bucket_first) + 1);
  EXPECT_EQ(index(commit_bucket(milliseconds(7))), index(Figure::store_commit_bucket_first) + 4);  // le 0.01
  EXPECT_EQ(commit_bucket(seconds(3)), Figure::store_commit_bucket_last);
}

}  // namespace
}  // namespace parley::metrics
