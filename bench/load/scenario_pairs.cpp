// private: closed loop, each sender keeps --inflight messages on their way
// to its receiver (a message is done when the receiver got it): the most
// the server can relay one-to-one.
// light: open loop, each sender sends --rate messages a second whatever
// happens: latency at a load the server should shrug off.
#include <algorithm>

#include "protocol.hpp"
#include "report.hpp"
#include "scenario.hpp"
#include "traffic.hpp"

namespace parley_load {

namespace {

constexpr Ns kScanEvery = 10'000'000;
constexpr std::size_t kMaxBacklog = 4 << 20;

class Pairs final : public Scenario {
 public:
  Pairs(const Options& opt, bool open_loop) : opt_(opt), open_loop_(open_loop) {}

  std::uint32_t group() const override { return 2; }

  void prepare(Driver& driver) override {
    per_worker_.resize(driver.workers().size());
    for (auto& w : driver.workers()) {
      auto& mine = per_worker_[w->id()];
      auto& conns = w->connections();
      for (std::uint32_t local = 0; local < conns.size(); ++local)
        if (conns[local].index % 2 == 0) mine.senders.push_back(local);
    }
  }

  Ns on_tick(Worker& w) override {
    Ns now = w.now();
    Ns from = window_.send_from.load(std::memory_order_acquire);
    if (from == 0) return 0;
    if (now < from) return from;
    if (!window_.sending(now)) return 0;
    auto& mine = per_worker_[w.id()];
    if (open_loop_) return pace(w, mine, from, now);
    if (now - mine.last_scan < kScanEvery) return 0;
    mine.last_scan = now;
    for (auto local : mine.senders) top_up(w, w.connections()[local]);
    return 0;
  }

  void on_delivery(Worker& w, Connection& c, const Payload& p, bool) override {
    if (p.kind != 'P' || c.index % 2 != 1 || p.id != c.index / 2) return bump(w.counters.foreign);
    bool fresh = check_sequence(w, c.expected, p.seq);
    account_delivery(w, window_, p.sent_at);
    if (!fresh) return;
    auto& sender = w.at(c.index - 1);
    ++sender.answered;
    if (!open_loop_ && window_.sending(w.now())) top_up(w, sender);
  }

  void run(Driver& driver, Report& report) override {
    std::vector<std::uint32_t> all(opt_.connections());
    for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
    auto setup = driver.setup(all, "logging in");
    CpuWindow cpu;
    auto sched = run_window(driver, window_, cpu);
    driver.sleep_until(now_ns() + 20'000'000, "stopping");
    auto sent = driver.totals().sent;
    driver.wait_until([sent](const Totals& t) { return t.unique >= sent; }, sched.end + seconds_ns(opt_.drain),
                      "draining");
    auto t = driver.totals();
    driver.finish();

    driver.report_run(report, "");
    driver.report_setup(report, setup);
    double window_s = to_seconds(sched.end - sched.start);
    auto& s = report.section("throughput", "deliveries");
    if (open_loop_) {
      s.add("asked_per_s", "asked", opt_.rate * opt_.pairs, "/s", 1);
    } else {
      s.add("asked_per_s", "asked", Value{}, "(closed loop: as fast as delivered)");
    }
    s.add("achieved_per_s", "achieved", ratio(static_cast<double>(t.in_window), window_s), "/s", 1);
    s.count("deliveries_in_window", "deliveries in the window", t.in_window);
    s.count("sent", "messages sent in all", t.sent);
    s.add("window_s", "window", window_s, "s", 2);
    auto latency = driver.merged(&Worker::latency);
    s.add("window_messages_delivered_percent", "messages sent in the window that arrived",
          100.0 * ratio(static_cast<double>(latency.count()), static_cast<double>(t.sent_window)), "%", 1);
    report.latency("latency_us", "latency, send to receipt (messages sent in the window)", latency);
    driver.report_cpu(report, cpu, static_cast<double>(t.in_window), "delivery");
    driver.report_correctness(report, t, t.sent > t.unique ? t.sent - t.unique : 0);
    if (!open_loop_)
      report.note("closed loop: latency includes waiting behind the other --inflight messages of the same sender");
  }

 private:
  struct PerWorker {
    std::vector<std::uint32_t> senders;  // local indices
    Ns last_scan = 0;
  };

  void send_one(Worker& w, Connection& c) {
    Payload p{'P', c.index / 2, c.sent, w.now()};
    w.run().protocol.append_private(w.output(c), c.index + 1, p);
    ++c.sent;
    account_send(w, window_);
  }

  void top_up(Worker& w, Connection& c) {
    if (c.state != State::ready) return;
    while (c.sent - c.answered < opt_.inflight && w.backlog(c) < kMaxBacklog) send_one(w, c);
  }

  Ns pace(Worker& w, PerWorker& mine, Ns from, Ns now) {
    const Ns interval = seconds_ns(1.0 / opt_.rate);
    Ns until = window_.send_until.load(std::memory_order_relaxed);
    Ns next = until;
    for (auto local : mine.senders) {
      auto& c = w.connections()[local];
      if (c.state != State::ready) continue;
      if (c.next_due == 0) c.next_due = from + interval * (c.index / 2) / std::max<Ns>(1, opt_.pairs);
      for (int burst = 0; c.next_due <= now && c.next_due < until && burst < 1000; ++burst) {
        if (w.backlog(c) < kMaxBacklog)
          send_one(w, c);
        else
          bump(w.counters.not_sent);
        c.next_due += interval;
      }
      next = std::min(next, c.next_due);
    }
    return next;
  }

  const Options& opt_;
  bool open_loop_;
  Window window_;
  std::vector<PerWorker> per_worker_;
};

}  // namespace

std::unique_ptr<Scenario> make_pairs_scenario(const Options& opt, bool open_loop) {
  return std::make_unique<Pairs>(opt, open_loop);
}

}  // namespace parley_load
