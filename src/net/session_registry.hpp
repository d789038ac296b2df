// Every live session, so shutdown can reach the ones not logged in too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace parley::net {

class Stoppable {
 public:
  virtual ~Stoppable() = default;
  // Called from any thread: tell the peer, then close.
  virtual void shutdown() = 0;
};

class SessionRegistry {
 public:
  void add(const std::shared_ptr<Stoppable>& session);
  void remove(const Stoppable* session);
  void shutdown_all();
  // True when the registry emptied before the timeout.
  bool wait_empty(std::chrono::milliseconds timeout);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable emptied_;
  std::unordered_map<const Stoppable*, std::weak_ptr<Stoppable>> sessions_;
};

}  // namespace parley::net
