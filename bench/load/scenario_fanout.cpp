// fanout: every client logged in (IRC: in one channel; with --room: members
// of one room, classic, web or parleyd over IRC); --senders broadcast --rate
// messages a second in total, open loop, and every other client must get
// every message. Asked deliveries/s is rate x (clients - 1). With --room and
// --metrics, the server's count of store rows written around the traffic
// gives the rows per room message.
#include <algorithm>
#include <optional>
#include <thread>

#include "metrics_scrape.hpp"
#include "protocol.hpp"
#include "report.hpp"
#include "scenario.hpp"
#include "traffic.hpp"

namespace parley_load {

namespace {

constexpr std::size_t kMaxBacklog = 4 << 20;
constexpr std::string_view kRowsWritten = "parley_store_rows_written_total";
constexpr std::string_view kMessagesIn = "parley_messages_in_total";
constexpr double kScrapeTimeout = 10;

// What the server counted, from one scrape of /metrics.
struct ServerCounts {
  std::optional<double> rows;           // rows its store wrote
  std::optional<double> room_messages;  // room messages it took in
  std::string error;
};

ServerCounts read_counts(const sockaddr_in& where) {
  ServerCounts out;
  auto page = scrape_metrics(where, kScrapeTimeout);
  if (!page.ok()) {
    out.error = page.error;
    return out;
  }
  out.rows = metric_sum(page.body, kRowsWritten);
  out.room_messages = metric_sum(page.body, kMessagesIn, "kind=\"room\"");
  if (!out.rows) out.error = "the page has no " + std::string(kRowsWritten);
  return out;
}

// Before the traffic: rows still being written for the logins and joins
// would be counted against the messages, so wait (a little) until the
// count stands still.
ServerCounts read_settled_counts(const sockaddr_in& where, bool& settled) {
  auto last = read_counts(where);
  settled = false;
  for (int i = 0; i < 20 && last.error.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto next = read_counts(where);
    if (!next.error.empty()) return next;
    settled = next.rows == last.rows;
    last = next;
    if (settled) break;
  }
  return last;
}

class Fanout final : public Scenario {
 public:
  explicit Fanout(const Options& opt) : opt_(opt) {}

  void prepare(Driver& driver) override {
    senders_.resize(driver.workers().size());
    for (auto& w : driver.workers()) {
      auto& conns = w->connections();
      for (std::uint32_t local = 0; local < conns.size(); ++local)
        if (conns[local].index < opt_.senders) senders_[w->id()].push_back(local);
    }
  }

  Ns on_tick(Worker& w) override {
    Ns now = w.now();
    Ns from = window_.send_from.load(std::memory_order_acquire);
    if (from == 0) return 0;
    if (now < from) return from;
    Ns until = window_.send_until.load(std::memory_order_relaxed);
    if (now >= until) return 0;
    // Sender s sends every senders/rate seconds, offset by s/rate.
    const Ns interval = seconds_ns(opt_.senders / opt_.rate);
    const Ns offset = seconds_ns(1.0 / opt_.rate);
    Ns next = until;
    for (auto local : senders_[w.id()]) {
      auto& c = w.connections()[local];
      if (c.state != State::ready) continue;
      if (c.next_due == 0) c.next_due = from + offset * c.index;
      for (int burst = 0; c.next_due <= now && c.next_due < until && burst < 10000; ++burst) {
        if (w.backlog(c) < kMaxBacklog) {
          Payload p{'F', c.index, c.sent, now};
          w.run().protocol.append_broadcast(w.output(c), p);
          ++c.sent;
          account_send(w, window_);
        } else {
          bump(w.counters.not_sent);
        }
        c.next_due += interval;
      }
      next = std::min(next, c.next_due);
    }
    return next;
  }

  void on_delivery(Worker& w, Connection& c, const Payload& p, bool) override {
    if (p.kind != 'F' || p.id >= opt_.senders || p.id == c.index) return bump(w.counters.foreign);
    if (c.expected_from.empty()) c.expected_from.assign(opt_.senders, 0);
    check_sequence(w, c.expected_from[p.id], p.seq);
    account_delivery(w, window_, p.sent_at);
  }

