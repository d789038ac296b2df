#include "core/lockout.hpp"

#include "core/account_name.hpp"

namespace parley::core {

namespace {
std::chrono::seconds ceil_seconds(std::chrono::system_clock::duration d) {
  return std::chrono::ceil<std::chrono::seconds>(d);
}
}  // namespace

std::string LockoutTracker::key(std::string_view user, std::string_view address) {
  std::string k;
  k.reserve(user.size() + address.size() + 1);
  k.append(address).push_back('\0');  // a NUL cannot occur in an address
  k.append(fold_name(user));          // `Alice` and `alice` are one account
  return k;
}

void LockoutTracker::erase(std::unordered_map<std::string, Entry>::iterator it) {
  age_.erase(it->second.age);
  entries_.erase(it);
}

void LockoutTracker::expire(TimePoint now) {
  while (!age_.empty()) {
    auto it = entries_.find(age_.front());
    const Entry& e = it->second;
    bool stale = now - e.last_failure >= policy_.forget_after && now >= e.blocked_until;
    if (!stale && entries_.size() <= policy_.max_entries) break;
    erase(it);
  }
}

std::optional<std::chrono::seconds> LockoutTracker::blocked_for(std::string_view user, std::string_view address,
                                                                TimePoint now) {
  expire(now);
  auto it = entries_.find(key(user, address));
  if (it == entries_.end() || now >= it->second.blocked_until) return std::nullopt;
  return ceil_seconds(it->second.blocked_until - now);
}

std::optional<std::chrono::seconds> LockoutTracker::record_failure(std::string_view user, std::string_view address,
                                                                   TimePoint now) {
  expire(now);
  auto k = key(user, address);
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    age_.push_back(k);
    it = entries_.emplace(std::move(k), Entry{}).first;
    it->second.age = std::prev(age_.end());
  } else {
    age_.splice(age_.end(), age_, it->second.age);
  }
  Entry& e = it->second;
  if (now >= e.blocked_until && e.blocked_until != TimePoint{}) {
    e.failures = 0;  // a block that has run out starts a fresh count
    e.blocked_until = {};
  }
  e.last_failure = now;
  ++e.failures;
  std::optional<std::chrono::seconds> started;
  if (e.failures >= policy_.max_failures) {
    e.blocked_until = now + policy_.block_time;
    started = policy_.block_time;
  }
  expire(now);
  return started;
}

void LockoutTracker::record_success(std::string_view user, std::string_view address) {
  auto it = entries_.find(key(user, address));
  if (it != entries_.end()) erase(it);
}

void LockoutTracker::set_policy(const LockoutPolicy& policy) {
  policy_ = policy;
  // A count at or past the new limit would never be admitted to a check.
  for (auto& [k, e] : entries_)
    if (e.blocked_until == TimePoint{} && e.failures >= policy_.max_failures) e.failures = policy_.max_failures - 1;
}

CheckStart LockoutTracker::begin_check(std::string_view user, std::string_view address, TimePoint now) {
  if (auto left = blocked_for(user, address, now)) return {CheckAdmission::blocked, *left};
  auto k = key(user, address);
  int failures = 0;
  if (auto it = entries_.find(k); it != entries_.end() && it->second.blocked_until == TimePoint{})
    failures = it->second.failures;  // a block that ran out starts a fresh count
  auto& pending = pending_[k];
  if (failures + pending >= policy_.max_failures) {
    if (pending == 0) pending_.erase(k);
    return {CheckAdmission::wait, {}};
  }
  ++pending;
  return {CheckAdmission::admitted, {}};
}

CheckEnd LockoutTracker::finish_check(std::string_view user, std::string_view address, bool password_ok,
                                      TimePoint now) {
  if (auto it = pending_.find(key(user, address)); it != pending_.end() && --it->second <= 0) pending_.erase(it);
  if (auto left = blocked_for(user, address, now)) return {CheckResult::blocked, *left};
  if (password_ok) {
    record_success(user, address);
    return {CheckResult::ok, {}};
  }
  if (auto block = record_failure(user, address, now)) return {CheckResult::block_started, *block};
  return {CheckResult::failed, {}};
}

}  // namespace parley::core
