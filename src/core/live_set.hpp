// The connections of a room's online members: O(1) to add and remove, and
// a fan-out copies one contiguous vector.
#pragma once

#include <cstddef>
#include <unordered_map>

#include "core/message.hpp"

namespace parley::core {

class LiveSet {
 public:
  void add(const std::shared_ptr<Participant>& participant);
  void remove(const Participant* participant);
  bool empty() const { return connections_.empty(); }
  std::size_t size() const { return connections_.size(); }
  // Every connection but `except` (the sender's own, say).
  Recipients all_but(const Participant* except) const;
  const Recipients& connections() const { return connections_; }

 private:
  Recipients connections_;
  std::unordered_map<const Participant*, std::size_t> index_;
};

}  // namespace parley::core
