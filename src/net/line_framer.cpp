#include "net/line_framer.hpp"

namespace parley::net {

void LineFramer::finish_line(std::string_view tail) {
  partial_.append(tail);
  if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
  if (partial_.size() > max_line_)
    events_.emplace_back(LineTooLong{});
  else
    events_.emplace_back(Line{std::move(partial_)});
  partial_.clear();
}

void LineFramer::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    auto newline = bytes.find('\n');
    if (discarding_) {
      if (newline == std::string_view::npos) return;
      discarding_ = false;
      bytes.remove_prefix(newline + 1);
      continue;
    }
    if (newline == std::string_view::npos) {
      // +1 leaves room for a '\r' that may precede the coming '\n'.
      if (partial_.size() + bytes.size() > max_line_ + 1) {
        partial_.clear();
        discarding_ = true;
        events_.emplace_back(LineTooLong{});
      } else {
        partial_.append(bytes);
      }
      return;
    }
    if (partial_.size() + newline > max_line_ + 1) {
      partial_.clear();
      events_.emplace_back(LineTooLong{});
    } else {
      finish_line(bytes.substr(0, newline));
    }
    bytes.remove_prefix(newline + 1);
  }
}

FramedEvent LineFramer::next() {
  FramedEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace parley::net
