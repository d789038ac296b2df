#include "metrics/registry.hpp"

namespace parley::metrics {

ThreadCounters& Registry::attach() {
  std::lock_guard lock(mutex_);
  if (!free_.empty()) {
    auto* block = free_.back();
    free_.pop_back();
    return *block;
  }
  blocks_.push_back(std::make_unique<ThreadCounters>());
  return *blocks_.back();
}

void Registry::release(ThreadCounters& block) {
  std::lock_guard lock(mutex_);
  free_.push_back(&block);
}

Snapshot Registry::snapshot() const {
  Snapshot out;
  std::lock_guard lock(mutex_);
  for (const auto& block : blocks_)
    for (std::size_t i = 0; i < kFigures; ++i) out.values[i] += block->values[i].load(std::memory_order_relaxed);
  return out;
}

std::size_t Registry::blocks() const {
  std::lock_guard lock(mutex_);
  return blocks_.size();
}

Registry& process_registry() {
  static auto* registry = new Registry;  // never destroyed: see the header
  return *registry;
}

namespace detail {

namespace {
// Gives the thread's block back when the thread ends.
struct Holder {
  ThreadCounters* block = nullptr;
  ~Holder() {
    if (block) process_registry().release(*block);
    tls_block = nullptr;
  }
};
}  // namespace

ThreadCounters& attach_this_thread() {
  thread_local Holder holder;
  if (!holder.block) holder.block = &process_registry().attach();
  tls_block = holder.block;
  return *holder.block;
}

}  // namespace detail

}  // namespace parley::metrics
