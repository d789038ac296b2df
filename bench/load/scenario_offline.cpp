// offline (classic, web): --pairs senders each send --messages to a receiver
// that is not logged in. parleyd answers "(Receiver ... is currently
// offline ...)" (web: "sent" with "stored":true) only once the message is
// durably stored, so acknowledgements
// per second are commits per second. Then the receivers log in and we time
// how long it takes until every stored message has arrived.
#include <algorithm>

#include "protocol.hpp"
#include "report.hpp"
#include "scenario.hpp"
#include "traffic.hpp"

namespace parley_load {

namespace {

constexpr Ns kScanEvery = 10'000'000;

class Offline final : public Scenario {
 public:
  explicit Offline(const Options& opt) : opt_(opt) {}

  std::uint32_t group() const override { return 2; }

  void prepare(Driver& driver) override {
    per_worker_.resize(driver.workers().size());
    for (auto& w : driver.workers()) {
      auto& conns = w->connections();
      for (std::uint32_t local = 0; local < conns.size(); ++local)
        if (conns[local].index % 2 == 0) per_worker_[w->id()].senders.push_back(local);
    }
  }

  Ns on_tick(Worker& w) override {
    if (!window_.sending(w.now())) return 0;
    auto& mine = per_worker_[w.id()];
    if (w.now() - mine.last_scan < kScanEvery) return 0;
    mine.last_scan = w.now();
    for (auto local : mine.senders) top_up(w, w.connections()[local]);
    return 0;
  }

  void on_offline_ack(Worker& w, Connection& c) override {
    if (c.index % 2 != 0 || c.answered >= c.sent) return;
    w.ack_latency.record(w.now() - c.ack_ring[c.answered % c.ack_ring.size()]);
    ++c.answered;
    if (window_.sending(w.now())) top_up(w, c);
  }

  void on_delivery(Worker& w, Connection& c, const Payload& p, bool) override {
    if (p.kind != 'P' || c.index % 2 != 1 || p.id != c.index / 2) return bump(w.counters.foreign);
    check_sequence(w, c.expected, p.seq);
    set_max(w.counters.last_delivery, w.now());
  }

  void run(Driver& driver, Report& report) override {
    std::vector<std::uint32_t> senders, receivers;
    for (std::uint32_t p = 0; p < opt_.pairs; ++p) {
      senders.push_back(2 * p);
      receivers.push_back(2 * p + 1);
    }
    auto setup = driver.setup(senders, "senders log in");
    const std::uint64_t total = std::uint64_t{opt_.pairs} * opt_.messages;

    // Phase 1: store.
    auto store_cpu = driver.cpu_begin();
    Ns a0 = now_ns();
    window_.send_until.store(a0 + seconds_ns(opt_.setup_timeout));
    window_.send_from.store(a0, std::memory_order_release);
    driver.post_all([](Worker&) {});
    bool stored_all = driver.wait_until([total](const Totals& t) { return t.acks >= total; },
                                        a0 + seconds_ns(opt_.setup_timeout), "storing");
    window_.send_until.store(now_ns());
    driver.cpu_end(store_cpu);
    auto ta = driver.totals();
    double store_s = to_seconds(std::max(ta.last_ack, a0) - a0);

    // Phase 2: the receivers log in and get their mailboxes.
    auto deliver_cpu = driver.cpu_begin();
    Ns b0 = now_ns();
    driver.setup(receivers, "receivers log in");
    auto want = ta.acks;
    driver.wait_until([want](const Totals& t) { return t.unique >= want; }, now_ns() + seconds_ns(opt_.drain),
                      "delivering");
    driver.cpu_end(deliver_cpu);
    auto t = driver.totals();
    double deliver_s = to_seconds(std::max(t.last_delivery, b0) - b0);
    driver.finish();

    driver.report_run(report, "");
    driver.report_setup(report, setup);
    auto& st = report.section("store", "storing (receivers offline)");
    st.count("messages", "messages sent", ta.sent);
    st.count("acks", "acknowledged as stored", ta.acks);
    st.add("seconds", "time to the last acknowledgement", store_s, "s", 3);
    st.add("commits_per_s", "stored messages", ratio(static_cast<double>(ta.acks), store_s), "/s", 1);
    if (!stored_all) report.note("not every message was acknowledged within --timeout");
    report.latency("ack_latency_us", "acknowledgement latency, send to stored", driver.merged(&Worker::ack_latency));
    auto& dl = report.section("deliver", "offline delivery (receivers log in)");
    dl.count("messages", "messages delivered", t.unique);
    dl.add("seconds", "first login to last message", deliver_s, "s", 3);
    dl.add("offline_deliveries_per_s", "offline deliveries", ratio(static_cast<double>(t.unique), deliver_s), "/s", 1);
    auto& sv = report.section("server", "server (from /proc)");
    if (store_cpu.server_s >= 0) {
      sv.add("store_cpu_s", "CPU while storing", store_cpu.server_s, "s", 2);
      sv.add("cpu_us_per_commit", "CPU per stored message",
             1e6 * ratio(store_cpu.server_s, static_cast<double>(ta.acks)), "µs", 2);
      sv.add("deliver_cpu_s", "CPU while delivering", deliver_cpu.server_s, "s", 2);
      sv.add("cpu_us_per_offline_delivery", "CPU per offline delivery",
             1e6 * ratio(deliver_cpu.server_s, static_cast<double>(t.unique)), "µs", 2);
    } else {
      sv.add("store_cpu_s", "CPU while storing", Value{}, "(no --server-pid)");
    }
    driver.report_correctness(report, t, total > t.unique ? total - t.unique : 0);
  }

 private:
  struct PerWorker {
    std::vector<std::uint32_t> senders;
    Ns last_scan = 0;
  };

  void top_up(Worker& w, Connection& c) {
    if (c.state != State::ready) return;
    if (c.ack_ring.empty()) c.ack_ring.assign(opt_.inflight, 0);
    while (c.sent < opt_.messages && c.sent - c.answered < opt_.inflight) {
      c.ack_ring[c.sent % c.ack_ring.size()] = w.now();
      Payload p{'P', c.index / 2, c.sent, w.now()};
      w.run().protocol.append_private(w.output(c), c.index + 1, p);
      ++c.sent;
      bump(w.counters.sent);
    }
  }

  const Options& opt_;
  Window window_;
  std::vector<PerWorker> per_worker_;
};

}  // namespace

std::unique_ptr<Scenario> make_offline_scenario(const Options& opt) { return std::make_unique<Offline>(opt); }

}  // namespace parley_load
