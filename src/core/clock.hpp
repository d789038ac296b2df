// Wall-clock time for the chat rules, injectable so tests never wait.
#pragma once

#include <atomic>
#include <chrono>

namespace parley::core {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::hours(24 * 365 * 50)}) : now_(start) {}
  TimePoint now() const override { return now_.load(); }
  void advance(std::chrono::system_clock::duration d) { now_.store(now_.load() + d); }
  void set(TimePoint t) { now_.store(t); }

 private:
  std::atomic<TimePoint> now_;
};

}  // namespace parley::core
