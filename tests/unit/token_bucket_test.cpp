#include "core/token_bucket.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using parley::core::TokenBucket;

TEST(TokenBucket, BurstThenPaced) {
  TokenBucket::Clock::time_point t{};
  TokenBucket bucket(10, 3, t);
  EXPECT_EQ(bucket.take(t), 0ns);
  EXPECT_EQ(bucket.take(t), 0ns);
  EXPECT_EQ(bucket.take(t), 0ns);
  EXPECT_EQ(bucket.take(t), 100ms);  // one token every 100 ms
  EXPECT_EQ(bucket.take(t), 200ms);  // and the next waits behind it
}

TEST(TokenBucket, RefillsOverTimeUpToTheBurst) {
  TokenBucket::Clock::time_point t{};
  TokenBucket bucket(10, 2, t);
  bucket.take(t);
  bucket.take(t);
  t += 1h;  // a long pause refills only up to the burst
  EXPECT_EQ(bucket.take(t), 0ns);
  EXPECT_EQ(bucket.take(t), 0ns);
  EXPECT_GT(bucket.take(t), 0ns);
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  TokenBucket::Clock::time_point t{};
  TokenBucket bucket(0, 1, t);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(bucket.take(t), 0ns);
}

TEST(TokenBucket, NewLimitsKeepEarnedTokensUpToTheNewBurst) {
  TokenBucket::Clock::time_point t{};
  TokenBucket bucket(0, 50, t);  // unlimited
  bucket.set_limits(10, 2, t);
  EXPECT_EQ(bucket.take(t), 0ns);
  EXPECT_EQ(bucket.take(t), 0ns);
  EXPECT_EQ(bucket.take(t), 100ms);
  bucket.set_limits(0, 2, t);  // unlimited again
  EXPECT_EQ(bucket.take(t), 0ns);
  EXPECT_EQ(bucket.take(t), 0ns);
}
