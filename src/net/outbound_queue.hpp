// Bytes waiting to be written to one peer: shared message buffers (one
// encoding per message, referenced by every recipient) and the peer's own
// replies, appended into one owned buffer so a reply and its prompt go out
// together. Memory is released once everything is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parley::net {

class OutboundQueue {
 public:
  void push_shared(std::shared_ptr<const std::string> bytes);
  void push_copy(std::string_view bytes);

  // Up to `out.size()` pieces from the front, the first one past what was
  // already written; returns how many were filled.
  std::size_t gather(std::span<std::string_view> out) const;
  // Drops `bytes` from the front (what a write took).
  void consume(std::size_t bytes);
  void clear();

  bool empty() const { return queued_ == 0; }
  std::size_t queued_bytes() const { return queued_; }

 private:
  struct Piece {
    std::shared_ptr<const std::string> shared;  // null: `owned` holds the bytes
    std::string owned;
    std::string_view bytes() const { return shared ? std::string_view(*shared) : std::string_view(owned); }
  };
  std::vector<Piece> pieces_;
  std::size_t queued_ = 0;
  std::uint32_t head_ = 0;    // first piece not fully written
  std::uint32_t offset_ = 0;  // bytes of pieces_[head_] already written
};

}  // namespace parley::net
