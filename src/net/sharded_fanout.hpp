// Fan-out by worker thread: a message for k recipients becomes one task per
// thread that has some of them, not k cross-thread posts.
#pragma once

#include "core/message.hpp"
#include "net/io_pool.hpp"

namespace parley::net {

class ShardedFanout final : public core::Fanout {
 public:
  explicit ShardedFanout(IoPool& pool) : pool_(pool) {}
  void deliver(core::Recipients recipients, core::EnvelopePtr envelope) override;

 private:
  IoPool& pool_;
};

}  // namespace parley::net
