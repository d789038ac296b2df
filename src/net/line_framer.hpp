// Splits a byte stream into lines with a hard bound on line length. Keeps
// only an unfinished line between reads; complete lines are handed out as
// views into the caller's buffer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::net {

class LineFramer {
 public:
  enum class Status {
    line,       // `line` holds one line, without "\n" or "\r\n"
    too_long,   // a line over the limit was dropped (reported once per line)
    need_more,  // `input` is used up
  };

  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

  // Takes bytes from the front of `input` up to the end of the next line.
  // `line` stays valid until the next call or until `input`'s bytes change.
  Status next(std::string_view& input, std::string_view& line);
  std::size_t buffered() const { return partial_.size(); }
  std::size_t max_line() const { return max_line_; }

 private:
  std::size_t max_line_;
  std::string partial_;        // an unfinished line from earlier input
  bool partial_done_ = false;  // partial_ was handed out and must be cleared
  bool discarding_ = false;    // inside a line already reported as too long
};

}  // namespace parley::net
