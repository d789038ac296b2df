// A flood budget: `burst` actions at once, then `rate` per second.
#pragma once

#include <algorithm>
#include <chrono>

namespace parley::core {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // rate 0 means unlimited.
  TokenBucket(double rate_per_second, double burst, Clock::time_point now)
      : rate_(rate_per_second), burst_(std::max(burst, 1.0)), tokens_(burst_), updated_(now) {}

  // Takes one token; returns how long the caller must wait before acting
  // (zero when a token was there). Waiting callers queue up in order.
  std::chrono::nanoseconds take(Clock::time_point now) {
    if (rate_ <= 0) return {};
    double elapsed = std::chrono::duration<double>(now - updated_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    updated_ = now;
    tokens_ -= 1;
    if (tokens_ >= 0) return {};
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(-tokens_ / rate_));
  }

  // New limits from `now` on; tokens already earned are kept up to the new burst.
  void set_limits(double rate_per_second, double burst, Clock::time_point now) {
    if (rate_ > 0) tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - updated_).count() * rate_);
    updated_ = now;
    rate_ = rate_per_second;
    burst_ = std::max(burst, 1.0);
    tokens_ = std::min(tokens_, burst_);
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point updated_;
};

}  // namespace parley::core
