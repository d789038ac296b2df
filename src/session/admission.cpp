#include "session/admission.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace parley::session {

using Clock = std::chrono::steady_clock;

const char* describe(Refusal refusal) {
  switch (refusal) {
    case Refusal::server_full:
      return "server full";
    case Refusal::too_many_connections:
      return "too many connections from the address";
    case Refusal::too_many_logins:
      return "too many connections logging in from the address";
    case Refusal::too_many_failures:
      return "too many failed logins from the address";
    case Refusal::busy:
      return "password check queue full";
  }
  return "refused";
}

metrics::Figure figure(Refusal refusal) {
  switch (refusal) {
    case Refusal::server_full:
      return metrics::Figure::refused_server_full;
    case Refusal::too_many_connections:
      return metrics::Figure::refused_too_many_connections;
    case Refusal::too_many_logins:
      return metrics::Figure::refused_too_many_logins;
    case Refusal::too_many_failures:
      return metrics::Figure::refused_too_many_failures;
    case Refusal::busy:
      break;
  }
  return metrics::Figure::refused_busy;
}

Admission::Admission(AddressLimits limits, net::NetworkList exempt) : limits_(limits), exempt_(std::move(exempt)) {}

Admission::Pass::Pass(Pass&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      share_(std::move(other.share_)),
      exempt_(other.exempt_),
      logging_in_(other.logging_in_) {}

Admission::Pass& Admission::Pass::operator=(Pass&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    share_ = std::move(other.share_);
    exempt_ = other.exempt_;
    logging_in_ = other.logging_in_;
  }
  return *this;
}

Admission::Pass::~Pass() { release(); }

void Admission::Pass::release() {
  if (owner_) owner_->release(*this);
  owner_ = nullptr;
}

void Admission::Pass::logged_in() {
  if (owner_ && logging_in_) owner_->logged_in(*this);
}

std::optional<std::chrono::seconds> Admission::blocked_locked(Share& share, Clock::time_point now) const {
  if (limits_.failures_per_address == 0 || share.failures < limits_.failures_per_address) return std::nullopt;
  auto end = share.window_start + limits_.failure_window;
  if (now >= end) {
    share.failures = 0;
    return std::nullopt;
  }
  return std::chrono::ceil<std::chrono::seconds>(end - now);
}

void Admission::forget_if_idle(Shares::iterator it, Clock::time_point now) {
  const Share& s = it->second;
  bool window_over = s.failures == 0 || now - s.window_start >= limits_.failure_window;
  if (s.connections == 0 && window_over) shares_.erase(it);
}

std::variant<Admission::Pass, Admission::Refused> Admission::admit(const std::string& address, Clock::time_point now) {
  Pass pass;
  pass.share_ = net::address_share(address);
  std::lock_guard lock(mutex_);
  pass.exempt_ = exempt_.contains(address);
  if (shares_.size() > sweep_at_) sweep(now);
  if (connections_ >= limits_.max_connections) return Refused{Refusal::server_full};
  if (!pass.exempt_) {
    auto it = shares_.find(pass.share_);
    if (it != shares_.end()) {
      Share& s = it->second;
      if (auto left = blocked_locked(s, now)) return Refused{Refusal::too_many_failures, *left};
      if (limits_.connections_per_address && s.connections >= limits_.connections_per_address)
        return Refused{Refusal::too_many_connections};
      if (limits_.logins_per_address && s.logging_in >= limits_.logins_per_address)
        return Refused{Refusal::too_many_logins};
    }
    Share& s = shares_[pass.share_];
    ++s.connections;
    ++s.logging_in;
  }
  ++connections_;
  pass.owner_ = this;
  pass.logging_in_ = true;
  return pass;
}

// Shares whose last connection left while their failure window ran are
// dropped here, once the table has doubled since the last sweep.
void Admission::sweep(Clock::time_point now) {
  for (auto it = shares_.begin(); it != shares_.end();) {
    auto next = std::next(it);
    forget_if_idle(it, now);
    it = next;
  }
  sweep_at_ = std::max<std::size_t>(1024, 2 * shares_.size());
}

void Admission::release(Pass& pass) {
  std::lock_guard lock(mutex_);
  --connections_;
  if (pass.exempt_) return;
  auto it = shares_.find(pass.share_);
  if (it == shares_.end()) return;
  --it->second.connections;
  if (pass.logging_in_) --it->second.logging_in;
  forget_if_idle(it, Clock::now());
}

void Admission::logged_in(Pass& pass) {
  pass.logging_in_ = false;
  if (pass.exempt_) return;
  std::lock_guard lock(mutex_);
  if (auto it = shares_.find(pass.share_); it != shares_.end()) --it->second.logging_in;
}

std::optional<std::chrono::seconds> Admission::record_failure(const std::string& share, bool exempt,
                                                              Clock::time_point now) {
  if (exempt) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (limits_.failures_per_address == 0) return std::nullopt;
  Share& s = shares_[share];
  if (s.failures == 0 || now - s.window_start >= limits_.failure_window) {
    s.failures = 0;
    s.window_start = now;
  }
  ++s.failures;
  return blocked_locked(s, now);
}

std::optional<std::chrono::seconds> Admission::failures_block(const std::string& share, bool exempt,
                                                              Clock::time_point now) {
  if (exempt) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = shares_.find(share);
  if (it == shares_.end()) return std::nullopt;
  return blocked_locked(it->second, now);
}

void Admission::update(AddressLimits limits, net::NetworkList exempt) {
  std::lock_guard lock(mutex_);
  limits_ = limits;
  exempt_ = std::move(exempt);
}

AddressLimits Admission::limits() const {
  std::lock_guard lock(mutex_);
  return limits_;
}

std::size_t Admission::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

}  // namespace parley::session
