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

// Whether a password check may be decided now.
enum class CheckAdmission {
  admitted,  // counted as pending until finish_check()
  wait,      // enough checks are pending to start a block: decide them first
  blocked,   // the pair is blocked; `left` says for how long
};
struct CheckStart {
  CheckAdmission admission = CheckAdmission::blocked;
  std::chrono::seconds left{0};
};

enum class CheckResult { ok, failed, block_started, blocked };
struct CheckEnd {
  CheckResult result = CheckResult::failed;
  std::chrono::seconds block{0};  // block_started: its length; blocked: time left
};

// Not thread-safe: the owner serialises calls.
//
// Checks run concurrently, so a pair counts its pending checks with its
// failures: at most max_failures checks are ever decided before a block
// starts, however many connections try at once.
class LockoutTracker {
 public:
  explicit LockoutTracker(LockoutPolicy policy) : policy_(policy) {}

  // Time left on a block of this pair, if it is blocked.
  std::optional<std::chrono::seconds> blocked_for(std::string_view user, std::string_view address, TimePoint now);

  // Counts a failure; returns the block length when this failure starts a block.
  std::optional<std::chrono::seconds> record_failure(std::string_view user, std::string_view address, TimePoint now);

  void record_success(std::string_view user, std::string_view address);

  // Call before hashing a password for the pair.
  CheckStart begin_check(std::string_view user, std::string_view address, TimePoint now);
  // Call with the result of an admitted check. A check that ends while the
  // pair is blocked is refused whatever its result, and a success never
  // lifts a block.
  CheckEnd finish_check(std::string_view user, std::string_view address, bool password_ok, TimePoint now);
  std::size_t pending_checks() const { return pending_.size(); }

  std::size_t size() const { return entries_.size(); }
  const LockoutPolicy& policy() const { return policy_; }
  // From now on: a block already started keeps its end, and a pair whose
  // failures reach a lower max_failures is blocked at its next failure.
  void set_policy(const LockoutPolicy& policy);

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
  std::list<std::string> age_;                    // keys by last failure, oldest first
  std::unordered_map<std::string, int> pending_;  // admitted checks not yet finished, by key
};

}  // namespace parley::core
