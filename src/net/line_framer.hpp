// Splits a byte stream into lines with a hard bound on line length.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <variant>

namespace parley::net {

struct Line {
  std::string text;  // without "\n" or "\r\n"
};
struct LineTooLong {};
using FramedEvent = std::variant<Line, LineTooLong>;

class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

  // Memory stays below max_line plus what one feed() adds in events: callers
  // drain next() before feeding more.
  void feed(std::string_view bytes);
  bool has_next() const { return !events_.empty(); }
  FramedEvent next();
  std::size_t buffered() const { return partial_.size(); }

 private:
  void finish_line(std::string_view tail);

  std::size_t max_line_;
  std::string partial_;
  bool discarding_ = false;  // inside a line already reported as too long
  std::deque<FramedEvent> events_;
};

}  // namespace parley::net
