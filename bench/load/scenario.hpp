// A scenario decides which connections to open, what they send, what to
// measure, and fills the report. Its hooks run on worker threads and may
// only touch that worker's connections and per-worker state; run() runs on
// the main thread.
#pragma once

#include <memory>

#include "clock.hpp"
#include "options.hpp"
#include "payload.hpp"

namespace parley_load {

class Driver;
class Report;
class Worker;
struct Connection;

class Scenario {
 public:
  virtual ~Scenario() = default;
  // Connections kept together on one worker (2 for sender/receiver pairs).
  virtual std::uint32_t group() const { return 1; }
  // Called on the main thread after connections are assigned, before the workers start.
  virtual void prepare(Driver&) {}
  // Worker-thread hooks.
  virtual void on_ready(Worker&, Connection&) {}
  virtual void on_delivery(Worker&, Connection&, const Payload&, bool /*offline*/) {}
  virtual void on_offline_ack(Worker&, Connection&) {}
  // Called every loop step; returns when the worker must wake next (0: no hurry).
  virtual Ns on_tick(Worker&) { return 0; }
  // Main thread: runs the scenario to its end, stops the workers, fills the report.
  virtual void run(Driver& driver, Report& report) = 0;
};

std::unique_ptr<Scenario> make_scenario(const Options& opt);

}  // namespace parley_load
