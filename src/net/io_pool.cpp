#include "net/io_pool.hpp"

#include <boost/asio/post.hpp>
#include <future>

#include "net/connection.hpp"

namespace parley::net {

IoPool::IoPool(std::size_t threads) {
  if (threads == 0) threads = 1;
  for (std::size_t i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    workers_.push_back(std::make_unique<Worker>(*contexts_.back(), i));
    guards_.emplace_back(asio::make_work_guard(*contexts_.back()));
  }
  std::vector<Worker*> peers;
  for (auto& w : workers_) peers.push_back(w.get());
  for (auto& w : workers_) w->set_peers(peers);
}

IoPool::~IoPool() { stop(); }

std::size_t IoPool::next_index() { return next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size(); }

void IoPool::start() {
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    threads_.emplace_back([context = contexts_[i].get(), worker = workers_[i].get()] {
      worker->start();
      context->run();
    });
  }
}

void IoPool::stop() {
  guards_.clear();
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  // Connections still open hold themselves through their transports' waits:
  // close them, or they would outlive the pool.
  for (auto& w : workers_) w->for_each([](Connection& c) { c.close(); });
}

namespace {
// Runs `f` on the worker's thread and waits for it.
template <class F>
auto on_worker(Worker& worker, F f) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  asio::post(worker.context(), [&task] { task(); });
  return result.get();
}
}  // namespace

void IoPool::for_each_connection(const std::function<void(Connection&)>& f) {
  for (auto& w : workers_) on_worker(*w, [&] { w->for_each(f); });
}

std::size_t IoPool::connections() {
  std::size_t total = 0;
  for (auto& w : workers_) total += on_worker(*w, [&] { return w->connections(); });
  return total;
}

bool IoPool::wait_no_connections(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (connections() == 0) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace parley::net
