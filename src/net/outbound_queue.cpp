#include "net/outbound_queue.hpp"

namespace parley::net {

void OutboundQueue::push_shared(std::shared_ptr<const std::string> bytes) {
  if (bytes->empty()) return;
  queued_ += bytes->size();
  pieces_.push_back(Piece{std::move(bytes), {}});
}

void OutboundQueue::push_copy(std::string_view bytes) {
  if (bytes.empty()) return;
  queued_ += bytes.size();
  // Appending to the last owned piece is safe even when it is partly
  // written: writes address it by offset, never by a kept pointer.
  if (pieces_.size() > head_ && !pieces_.back().shared)
    pieces_.back().owned.append(bytes);
  else
    pieces_.push_back(Piece{nullptr, std::string(bytes)});
}

std::size_t OutboundQueue::gather(std::span<std::string_view> out) const {
  std::size_t n = 0;
  for (std::size_t i = head_; i < pieces_.size() && n < out.size(); ++i, ++n) {
    auto bytes = pieces_[i].bytes();
    out[n] = i == head_ ? bytes.substr(offset_) : bytes;
  }
  return n;
}

void OutboundQueue::consume(std::size_t bytes) {
  queued_ -= bytes;
  while (bytes > 0) {
    auto left = pieces_[head_].bytes().size() - offset_;
    if (bytes < left) {
      offset_ += static_cast<std::uint32_t>(bytes);
      return;
    }
    bytes -= left;
    pieces_[head_] = Piece{};
    ++head_;
    offset_ = 0;
  }
  if (head_ == pieces_.size()) {
    // Idle connections keep no queue memory.
    pieces_ = {};
    head_ = 0;
  } else if (head_ >= 32 && head_ * 2 >= pieces_.size()) {
    // A queue that never empties must not keep its written pieces.
    pieces_.erase(pieces_.begin(), pieces_.begin() + head_);
    head_ = 0;
  }
}

void OutboundQueue::clear() {
  pieces_ = {};
  head_ = 0;
  offset_ = 0;
  queued_ = 0;
}

}  // namespace parley::net
