// Failed-login accounting per (username, client address).
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"

namespace parley::core {

struct LockoutPolicy {
  int max_failures = 3;                      // LOGIN_TIMES
  std::chrono::seconds block_time{60};       // BLOCK_TIME
  std::chrono::seconds forget_after{86400};  // a failure count older than this is dropped
  std::size_t max_entries = 100000;          // memory bound: the oldest entry is dropped first
};

// Not thread-safe: the owner serialises calls.
class LockoutTracker {
 public:
  explicit LockoutTracker(LockoutPolicy policy) : policy_(policy) {}

  // Time left on a block of this pair, if it is blocked.
  std::optional<std::chrono::seconds> blocked_for(std::string_view user, std::string_view address, TimePoint now);

  // Counts a failure; returns the block length when this failure starts a block.
  std::optional<std::chrono::seconds> record_failure(std::string_view user, std::string_view address, TimePoint now);

  void record_success(std::string_view user, std::string_view address);

  std::size_t size() const { return entries_.size(); }
  const LockoutPolicy& policy() const { return policy_; }

 private:
  struct Entry {
    int failures = 0;
    TimePoint last_failure{};
    TimePoint blocked_until{};
    std::list<std::string>::iterator age;  // position in age_ (oldest first)
  };
  static std::string key(std::string_view user, std::string_view address);
  void erase(std::unordered_map<std::string, Entry>::iterator it);
  void expire(TimePoint now);

  LockoutPolicy policy_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> age_;  // keys by last failure, oldest first
};

}  // namespace parley::core
