// Pieces shared by the scenarios that send messages: the measured window,
// sequence checking and delivery accounting.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "clock.hpp"
#include "driver.hpp"
#include "worker.hpp"

namespace parley_load {

// Set by the main thread before traffic starts, read by every worker.
struct Window {
  std::atomic<Ns> send_from{0};   // 0: not sending yet
  std::atomic<Ns> send_until{0};  // no new message is produced from here on
  std::atomic<Ns> start{0};       // the measured window
  std::atomic<Ns> end{0};

  bool sending(Ns now) const {
    auto from = send_from.load(std::memory_order_acquire);
    return from != 0 && now >= from && now < send_until.load(std::memory_order_relaxed);
  }
  bool inside(Ns t) const {
    return t >= start.load(std::memory_order_relaxed) && t < end.load(std::memory_order_relaxed);
  }
};

// Warm-up, then the measured window; returns when the window has ended and
// CPU use over it has been taken.
struct Schedule {
  Ns from = 0, start = 0, end = 0;
};
Schedule run_window(Driver& driver, Window& window, CpuWindow& cpu);

// Checks a received sequence number against the next one expected from that
// sender. Returns false for a duplicate.
inline bool check_sequence(Worker& w, std::uint64_t& expected, std::uint64_t seq) {
  if (seq == expected) {
    ++expected;
    bump(w.counters.unique);
    return true;
  }
  if (seq > expected) {
    bump(w.counters.gaps, seq - expected);
    expected = seq + 1;
    bump(w.counters.unique);
    return true;
  }
  bump(w.counters.duplicates);
  return false;
}

// Latency for messages produced inside the window, throughput for deliveries received inside it.
inline void account_delivery(Worker& w, const Window& window, Ns sent_at) {
  Ns now = w.now();
  if (window.inside(sent_at)) w.latency.record(now - sent_at);
  if (window.inside(now)) bump(w.counters.in_window);
  set_max(w.counters.last_delivery, now);
}

inline void account_send(Worker& w, const Window& window) {
  bump(w.counters.sent);
  if (window.inside(w.now())) bump(w.counters.sent_window);
}

}  // namespace parley_load
