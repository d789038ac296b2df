#include "net/worker.hpp"

#include <boost/asio/post.hpp>

#include "net/connection.hpp"

namespace parley::net {

namespace {
thread_local Worker* current_worker = nullptr;
}

Worker::Worker(asio::io_context& context, std::size_t index)
    : context_(context), poller_(context), index_(index), sweep_timer_(context) {}

Worker* Worker::current() { return current_worker; }
void Worker::make_current() { current_worker = this; }

void Worker::schedule_end_of_pass() {
  if (pass_end_posted_) return;
  pass_end_posted_ = true;
  asio::post(context_, [this] { end_pass(); });
}

void Worker::schedule_flush(Connection& c) {
  schedule_end_of_pass();
  flush_list_.push_back(&c);
  flush_owners_.push_back(c.owner());
}

void Worker::set_peers(std::vector<Worker*> peers) {
  peers_ = std::move(peers);
  outbox_.resize(peers_.size());
}

void Worker::deliver_elsewhere(std::size_t to, std::shared_ptr<core::Participant> participant,
                               core::EnvelopePtr envelope) {
  schedule_end_of_pass();
  outbox_.at(to).emplace_back(std::move(participant), std::move(envelope));
}

void Worker::end_pass() {
  pass_end_posted_ = false;
  // Other threads first, so they work while this one writes.
  for (std::size_t to = 0; to < outbox_.size(); ++to) {
    if (outbox_[to].empty()) continue;
    asio::post(peers_[to]->context_, [batch = std::move(outbox_[to])] {
      for (auto& [participant, envelope] : batch) participant->deliver_here(envelope);
    });
    outbox_[to] = {};
  }
  // Flushing may schedule more (a close that posts): take the lists first.
  auto list = std::move(flush_list_);
  auto owners = std::move(flush_owners_);
  flush_list_.clear();
  flush_owners_.clear();
  for (auto* c : list) c->flush();
  // Keep the larger buffers for the next pass.
  if (flush_list_.empty() && list.capacity() > flush_list_.capacity()) {
    list.clear();
    owners.clear();
    flush_list_.swap(list);
    flush_owners_.swap(owners);
  }
}

void Worker::attach(Connection& c) {
  c.list_prev_ = nullptr;
  c.list_next_ = head_;
  if (head_) head_->list_prev_ = &c;
  head_ = &c;
  ++live_;
}

void Worker::detach(Connection& c) {
  if (c.list_prev_)
    c.list_prev_->list_next_ = c.list_next_;
  else if (head_ == &c)
    head_ = c.list_next_;
  else
    return;  // not attached
  if (c.list_next_) c.list_next_->list_prev_ = c.list_prev_;
  c.list_prev_ = c.list_next_ = nullptr;
}

void Worker::for_each(const std::function<void(Connection&)>& f) {
  // `f` may detach the connection it is given: step before calling it.
  for (Connection* c = head_; c;) {
    Connection* next = c->list_next_;
    auto keep = c->owner();
    f(*c);
    c = next;
  }
}

void Worker::start() {
  make_current();
  poller_.start();
  start_sweep();
}

void Worker::start_sweep() {
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    sweep();
    start_sweep();
  });
}

void Worker::sweep() {
  auto now = Clock::now();
  for (Connection* c = head_; c;) {
    Connection* next = c->list_next_;
    if (c->deadline_ <= now) {
      auto keep = c->owner();
      c->on_deadline(now);
    }
    c = next;
  }
}

}  // namespace parley::net
