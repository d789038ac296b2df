#include "session/login_queue.hpp"

#include <algorithm>

namespace parley::session {

LoginQueue::LoginQueue(Limits limits)
    : limits_{std::max<std::size_t>(limits.threads, 1), std::max<std::size_t>(limits.per_share, 1),
              limits.max_waiting} {
  for (std::size_t i = 0; i < limits_.threads; ++i) threads_.emplace_back([this] { serve(); });
}

LoginQueue::~LoginQueue() { stop(); }

void LoginQueue::update(std::size_t per_share, std::size_t max_waiting) {
  {
    std::lock_guard lock(mutex_);
    limits_.per_share = std::max<std::size_t>(per_share, 1);
    limits_.max_waiting = max_waiting;
  }
  ready_.notify_all();  // a higher per_share may let waiting checks run
}

LoginQueue::Limits LoginQueue::limits() const {
  std::lock_guard lock(mutex_);
  return limits_;
}

void LoginQueue::stop() {
  std::vector<Job> dropped;  // destroyed outside the lock
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [name, share] : shares_)
      for (auto& w : share.waiting) dropped.push_back(std::move(w.job));
    shares_.clear();
    turns_.clear();
    where_.clear();
    waiting_ = 0;
  }
  ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::optional<LoginQueue::Ticket> LoginQueue::submit(Job job) {
  Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || waiting_ >= limits_.max_waiting) return std::nullopt;
    ticket = next_ticket_++;
    auto* entry = &*shares_.try_emplace(job.share).first;
    where_.emplace(ticket, job.share);
    entry->second.waiting.push_back({ticket, std::move(job)});
    ++waiting_;
    if (!entry->second.in_turn) {
      entry->second.in_turn = true;
      turns_.push_back(entry);
    }
  }
  ready_.notify_one();
  return ticket;
}

void LoginQueue::cancel(Ticket ticket) {
  std::optional<Job> cancelled;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  auto where = where_.find(ticket);
  if (where == where_.end()) return;  // running, done or dropped
  auto* entry = &*shares_.find(where->second);
  where_.erase(where);
  auto& waiting = entry->second.waiting;
  auto w = std::find_if(waiting.begin(), waiting.end(), [&](const Waiting& x) { return x.ticket == ticket; });
  cancelled = std::move(w->job);
  waiting.erase(w);
  --waiting_;
  if (waiting.empty() && entry->second.in_turn) {
    turns_.remove(entry);
    entry->second.in_turn = false;
  }
  forget_if_idle(entry);
}

std::size_t LoginQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

void LoginQueue::forget_if_idle(Shares::value_type* entry) {
  if (entry->second.waiting.empty() && entry->second.running == 0) shares_.erase(shares_.find(entry->first));
}

std::optional<LoginQueue::Job> LoginQueue::next_locked(std::vector<Job>& dropped) {
  // One pass over the shares in turn order; a share that is served goes to
  // the back of the line.
  for (auto turn = turns_.begin(); turn != turns_.end();) {
    auto* entry = *turn;
    Share& share = entry->second;
    if (!share.waiting.empty() && (share.running < limits_.per_share || share.waiting.front().job.exempt)) {
      auto& front = share.waiting.front();
      auto admit = front.job.admit();
      if (admit != Admit::wait) {
        Job job = std::move(front.job);
        where_.erase(front.ticket);
        share.waiting.pop_front();
        --waiting_;
        auto after = std::next(turn);
        turns_.erase(turn);
        share.in_turn = false;
        if (!share.waiting.empty()) {
          share.in_turn = true;
          turns_.push_back(entry);
        }
        if (admit == Admit::drop) {
          dropped.push_back(std::move(job));
          forget_if_idle(entry);
          turn = after;
          continue;
        }
        ++share.running;
        return job;
      }
    }
    ++turn;
  }
  return std::nullopt;
}

void LoginQueue::serve() {
  std::unique_lock lock(mutex_);
  while (true) {
    std::vector<Job> dropped;
    auto job = next_locked(dropped);
    if (!job && !dropped.empty()) {
      lock.unlock();
      dropped.clear();  // their captures are released without the lock
      lock.lock();
      continue;
    }
    if (!job) {
      if (stopping_) return;
      ready_.wait(lock);
      continue;
    }
    auto share = job->share;
    lock.unlock();
    dropped.clear();
    job->run();
    job.reset();
    lock.lock();
    if (auto it = shares_.find(share); it != shares_.end()) {
      --it->second.running;
      forget_if_idle(&*it);
    }
    ready_.notify_all();  // a share under its cap, or a lockout pair no longer pending
  }
}

}  // namespace parley::session
