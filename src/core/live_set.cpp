#include "core/live_set.hpp"

namespace parley::core {

void LiveSet::add(const std::shared_ptr<Participant>& participant) {
  auto [it, added] = index_.try_emplace(participant.get(), connections_.size());
  if (added) connections_.push_back(participant);
}

void LiveSet::remove(const Participant* participant) {
  auto it = index_.find(participant);
  if (it == index_.end()) return;
  std::size_t hole = it->second;
  index_.erase(it);
  if (hole != connections_.size() - 1) {
    connections_[hole] = std::move(connections_.back());
    index_[connections_[hole].get()] = hole;
  }
  connections_.pop_back();
}

Recipients LiveSet::all_but(const Participant* except) const {
  Recipients out;
  out.reserve(connections_.size());
  for (const auto& p : connections_)
    if (p.get() != except) out.push_back(p);
  return out;
}

}  // namespace parley::core
