#include "driver.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "report.hpp"
#include "scenario.hpp"

namespace parley_load {

Driver::Driver(const Options& opt, Protocol& protocol, Scenario& scenario) : opt_(opt), run_(opt, protocol, scenario) {
  run_.clients = opt.connections();
  run_.group = scenario.group();
  auto groups = std::max<std::uint32_t>(1, run_.clients / run_.group);
  run_.threads = std::max(1u, std::min<unsigned>(opt.threads, groups));
  run_.spread_sources = run_.clients > opt.per_source;
  run_.hold_logins = opt.scenario == ScenarioKind::login;
  const bool room = !opt.room.empty();
  // With --irc-joined the server puts every client in the channel itself.
  run_.needs_channel =
      opt.scenario == ScenarioKind::fanout && ((opt.protocol == ProtocolKind::irc && !opt.irc_joined) || room);
  run_.leave_after_join = room;
  run_.target.sin_family = AF_INET;
  run_.target.sin_port = htons(opt.port);
  if (inet_pton(AF_INET, opt.host.c_str(), &run_.target.sin_addr) != 1) {
    std::fprintf(stderr, "parley_load: --host must be an IPv4 address, not '%s'\n", opt.host.c_str());
    std::exit(2);
  }
  for (unsigned i = 0; i < run_.threads; ++i) workers_.push_back(std::make_unique<Worker>(i, run_));
  for (std::uint32_t i = 0; i < run_.clients; ++i) workers_[run_.owner(i)]->own(i);
  tty_ = isatty(STDERR_FILENO) == 1;
  show_progress_ = opt.progress || tty_;
}

Driver::~Driver() { finish(); }

void Driver::start() {
  run_.scenario.prepare(*this);
  for (auto& w : workers_) w->start();
  started_ = true;
  run_start_ = now_ns();
  last_progress_ = run_start_;
}

void Driver::finish() {
  if (finished_) return;
  finished_ = true;
  run_.stop.store(true);
  for (auto& w : workers_) w->join();
  if (show_progress_ && tty_) std::fputs("\r\033[K", stderr);
}

Totals Driver::totals() const {
  Totals t;
  constexpr auto r = std::memory_order_relaxed;
  for (auto& wp : workers_) {
    auto& c = wp->counters;
    t.connected += c.connected.load(r);
    t.ready += c.ready.load(r);
    t.held += c.held.load(r);
    t.failed += c.failed.load(r);
    t.disconnects += c.disconnects.load(r);
    t.errors += c.errors.load(r);
    t.sent += c.sent.load(r);
    t.sent_window += c.sent_window.load(r);
    t.not_sent += c.not_sent.load(r);
    t.delivered += c.delivered.load(r);
    t.unique += c.unique.load(r);
    t.duplicates += c.duplicates.load(r);
    t.gaps += c.gaps.load(r);
    t.in_window += c.in_window.load(r);
    t.acks += c.acks.load(r);
    t.members += c.members.load(r);
    t.foreign += c.foreign.load(r);
    t.last_ready = std::max(t.last_ready, c.last_ready.load(r));
    t.last_delivery = std::max(t.last_delivery, c.last_delivery.load(r));
    t.last_ack = std::max(t.last_ack, c.last_ack.load(r));
  }
  return t;
}

void Driver::post_all(const std::function<void(Worker&)>& task) {
  for (auto& w : workers_) w->post(task);
}

void Driver::setup_failure(const std::string& why) {
  finish();
  std::fprintf(stderr, "parley_load: setup failed: %s\n", why.c_str());
  std::exit(1);
}

SetupResult Driver::setup(const std::vector<std::uint32_t>& indices, const std::string& what, bool members) {
  if (!started_) start();
  std::vector<std::vector<std::uint32_t>> share(workers_.size());
  for (auto i : indices) share[run_.owner(i)].push_back(i);
  auto before = totals();
  auto start = now_ns();
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    workers_[w]->post([list = std::move(share[w])](Worker& worker) {
      for (auto i : list) worker.queue_connect(i);
    });
  }
  const bool held = run_.hold_logins;
  const std::uint64_t want = indices.size();
  auto reached = [&](const Totals& t) {
    return members ? t.members - before.members : held ? t.held - before.held : t.ready - before.ready;
  };
  auto done = [&](const Totals& t) { return reached(t) >= want; };
  in_setup_ = true;
  bool ok = wait_until(done, start + seconds_ns(opt_.setup_timeout), what);
  in_setup_ = false;
  if (!ok) {
    auto t = totals();
    setup_failure("only " + std::to_string(reached(t)) + " of " + std::to_string(want) + " clients " +
                  (members ? "joined " + opt_.room + " and logged out"
                   : held  ? "reached the login prompt"
                           : "logged in") +
                  " within --timeout " + std::to_string(static_cast<int>(opt_.setup_timeout)) + " s (" +
                  std::to_string(t.connected - before.connected) + " connected)");
  }
  auto t = totals();
  Ns end = held || members ? now_ns() : std::max(t.last_ready, start);
  return SetupResult{static_cast<std::uint32_t>(want), to_seconds(end - start)};
}