  void run(Driver& driver, Report& report) override {
    const bool room = !opt_.room.empty();
    const bool irc = opt_.protocol == ProtocolKind::irc;
    // Classic answers a room message once stored; IRC answers a PRIVMSG with nothing.
    const bool acked = room && !irc;
    std::vector<std::uint32_t> all(opt_.clients);
    for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
    SetupResult joins;
    if (room) {
      joins = driver.setup(all, "joining " + opt_.room, true);
      driver.run().needs_channel.store(false, std::memory_order_release);  // members now: just log in
    }
    auto setup = driver.setup(all, irc && !room && !opt_.irc_joined ? "logging in/joining" : "logging in");
    std::optional<sockaddr_in> metrics;
    if (!opt_.metrics.empty()) metrics = parse_address(opt_.metrics);
    bool settled = false;
    ServerCounts before, after;
    if (metrics) before = read_settled_counts(*metrics, settled);
    CpuWindow cpu;
    auto sched = run_window(driver, window_, cpu);
    driver.sleep_until(now_ns() + 20'000'000, "stopping");
    const std::uint64_t receivers = opt_.clients - 1;
    const auto sent = driver.totals().sent;
    auto expected = sent * receivers;
    // A room message is acknowledged once stored: wait for those too, so the
    // rows it cost are counted.
    driver.wait_until([=](const Totals& t) { return t.unique >= expected && (!acked || t.acks >= sent); },
                      sched.end + seconds_ns(opt_.drain), "draining");
    auto t = driver.totals();
    // Without acknowledgements (IRC), the rows of the last messages may still
    // be on their way: wait (a little) until the count stands still.
    bool settled_after = true;
    if (metrics && before.error.empty())
      after = acked ? read_counts(*metrics) : read_settled_counts(*metrics, settled_after);
    double drained_s = to_seconds(std::max(t.last_delivery, sched.end) - sched.end);
    driver.finish();

    driver.report_run(report, room              ? "room " + opt_.room
                              : !irc            ? std::string()
                              : opt_.irc_joined ? "channel " + opt_.channel + " (joined by the server)"
                                                : "channel " + opt_.channel + (opt_.irc_auditorium ? " (+u)" : ""));
    if (room) {
      auto& m = report.section("room", "room " + opt_.room);
      m.count("members", "members", joins.count);
      m.add("join_s", "time for everyone to join", joins.seconds, "s", 2);
      m.add("joins_per_s", "joins", ratio(joins.count, joins.seconds), "/s");
    }
    driver.report_setup(report, setup);
    double window_s = to_seconds(sched.end - sched.start);
    auto& s = report.section("throughput", "deliveries");
    s.add("rate_msgs_per_s", "messages asked", opt_.rate, "/s", 1);
    s.add("sent_msgs_per_s", "messages sent in the window", ratio(static_cast<double>(t.sent_window), window_s), "/s",
          1);
    s.add("asked_per_s", "deliveries asked", opt_.rate * static_cast<double>(receivers), "/s", 1);
    s.add("achieved_per_s", "deliveries achieved", ratio(static_cast<double>(t.in_window), window_s), "/s", 1);
    s.count("deliveries_in_window", "deliveries in the window", t.in_window);
    s.count("sent", "messages sent in all", t.sent);
    s.count("not_sent", "not sent (server not reading)", t.not_sent);
    s.add("drain_s", "last delivery after the window", drained_s, "s", 2);
    s.add("window_s", "window", window_s, "s", 2);
    auto latency = driver.merged(&Worker::latency);
    s.add("window_messages_delivered_percent", "deliveries of window messages that arrived",
          100.0 * ratio(static_cast<double>(latency.count()), static_cast<double>(t.sent_window * receivers)), "%", 1);
    report.latency("latency_us", "latency, send to receipt (messages sent in the window)", latency);
    if (latency.count() < t.sent_window * receivers)
      report.note("latency describes only the deliveries that arrived before the drain limit");
    driver.report_cpu(report, cpu, static_cast<double>(t.in_window), "delivery");
    if (room) report_store(report, t, acked, metrics.has_value(), before, after, settled && settled_after);
    auto want = t.sent * receivers;
    driver.report_correctness(report, t, want > t.unique ? want - t.unique : 0);
  }

 private:
  // Rows the store wrote from just before the first message to the last
  // acknowledgement, per room message sent: about 1 when a message is one
  // row whatever the room's size.
  void report_store(Report& report, const Totals& t, bool acked, bool scraped, const ServerCounts& before,
                    const ServerCounts& after, bool settled) const {
    auto& s = report.section("store", "store (the server's /metrics, before and after the traffic)");
    s.count("room_messages", "room messages sent", t.sent);
    if (acked) {
      s.count("acknowledged", "acknowledged as stored", t.acks);
      if (t.acks < t.sent)
        report.note(std::to_string(t.sent - t.acks) + " room messages were not acknowledged within the drain limit");
    }
    const std::string& error = before.error.empty() ? after.error : before.error;
    if (!scraped || !error.empty() || !before.rows || !after.rows) {
      s.add("rows_per_message", "rows written per room message", Value{}, scraped ? "" : "(no --metrics)");
      if (scraped) report.note("could not read http://" + opt_.metrics + "/metrics: " + error);
      return;
    }
    double rows = *after.rows - *before.rows;
    s.add("rows_written", "rows written", rows, "", 0);
    // Per message the server took in over the same stretch: when it falls
    // behind, messages sent are not all stored yet.
    double messages = static_cast<double>(acked ? t.acks : t.sent);
    if (before.room_messages && after.room_messages) {
      double counted = *after.room_messages - *before.room_messages;
      s.add("server_room_messages", "room messages the server took in", counted, "", 0);
      // A listener that does not count its room messages there.
      if (counted > 0 || messages == 0)
        messages = counted;
      else
        report.note("the server counted no room messages taken in: rows are per room message sent");
    }
    s.add("rows_per_message", "rows written per room message", messages > 0 ? Value{rows / messages} : Value{}, "", 3);
    if (!settled)
      report.note("the store's row count did not stand still around the traffic: rows per message are rough");
  }

  const Options& opt_;
  Window window_;
  std::vector<std::vector<std::uint32_t>> senders_;
};

}  // namespace

std::unique_ptr<Scenario> make_fanout_scenario(const Options& opt) { return std::make_unique<Fanout>(opt); }

}  // namespace parley_load
