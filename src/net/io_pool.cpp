#include "net/io_pool.hpp"

namespace parley::net {

IoPool::IoPool(std::size_t threads) {
  if (threads == 0) threads = 1;
  for (std::size_t i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    guards_.emplace_back(asio::make_work_guard(*contexts_.back()));
  }
}

IoPool::~IoPool() { stop(); }

std::size_t IoPool::next_index() { return next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size(); }

void IoPool::start() {
  for (auto& ctx : contexts_) threads_.emplace_back([c = ctx.get()] { c->run(); });
}

void IoPool::stop() {
  guards_.clear();
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace parley::net
