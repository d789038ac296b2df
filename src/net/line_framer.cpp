#include "net/line_framer.hpp"

namespace parley::net {

namespace {
std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}
}  // namespace

LineFramer::Status LineFramer::next(std::string_view& input, std::string_view& line) {
  if (partial_done_) {
    partial_.clear();
    partial_done_ = false;
    if (partial_.capacity() > 256) partial_.shrink_to_fit();
  }
  while (!input.empty()) {
    auto newline = input.find('\n');
    if (discarding_) {
      if (newline == std::string_view::npos) {
        input = {};
        return Status::need_more;
      }
      discarding_ = false;
      input.remove_prefix(newline + 1);
      continue;
    }
    if (newline == std::string_view::npos) {
      // +1 leaves room for a '\r' that may precede the coming '\n'.
      if (partial_.size() + input.size() > max_line_ + 1) {
        partial_.clear();
        partial_.shrink_to_fit();
        discarding_ = true;
        input = {};
        return Status::too_long;
      }
      partial_.append(input);
      input = {};
      return Status::need_more;
    }
    auto piece = input.substr(0, newline);
    input.remove_prefix(newline + 1);
    if (partial_.size() + piece.size() > max_line_ + 1) {
      partial_.clear();
      return Status::too_long;
    }
    if (partial_.empty()) {
      line = without_cr(piece);
    } else {
      partial_.append(piece);
      partial_done_ = true;
      line = without_cr(partial_);
    }
    if (line.size() > max_line_) {
      partial_.clear();
      partial_done_ = false;
      return Status::too_long;
    }
    return Status::line;
  }
  return Status::need_more;
}

}  // namespace parley::net
