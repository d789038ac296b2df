// State shared by the main thread and every worker for one run.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace parley_load {

class Protocol;
class Scenario;

struct Run {
  Run(const Options& o, Protocol& p, Scenario& s) : opt(o), protocol(p), scenario(s) {}

  const Options& opt;
  Protocol& protocol;
  Scenario& scenario;
  sockaddr_in target{};
  std::uint32_t clients = 0;
  std::uint32_t group = 1;  // consecutive connections kept on one worker (a pair)
  unsigned threads = 1;
  bool spread_sources = false;  // bind to 127.0.0.(1 + i/per_source)
  bool hold_logins = false;     // login scenario: stop at the login prompt until released
  // After logging in, join the channel (IRC fan-out) or the room (fan-out
  // with --room; only while the members join, see leave_after_join).
  std::atomic<bool> needs_channel{false};
  // Room (--room): a member logs out once it has joined. Membership persists,
  // so the members join on short connections and then log in again: 10,000
  // joins with everyone online would be 50 million "joined the room" lines.
  bool leave_after_join = false;

  std::atomic<bool> stop{false};
  std::atomic<bool> channel_ready{false};
  std::atomic<bool> failed{false};

  unsigned owner(std::uint32_t i) const { return (i / group) % threads; }
  std::uint32_t local_index(std::uint32_t i) const { return (i / group) / threads * group + i % group; }

  // The first setup failure wins; later ones are only counted.
  void fail(const std::string& why) {
    std::lock_guard lock(mutex_);
    if (!failed.exchange(true)) failure_ = why;
  }
  std::string failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  // Keeps the first few error lines the server sent, for the report.
  void sample_error(std::string_view line) {
    std::lock_guard lock(mutex_);
    if (errors_.size() < 5) errors_.emplace_back(line.substr(0, 200));
  }
  std::vector<std::string> error_samples() const {
    std::lock_guard lock(mutex_);
    return errors_;
  }

 private:
  mutable std::mutex mutex_;
  std::string failure_;
  std::vector<std::string> errors_;
};

}  // namespace parley_load
