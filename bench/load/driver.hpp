// The main thread's side of a run: creates the workers and hands them their
// connections, sets connections up at a bounded concurrency, waits for
// conditions with time limits while printing progress, samples the server
// from /proc, and stops everything.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clock.hpp"
#include "histogram.hpp"
#include "procfs.hpp"
#include "run.hpp"
#include "worker.hpp"

namespace parley_load {

class Report;

struct Totals {
  std::uint64_t connected = 0, ready = 0, held = 0, failed = 0, disconnects = 0, errors = 0;
  std::uint64_t sent = 0, sent_window = 0, not_sent = 0, delivered = 0, unique = 0, duplicates = 0, gaps = 0;
  std::uint64_t in_window = 0, acks = 0, members = 0, foreign = 0;
  Ns last_ready = 0, last_delivery = 0, last_ack = 0;
};

struct SetupResult {
  std::uint32_t count = 0;
  double seconds = 0;
};

// CPU time of the server and of this process over a stretch of the run.
struct CpuWindow {
  double server_start = -1, self_start = 0;
  Ns started = 0;
  double server_s = -1;  // negative: no --server-pid
  double server_wait_start = -1;
  double server_wait_s = -1;  // ready to run but waiting for a CPU; negative: unknown
  double self_s = 0;
  double wall_s = 0;
};

class Driver {
 public:
  Driver(const Options& opt, Protocol& protocol, Scenario& scenario);
  ~Driver();

  const Options& options() const { return opt_; }
  Run& run() { return run_; }
  unsigned threads() const { return run_.threads; }
  std::vector<std::unique_ptr<Worker>>& workers() { return workers_; }

  void start();
  // Stops the workers (which close every connection) and joins them. Idempotent.
  void finish();

  Totals totals() const;
  void post_all(const std::function<void(Worker&)>& task);

  // Connects the given connections (global indices) and logs them in, at most
  // --concurrency at once; returns once every one is ready (or held at the
  // login prompt, in the login scenario; or, with members, has joined the
  // room and been logged out again). Exits the program with a setup failure
  // on any refusal or after --timeout.
  SetupResult setup(const std::vector<std::uint32_t>& indices, const std::string& what, bool members = false);

  // Sleeps until t, printing progress.
  void sleep_until(Ns t, const std::string& phase);
  // Waits until done(totals) or the deadline; false on the deadline, or when
  // the server process (--server-pid) is gone (a setup failure while setting up).
  bool wait_until(const std::function<bool(const Totals&)>& done, Ns deadline, const std::string& phase);
  bool server_gone() const { return server_gone_; }

  [[noreturn]] void setup_failure(const std::string& why);

  MemorySample server_memory() const { return read_memory(opt_.server_pid); }
  CpuWindow cpu_begin() const;
  void cpu_end(CpuWindow& w) const;

  // Merged histogram of every worker (call after finish()).
  Histogram merged(Histogram Worker::*which) const;

  // Adds the standard sections every scenario reports.
  void report_run(Report& report, const std::string& scenario_details) const;
  void report_setup(Report& report, const SetupResult& setup) const;
  void report_cpu(Report& report, const CpuWindow& w, double units, const std::string& unit_name) const;
  // traffic: the scenario sends messages, so loss and duplicates are known.
  void report_correctness(Report& report, const Totals& t, std::uint64_t missing, bool traffic = true) const;

 private:
  void progress(const std::string& phase, bool final_line);

  const Options& opt_;
  Run run_;
  std::vector<std::unique_ptr<Worker>> workers_;
  bool started_ = false;
  bool in_setup_ = false;
  bool server_gone_ = false;
  bool finished_ = false;
  bool show_progress_ = false;
  bool tty_ = false;
  Ns run_start_ = 0;
  Ns last_progress_ = 0;
  std::uint64_t last_delivered_ = 0;
  std::uint64_t last_sent_ = 0;
  std::uint64_t last_acks_ = 0;
};

}  // namespace parley_load