bool Driver::wait_until(const std::function<bool(const Totals&)>& done, Ns deadline, const std::string& phase) {
  for (;;) {
    if (run_.failed.load()) setup_failure(run_.failure());
    auto t = totals();
    if (done(t)) {
      progress(phase, true);
      return true;
    }
    auto now = now_ns();
    if (now >= deadline) {
      progress(phase, true);
      return false;
    }
    if (server_gone_ || (opt_.server_pid > 0 && !process_alive(opt_.server_pid))) {
      if (in_setup_) setup_failure("the server (pid " + std::to_string(opt_.server_pid) + ") is gone");
      server_gone_ = true;
      progress(phase, true);
      return false;
    }
    progress(phase, false);
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<Ns>(deadline - now, 5'000'000)));
  }
}

void Driver::sleep_until(Ns t, const std::string& phase) {
  wait_until([](const Totals&) { return false; }, t, phase);
}

void Driver::progress(const std::string& phase, bool final_line) {
  if (!show_progress_) return;
  auto now = now_ns();
  if (!final_line && now - last_progress_ < 1'000'000'000) return;
  if (final_line && !tty_) return;
  double dt = to_seconds(now - last_progress_);
  last_progress_ = now;
  auto t = totals();
  double delivered = ratio(static_cast<double>(t.delivered - last_delivered_), dt);
  double sent = ratio(static_cast<double>(t.sent - last_sent_), dt);
  double acks = ratio(static_cast<double>(t.acks - last_acks_), dt);
  last_delivered_ = t.delivered;
  last_sent_ = t.sent;
  last_acks_ = t.acks;
  const bool ready_is_members = run_.leave_after_join && t.members < run_.clients;
  char line[256];
  std::snprintf(line, sizeof line,
                "[%6.1fs] %-14s connected %llu, %s %llu/%u | sent %.0f/s, delivered %.0f/s, acks %.0f/s | "
                "errors %llu",
                to_seconds(now - run_start_), phase.c_str(), static_cast<unsigned long long>(t.connected),
                ready_is_members ? "members" : "ready",
                static_cast<unsigned long long>(ready_is_members   ? t.members
                                                : run_.hold_logins ? t.held + t.ready
                                                                   : t.ready),
                run_.clients, sent, delivered, acks, static_cast<unsigned long long>(t.errors + t.disconnects));
  if (tty_)
    std::fprintf(stderr, "\r\033[K%s", line);
  else
    std::fprintf(stderr, "%s\n", line);
  std::fflush(stderr);
}

CpuWindow Driver::cpu_begin() const {
  CpuWindow w;
  w.server_start = read_cpu_seconds(opt_.server_pid);
  w.server_wait_start = read_run_delay_seconds(opt_.server_pid);
  w.self_start = self_cpu_seconds();
  w.started = now_ns();
  return w;
}

void Driver::cpu_end(CpuWindow& w) const {
  double server = read_cpu_seconds(opt_.server_pid);
  w.server_s = (server >= 0 && w.server_start >= 0) ? server - w.server_start : -1;
  double wait = read_run_delay_seconds(opt_.server_pid);
  w.server_wait_s = (wait >= 0 && w.server_wait_start >= 0) ? wait - w.server_wait_start : -1;
  w.self_s = self_cpu_seconds() - w.self_start;
  w.wall_s = to_seconds(now_ns() - w.started);
}

Histogram Driver::merged(Histogram Worker::*which) const {
  Histogram h;
  for (auto& w : workers_) h.merge((*w).*which);
  return h;
}

void Driver::report_run(Report& report, const std::string& details) const {
  auto& s = report.section("run", std::string("parley_load ") + name_of(opt_.scenario) + " (" + name_of(opt_.protocol) +
                                      ")" + (opt_.label.empty() ? "" : " — " + opt_.label));
  s.add("scenario", "scenario", std::string(name_of(opt_.scenario)));
  s.add("protocol", "protocol", std::string(name_of(opt_.protocol)));
  if (opt_.protocol == ProtocolKind::irc) s.add("irc_login", "IRC login", std::string(name_of(opt_.irc_login)));
  s.add("label", "server", opt_.label.empty() ? Value{} : Value{opt_.label});
  s.add("target", "target", opt_.host + ":" + std::to_string(opt_.port));
  s.count("threads", "load generator threads", run_.threads);
  s.count("clients", "connections", run_.clients);
  if (!details.empty()) s.add("details", "parameters", details);
  // The same parameters as numbers, for scripts.
  const auto kind = opt_.scenario;
  const bool traffic = kind != ScenarioKind::idle && kind != ScenarioKind::login;
  if (opt_.paired()) s.count("pairs", "pairs", opt_.pairs);
  if (kind == ScenarioKind::private_messages || kind == ScenarioKind::offline)
    s.count("inflight", "in flight per sender", opt_.inflight);
  if (traffic) s.count("size", "message text", opt_.size, "bytes");
  if (kind == ScenarioKind::light || kind == ScenarioKind::fanout)
    s.add("rate", kind == ScenarioKind::light ? "rate per sender" : "rate in total", opt_.rate, "msg/s", 1);
  if (kind == ScenarioKind::fanout) s.count("senders", "senders", opt_.senders);
  if (kind == ScenarioKind::offline) s.count("messages", "messages per sender", opt_.messages);
  if (traffic && kind != ScenarioKind::offline) {
    s.add("warmup_s", "warm-up", opt_.warmup, "s", 1);
    s.add("duration_s", "measured window", opt_.duration, "s", 1);
  }
  if (traffic) s.add("drain_s", "drain limit", opt_.drain, "s", 1);
  if (kind == ScenarioKind::idle) s.add("hold_s", "hold", opt_.hold, "s", 1);
}

void Driver::report_setup(Report& report, const SetupResult& setup) const {
  auto& s = report.section("setup", "setup");
  s.count("clients", "clients logged in", setup.count);
  s.add("seconds", "time to log everyone in", setup.seconds, "s", 2);
  s.add("logins_per_s", "logins", ratio(setup.count, setup.seconds), "/s");
  s.count("concurrency", "concurrency limit", opt_.concurrency);
}

void Driver::report_cpu(Report& report, const CpuWindow& w, double units, const std::string& unit_name) const {
  auto& s = report.section("server", "server (from /proc)");
  if (w.server_s >= 0) {
    s.add("cpu_s", "CPU time in the window", w.server_s, "s", 2);
    s.add("cpu_percent", "CPU use", 100.0 * ratio(w.server_s, w.wall_s), "% of one core", 0);
    // Other processes on the server's core show here, not as work.
    if (w.server_wait_s >= 0)
      s.add("wait_percent", "waiting for a CPU (ready to run)", 100.0 * ratio(w.server_wait_s, w.wall_s),
            "% of the window", 0);
    s.add("cpu_us_per_" + unit_name, "CPU per " + unit_name, units > 0 ? Value{1e6 * w.server_s / units} : Value{},
          "µs", 2);
  } else {
    s.add("cpu_s", "CPU time in the window", Value{}, "(no --server-pid)");
  }
  auto& g = report.section("load_generator", "load generator (this process)");
  g.add("cpu_s", "CPU time in the window", w.self_s, "s", 2);
  g.add("cpu_percent", "CPU use", 100.0 * ratio(w.self_s, w.wall_s * run_.threads), "% of its threads", 0);
  if (ratio(w.self_s, w.wall_s * run_.threads) > 0.9)
    report.note("the load generator was busy over 90% of the window: figures may be bounded by it, not the server");
}

void Driver::report_correctness(Report& report, const Totals& t, std::uint64_t missing, bool traffic) const {
  auto& s = report.section("correctness", "correctness");
  if (traffic) {
    s.count("lost", "lost (sequence gaps)", t.gaps);
    s.count("duplicated", "duplicated", t.duplicates);
    s.count("missing_at_end", "missing at the end", missing);
  }
  s.count("errors", "error lines from the server", t.errors);
  s.count("disconnects", "unexpected disconnects", t.disconnects);
  if (traffic || t.foreign > 0) s.count("foreign", "deliveries not from this run", t.foreign);
  for (auto& e : run_.error_samples()) report.note("server said: " + e);
  if (server_gone_) report.note("the server process exited during the run: figures are partial");
}

}  // namespace parley_load
