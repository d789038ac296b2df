#include "client/local_time.hpp"

#include <chrono>
#include <ctime>
#include <optional>

namespace parley::client {

namespace {

// "[2026-11-30T14:05:03Z] ": the digits at these places, the rest fixed.
constexpr std::string_view kShape = "[0000-00-00T00:00:00Z] ";

int number_at(std::string_view text, std::size_t at, std::size_t digits) {
  int value = 0;
  for (std::size_t i = at; i < at + digits; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

bool has_stamp_shape(std::string_view line) {
  if (line.size() < kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    bool digit = line[i] >= '0' && line[i] <= '9';
    if (kShape[i] == '0' ? !digit : line[i] != kShape[i]) return false;
  }
  return true;
}

std::optional<std::time_t> stamp_time(std::string_view line) {
  using namespace std::chrono;
  if (!has_stamp_shape(line)) return std::nullopt;
  auto field = [&](std::size_t at, std::size_t digits) { return number_at(line, at, digits); };
  year_month_day date{year{field(1, 4)}, month{static_cast<unsigned>(field(6, 2))},
                      day{static_cast<unsigned>(field(9, 2))}};
  int hour = field(12, 2);
  int minute = field(15, 2);
  int second = field(18, 2);
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  auto when = sys_days{date} + hours{hour} + minutes{minute} + seconds{second};
  return system_clock::to_time_t(when);
}

}  // namespace

std::string with_local_time(std::string_view line) {
  auto when = stamp_time(line);
  std::tm local{};
  if (!when || localtime_r(&*when, &local) == nullptr) return std::string(line);
  char stamp[64];
  std::size_t size = std::strftime(stamp, sizeof stamp, "[%Y-%m-%d %H:%M:%S] ", &local);
  if (size == 0) return std::string(line);
  return std::string(stamp, size) + std::string(line.substr(kShape.size()));
}

}  // namespace parley::client
