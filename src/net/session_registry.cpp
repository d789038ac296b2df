#include "net/session_registry.hpp"

#include <vector>

namespace parley::net {

void SessionRegistry::add(const std::shared_ptr<Stoppable>& session) {
  std::lock_guard lock(mutex_);
  sessions_[session.get()] = session;
}

void SessionRegistry::remove(const Stoppable* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
  if (sessions_.empty()) emptied_.notify_all();
}

void SessionRegistry::shutdown_all() {
  std::vector<std::shared_ptr<Stoppable>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [ptr, weak] : sessions_)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->shutdown();  // unlocked: shutdown() posts to the session's thread
}

bool SessionRegistry::wait_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_for(lock, timeout, [&] { return sessions_.empty(); });
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace parley::net
