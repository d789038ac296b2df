// Per-address limits, shared by every listener and worker: connections per
// address share, connections still logging in per share, failed logins per
// share across all usernames in a time window (password spraying), and the
// server's total. Exempt networks skip the per-address limits, never the
// total. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include "metrics/figure.hpp"
#include "net/address_share.hpp"

namespace parley::session {

struct AddressLimits {
  std::size_t max_connections = 1000;        // whole server
  std::size_t connections_per_address = 50;  // 0: no limit
  std::size_t logins_per_address = 10;       // connections not yet logged in; 0: no limit
  std::size_t failures_per_address = 30;     // failed logins per window, any username; 0: no limit
  std::chrono::seconds failure_window{600};
};

enum class Refusal {
  server_full,
  too_many_connections,  // from this address
  too_many_logins,       // connections from this address still logging in
  too_many_failures,     // failed logins from this address; comes with the time left
  busy,                  // the password check queue is full
};

const char* describe(Refusal refusal);
// Where a refusal is counted.
metrics::Figure figure(Refusal refusal);

class Admission {
 public:
  Admission(AddressLimits limits, net::NetworkList exempt);
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // One admitted connection; counts until destroyed.
  class Pass {
   public:
    Pass() = default;
    Pass(Pass&& other) noexcept;
    Pass& operator=(Pass&& other) noexcept;
    ~Pass();
    // The connection has logged in: it no longer counts as logging in.
    void logged_in();
    const std::string& share() const { return share_; }
    bool exempt() const { return exempt_; }

   private:
    friend class Admission;
    void release();
    Admission* owner_ = nullptr;
    std::string share_;
    bool exempt_ = false;
    bool logging_in_ = false;
  };

  struct Refused {
    Refusal why;
    std::chrono::seconds left{0};  // with too_many_failures
  };

  // At accept, for the client's address.
  std::variant<Pass, Refused> admit(const std::string& address, std::chrono::steady_clock::time_point now);

  // Failed logins per share: counts one; returns the time left when the
  // share is now over its limit.
  std::optional<std::chrono::seconds> record_failure(const std::string& share, bool exempt,
                                                     std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::seconds> failures_block(const std::string& share, bool exempt,
                                                     std::chrono::steady_clock::time_point now);

  // On reload, for connections from now on: a connection keeps the
  // exemption it was admitted with, and counts stay as they are.
  void update(AddressLimits limits, net::NetworkList exempt);
  AddressLimits limits() const;
  std::size_t connections() const;

 private:
  struct Share {
    std::size_t connections = 0;
    std::size_t logging_in = 0;
    std::size_t failures = 0;
    std::chrono::steady_clock::time_point window_start{};
  };
  using Shares = std::unordered_map<std::string, Share>;
  std::optional<std::chrono::seconds> blocked_locked(Share& share, std::chrono::steady_clock::time_point now) const;
  void forget_if_idle(Shares::iterator it, std::chrono::steady_clock::time_point now);
  void sweep(std::chrono::steady_clock::time_point now);
  void release(Pass& pass);
  void logged_in(Pass& pass);

  mutable std::mutex mutex_;  // guards everything below
  AddressLimits limits_;
  net::NetworkList exempt_;
  Shares shares_;
  std::size_t connections_ = 0;
  std::size_t sweep_at_ = 1024;
};

}  // namespace parley::session
