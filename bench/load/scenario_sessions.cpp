// idle: what a logged-in connection costs the server in memory.
// login: how fast the server logs people in when they all come at once
// (for parleyd at its default Argon2id cost this is hashing throughput).
#include "report.hpp"
#include "scenario.hpp"
#include "traffic.hpp"

namespace parley_load {

namespace {

std::vector<std::uint32_t> everyone(std::uint32_t n) {
  std::vector<std::uint32_t> all(n);
  for (std::uint32_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

Value kib_delta_per_conn(long before, long after, std::uint32_t n) {
  if (before < 0 || after < 0 || n == 0) return {};
  return static_cast<double>(after - before) * 1024.0 / n;
}

class Idle final : public Scenario {
 public:
  explicit Idle(const Options& opt) : opt_(opt) {}

  void run(Driver& driver, Report& report) override {
    auto before = driver.server_memory();  // before the first connect
    auto cpu = driver.cpu_begin();
    auto setup = driver.setup(everyone(opt_.clients), "logging in");
    driver.cpu_end(cpu);
    auto after = driver.server_memory();
    driver.sleep_until(now_ns() + seconds_ns(opt_.hold), "holding");
    auto end = driver.server_memory();
    auto t = driver.totals();
    driver.finish();

    driver.report_run(report, "");
    driver.report_setup(report, setup);
    auto& m = report.section("memory", "server memory (user space, /proc)");
    if (opt_.server_pid <= 0) {
      m.add("bytes_per_connection", "per connection", Value{}, "(needs --server-pid)");
    } else {
      auto kib = [](long v) { return v < 0 ? Value{} : Value{static_cast<std::int64_t>(v)}; };
      m.add("rss_before_kib", "RSS before the first connect", kib(before.rss_kib), "KiB");
      m.add("rss_after_kib", "RSS with everyone logged in", kib(after.rss_kib), "KiB");
      m.add("rss_end_kib", "RSS at the end of the hold", kib(end.rss_kib), "KiB");
      m.add("bytes_per_connection", "RSS per connection",
            kib_delta_per_conn(before.rss_kib, after.rss_kib, opt_.clients), "bytes");
      m.add("pss_bytes_per_connection", "PSS per connection",
            kib_delta_per_conn(before.pss_kib, after.pss_kib, opt_.clients), "bytes");
      m.add("private_bytes_per_connection", "private per connection",
            kib_delta_per_conn(before.private_kib, after.private_kib, opt_.clients), "bytes");
      report.note("memory is the server's user space only: kernel socket buffers are not in RSS");
    }
    report.latency("login_latency_us", "login latency, connect to logged in (setup)",
                   driver.merged(&Worker::login_latency));
    driver.report_cpu(report, cpu, opt_.clients, "login");
    driver.report_correctness(report, t, 0, false);
  }

 private:
  const Options& opt_;
};

class Login final : public Scenario {
 public:
  explicit Login(const Options& opt) : opt_(opt) {}

  void run(Driver& driver, Report& report) override {
    auto connect = driver.setup(everyone(opt_.clients), "connecting");
    auto cpu = driver.cpu_begin();
    Ns release = now_ns();
    driver.post_all([](Worker& w) { w.release_held(); });
    const std::uint64_t n = opt_.clients;
    if (!driver.wait_until([n](const Totals& t) { return t.ready >= n; }, release + seconds_ns(opt_.setup_timeout),
                           "logging in"))
      driver.setup_failure("only " + std::to_string(driver.totals().ready) + " of " + std::to_string(n) +
                           " logins done within --timeout");
    driver.cpu_end(cpu);
    auto t = driver.totals();
    driver.finish();

    driver.report_run(report, "all log in at the same moment");
    auto& c = report.section("connect", "connect (before the release)");
    c.count("clients", "clients at the login prompt", connect.count);
    c.add("seconds", "time to connect everyone", connect.seconds, "s", 2);
    double seconds = to_seconds(t.last_ready - release);
    auto& s = report.section("login", "logins");
    s.add("seconds", "time from release to the last login", seconds, "s", 3);
    s.add("logins_per_s", "logins", ratio(static_cast<double>(n), seconds), "/s", 1);
    report.latency("login_latency_us", "login latency, release to logged in", driver.merged(&Worker::login_latency));
    driver.report_cpu(report, cpu, static_cast<double>(n), "login");
    driver.report_correctness(report, t, 0, false);
  }

 private:
  const Options& opt_;
};

}  // namespace

std::unique_ptr<Scenario> make_idle_scenario(const Options& opt) { return std::make_unique<Idle>(opt); }
std::unique_ptr<Scenario> make_login_scenario(const Options& opt) { return std::make_unique<Login>(opt); }

}  // namespace parley_load
