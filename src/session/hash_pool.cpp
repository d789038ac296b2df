#include "session/hash_pool.hpp"

#include <boost/asio/post.hpp>

namespace parley::session {

HashPool::HashPool(std::size_t threads) : threads_(threads == 0 ? 1 : threads), pool_(threads_) {}

HashPool::~HashPool() { join(); }

void HashPool::submit(std::function<void()> job) { boost::asio::post(pool_, std::move(job)); }

void HashPool::join() { pool_.join(); }

}  // namespace parley::session
