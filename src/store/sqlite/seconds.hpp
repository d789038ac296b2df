// Times in the database: whole seconds since the epoch.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/clock.hpp"

namespace parley::store::sqlite {

inline std::int64_t to_seconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

inline core::TimePoint from_seconds(std::int64_t s) { return core::TimePoint{std::chrono::seconds(s)}; }

}  // namespace parley::store::sqlite
