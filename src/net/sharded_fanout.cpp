#include "net/sharded_fanout.hpp"

#include <boost/asio/post.hpp>
#include <vector>

namespace parley::net {

void ShardedFanout::deliver(core::Recipients recipients, core::EnvelopePtr envelope) {
  auto* here = Worker::current();
  if (here) {
    // Recipients on this thread are served now; the others at the end of
    // this pass, in one task per thread for everything sent there.
    for (auto& p : recipients) {
      auto shard = p->shard();
      if (shard == here->index())
        p->deliver_here(envelope);
      else
        here->deliver_elsewhere(shard, std::move(p), envelope);
    }
    return;
  }
  // Off the worker threads: one task per thread that has recipients.
  std::vector<core::Recipients> by_shard(pool_.size());
  for (auto& p : recipients) by_shard[p->shard() % by_shard.size()].push_back(std::move(p));
  for (std::size_t shard = 0; shard < by_shard.size(); ++shard) {
    if (by_shard[shard].empty()) continue;
    asio::post(pool_.at(shard), [group = std::move(by_shard[shard]), envelope] {
      for (auto& p : group) p->deliver_here(envelope);
    });
  }
}

}  // namespace parley::net
