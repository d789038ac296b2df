// Monotonic time in nanoseconds, shared by every thread of the process, so a
// timestamp written into a message by one worker can be compared with the
// time another worker received it.
#pragma once

#include <chrono>
#include <cstdint>

namespace parley_load {

using Ns = std::int64_t;

inline Ns now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline Ns seconds_ns(double s) { return static_cast<Ns>(s * 1e9); }
inline double to_seconds(Ns ns) { return static_cast<double>(ns) / 1e9; }

}  // namespace parley_load
