// A worker thread: one epoll loop owning a share of the connections. It
// connects them at a bounded concurrency, feeds received bytes to the
// protocol, which reports events back here, and lets the scenario send on its
// connections. The main thread talks to it only through post() and the
// relaxed atomic counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "clock.hpp"
#include "connection.hpp"
#include "histogram.hpp"
#include "run.hpp"

namespace parley_load {

// Written only by the owning worker, read by the main thread for progress and totals.
struct Counters {
  std::atomic<std::uint64_t> connected{0};
  std::atomic<std::uint64_t> ready{0};
  std::atomic<std::uint64_t> held{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> disconnects{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> sent{0};         // messages sent
  std::atomic<std::uint64_t> sent_window{0};  // of those, sent inside the measured window
  std::atomic<std::uint64_t> not_sent{0};     // open loop: skipped because the server was not reading
  std::atomic<std::uint64_t> delivered{0};    // deliveries received, duplicates included
  std::atomic<std::uint64_t> unique{0};
  std::atomic<std::uint64_t> duplicates{0};
  std::atomic<std::uint64_t> gaps{0};       // sequence numbers skipped over (lost, as far as order tells)
  std::atomic<std::uint64_t> in_window{0};  // deliveries received inside the measured window
  std::atomic<std::uint64_t> acks{0};       // messages acknowledged as stored (offline, room)
  std::atomic<std::uint64_t> members{0};    // classic room: joined and logged out again
  std::atomic<std::uint64_t> foreign{0};    // deliveries that are not ours
  std::atomic<std::int64_t> last_ready{0};
  std::atomic<std::int64_t> last_delivery{0};
  std::atomic<std::int64_t> last_ack{0};
};

// Owner-only increment: a plain load and store, no locked instruction.
inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t by = 1) {
  a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}
inline void set_max(std::atomic<std::int64_t>& a, std::int64_t v) {
  if (v > a.load(std::memory_order_relaxed)) a.store(v, std::memory_order_relaxed);
}

class Worker {
 public:
  Worker(unsigned id, Run& run);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Before start(): this worker owns connection `index` (added in increasing order).
  void own(std::uint32_t index);
  void start();
  void join();
  // Runs task on the worker's thread, soon.
  void post(std::function<void(Worker&)> task);

  unsigned id() const { return id_; }
  Run& run() { return run_; }
  std::vector<Connection>& connections() { return conns_; }
  Connection& at(std::uint32_t index) { return conns_[run_.local_index(index)]; }
  // Time of the current loop step (taken after each wakeup and each read).
  Ns now() const { return now_; }

  // On the worker's thread:
  void queue_connect(std::uint32_t index);
  void release_held();
  // Appends to c's output; written at the end of the loop step.
  std::string& output(Connection& c);
  void send(Connection& c, std::string_view bytes) { output(c).append(bytes); }
  std::size_t backlog(const Connection& c) const { return c.out.size() - c.out_sent; }

  // Events from the protocol:
  void hold(Connection& c);
  void logged_in(Connection& c);
  void joined(Connection& c);
  void channel_mode_set(Connection& c);
  void setup_failed(Connection& c, std::string_view why);
  void delivery(Connection& c, std::string_view text, bool offline);
  void stored_ack(Connection& c);
  void error_line(Connection& c, std::string_view line);
  // The server broke the protocol's framing: counted as an error, and the
  // connection is dropped (nothing after it can be read).
  void protocol_error(Connection& c, const std::string& why);

  Counters counters;
  Histogram latency;        // deliveries of messages sent in the measured window
  Histogram login_latency;  // connect (or release) to logged in
  Histogram ack_latency;    // offline: send to acknowledgement

 private:
  void loop();
  void handle(std::uint64_t key, std::uint32_t events);
  void start_connects();
  void finish_connect(Connection& c);
  void on_readable(Connection& c);
  void ingest(Connection& c, const char* data, std::size_t size);
  void flush(Connection& c);
  void flush_dirty();
  void arm_write(Connection& c, bool on);
  void lost(Connection& c, const std::string& why);
  void close(Connection& c);
  void become_ready(Connection& c);
  void member_left(Connection& c);
  void drain_inbox();

  unsigned id_;
  Run& run_;
  std::vector<Connection> conns_;
  int epoll_ = -1;
  int wake_ = -1;
  std::thread thread_;
  Ns now_ = 0;
  std::deque<std::uint32_t> to_connect_;
  std::uint32_t outstanding_ = 0;
  std::uint32_t outstanding_limit_ = 1;
  std::vector<std::uint32_t> dirty_;    // local indices with output to write
  std::vector<std::uint32_t> held_;     // local indices held at the login prompt
  std::vector<std::uint32_t> waiting_;  // local indices waiting for the channel
  std::vector<char> buffer_;
  std::mutex inbox_mutex_;
  std::vector<std::function<void(Worker&)>> inbox_;
  std::atomic<bool> has_mail_{false};
};

}  // namespace parley_load
