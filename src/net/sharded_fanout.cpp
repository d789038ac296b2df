#include "net/sharded_fanout.hpp"

#include <boost/asio/post.hpp>
#include <vector>

namespace parley::net {

void ShardedFanout::deliver(core::Recipients recipients, core::EnvelopePtr envelope) {
  auto* here = Worker::current();
  auto local = [here](const core::Participant& p) { return here && p.shard() == here->index(); };
  if (recipients.size() == 1) {
    auto& p = recipients.front();
    if (local(*p)) return p->deliver_here(std::move(envelope));
    return p->deliver(std::move(envelope));
  }
  // Recipients on this thread are served now; each other thread gets one task.
  std::vector<core::Recipients> by_shard(pool_.size());
  for (auto& p : recipients) {
    if (local(*p))
      p->deliver_here(envelope);
    else
      by_shard[p->shard() % by_shard.size()].push_back(std::move(p));
  }
  for (std::size_t shard = 0; shard < by_shard.size(); ++shard) {
    if (by_shard[shard].empty()) continue;
    asio::post(pool_.at(shard), [group = std::move(by_shard[shard]), envelope] {
      for (auto& p : group) p->deliver_here(envelope);
    });
  }
}

}  // namespace parley::net
