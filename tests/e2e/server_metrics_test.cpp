// /metrics and /healthz over a real socket: the figures move with real
// traffic, the text is valid Prometheus exposition format, and the HTTP
// endpoint keeps its bounds.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <map>

#include "harness.hpp"
#include "prometheus_text.hpp"
#include "server_support.hpp"
#include "tls_support.hpp"

namespace parley::test {
namespace {

using Labels = std::map<std::string, std::string>;

struct HttpReply {
  int status = 0;
  std::string head;
  std::string body;
};

// One request on a fresh connection; the reply is read to the end.
HttpReply http(unsigned short port, const std::string& request) {
  HttpReply reply;
  int fd = support::connect_from("127.0.0.1", port, 0);
  EXPECT_GE(fd, 0);
  if (fd < 0) return reply;
  EXPECT_TRUE(support::send_all(fd, request));
  std::string all;
  EXPECT_TRUE(support::read_to_eof(fd, all, kWait));
  ::close(fd);
  auto end = all.find("\r\n\r\n");
  if (all.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return reply;
  reply.status = std::stoi(all.substr(9, 3));
  reply.head = all.substr(0, end);
  reply.body = all.substr(end + 4);
  return reply;
}

HttpReply get(unsigned short port, const std::string& path) {
  return http(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

class ServerMetrics : public ServerFixture {
 protected:
  void start_with_metrics(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"--metrics", "127.0.0.1:0"});
    start(std::move(args));
    auto line = server_->wait_for_log("metrics served on 127.0.0.1:");
    ASSERT_FALSE(line.empty()) << server_->log();
    auto at = line.find("127.0.0.1:") + 10;
    metrics_port_ = static_cast<unsigned short>(std::stoi(line.substr(at)));
  }

  // A scrape that must be valid exposition text.
  PromText scrape() {
    auto reply = get(metrics_port_, "/metrics");
    EXPECT_EQ(reply.status, 200) << reply.head;
    EXPECT_NE(reply.head.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8"), std::string::npos)
        << reply.head;
    try {
      return parse_prometheus_text(reply.body);
    } catch (const PromError& e) {
      ADD_FAILURE() << "not exposition format: " << e.what() << "\n" << reply.body;
      return {};
    }
  }

  // Scrapes until `done` holds (figures that settle after the client saw its
  // answer, like a connection the server has closed); false at the deadline.
  bool scrape_until(const std::function<bool(const PromText&)>& done) {
    auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline)
      if (done(scrape())) return true;
    return false;
  }

  unsigned short metrics_port_ = 0;
};

double at(const PromText& t, const std::string& name, const Labels& labels = {}) {
  auto v = t.value(name, labels);
  EXPECT_TRUE(v.has_value()) << name;
  return v.value_or(-1);
}

double open_connections(const PromText& t, const std::string& state) {
  return at(t, "parley_connections_open", {{"state", state}, {"protocol", "classic"}, {"tls", "false"}});
}

TEST_F(ServerMetrics, FiguresMoveWithTraffic) {
  start_with_metrics();
  auto before = scrape();
  EXPECT_EQ(at(before, "parley_build_info", {{"version", PARLEY_TEST_VERSION}}), 1);
  EXPECT_EQ(before.families.at("parley_store_commit_seconds").type, "histogram");
  EXPECT_EQ(before.families.at("parley_logins_total").type, "counter");
  EXPECT_EQ(before.families.at("parley_connections_open").type, "gauge");
  EXPECT_EQ(at(before, "parley_store_up"), 1);
  EXPECT_GT(at(before, "parley_process_resident_memory_bytes"), 0);
  EXPECT_GT(at(before, "parley_process_open_fds"), 0);
  EXPECT_GT(at(before, "parley_process_start_time_seconds"), 1.7e9);
  auto delta = [&before](const PromText& now, const std::string& name, const Labels& labels = {}) {
    return at(now, name, labels) - at(before, name, labels);
  };

  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  LineClient guesser(port());
  guesser.expect("Username: ");
  guesser.send_line("carol");
  guesser.expect("Password: ");
  guesser.send_line("wrong");
  guesser.expect("Username: ");

  EXPECT_EQ(alice->command("message bob hi there"), kPrompt);
  EXPECT_EQ(bob->expect("\n"), "alice: hi there <private message>\n");
  alice->send_line("broadcast message hello all");
  alice->expect(kPrompt);  // after the offline users' copy is committed
  EXPECT_EQ(bob->expect("\n"), "alice: hello all <broadcast message>\n");
  alice->send_line("message carol see you");
  alice->expect(kPrompt);  // stored for carol, who is offline
  alice->command("whoelse");

  auto during = scrape();
  EXPECT_EQ(delta(during, "parley_connections_accepted_total"), 3);
  EXPECT_EQ(open_connections(during, "logged_in"), 2);
  EXPECT_EQ(open_connections(during, "logging_in"), 1);  // the guesser, back at the username prompt
  EXPECT_EQ(delta(during, "parley_logins_total", {{"result", "ok"}}), 2);
  EXPECT_EQ(delta(during, "parley_logins_total", {{"result", "failed"}}), 1);
  EXPECT_EQ(delta(during, "parley_logins_total", {{"result", "blocked"}}), 0);
  EXPECT_EQ(delta(during, "parley_lockout_blocks_total"), 0);
  EXPECT_EQ(delta(during, "parley_messages_in_total", {{"kind", "private"}}), 2);
  EXPECT_EQ(delta(during, "parley_messages_in_total", {{"kind", "broadcast"}}), 1);
  EXPECT_EQ(delta(during, "parley_messages_in_total", {{"kind", "broadcast_list"}}), 0);
  EXPECT_EQ(delta(during, "parley_messages_in_total", {{"kind", "other"}}), 1);
  EXPECT_EQ(delta(during, "parley_messages_out_total", {{"kind", "private"}}), 1);
  EXPECT_EQ(delta(during, "parley_messages_out_total", {{"kind", "broadcast"}}), 1);
  EXPECT_EQ(delta(during, "parley_messages_out_total", {{"kind", "offline"}}), 0);
  EXPECT_EQ(delta(during, "parley_mailbox_messages"), 2);  // the broadcast once, carol's message
  EXPECT_GT(delta(during, "parley_bytes_in_total"), 60);
  EXPECT_GT(delta(during, "parley_bytes_out_total"), 100);
  EXPECT_GE(delta(during, "parley_store_commits_total"), 2);
  EXPECT_EQ(at(during, "parley_store_commit_seconds_count"), at(during, "parley_store_commits_total"));
  EXPECT_EQ(delta(during, "parley_store_failures_total"), 0);
  for (const auto& reason : {"server_full", "too_many_connections", "too_many_logins", "too_many_failures", "busy"})
    EXPECT_EQ(delta(during, "parley_connections_refused_total", {{"reason", reason}}), 0) << reason;

  // carol logs in and gets her two waiting messages from the mailbox.
  std::string carol_login;
  auto carol = user("carol", "swordfish", &carol_login);
  EXPECT_NE(carol_login.find("alice: see you"), std::string::npos) << carol_login;
  logout(*alice);
  logout(*bob);
  logout(*carol);
  guesser.close();
  EXPECT_TRUE(scrape_until([](const PromText& t) {
    return open_connections(t, "logged_in") == 0 && open_connections(t, "logging_in") == 0;
  })) << "connections did not leave the gauge";
  auto after = scrape();
  EXPECT_EQ(delta(after, "parley_messages_out_total", {{"kind", "offline"}}), 2);
  EXPECT_EQ(delta(after, "parley_logins_total", {{"result", "ok"}}), 3);
  EXPECT_EQ(delta(after, "parley_messages_in_total", {{"kind", "other"}}), 4);  // whoelse and three logouts
  EXPECT_EQ(at(after, "parley_outbound_queue_bytes"), 0);
  EXPECT_EQ(delta(after, "parley_timeouts_total", {{"kind", "idle"}}), 0);
  // carol's message leaves the mailbox; the broadcast waits for the others.
  EXPECT_TRUE(scrape_until([&](const PromText& t) { return delta(t, "parley_mailbox_messages") == 1; }))
      << "carol's mailbox was not emptied";
}

TEST_F(ServerMetrics, BlocksRefusalsAndTimeoutsAreCounted) {
  start_with_metrics({"--login-times", "2", "--login-timeout", "1", "--max-logins-per-address", "2"});
  auto before = scrape();
  {
    LineClient c(port());
    c.expect("Username: ");
    for (int i = 0; i < 2; ++i) {
      c.send_line("carol");
      c.expect("Password: ");
      c.send_line("nope");
    }
    c.read_until_closed();  // blocked after the second failure
  }
  {
    LineClient c(port());
    c.expect("Username: ");
    c.send_line("carol");
    c.read_until_closed();  // still blocked
  }
  // From another address, so the connections above count no more there.
  LineClient first(port(), "127.0.0.1", "127.0.0.2");
  first.expect("Username: ");
  LineClient second(port(), "127.0.0.1", "127.0.0.2");
  second.expect("Username: ");
  LineClient third(port(), "127.0.0.1", "127.0.0.2");  // a third at the login prompt from there: refused at accept
  third.read_until_closed();
  EXPECT_EQ(first.read_until_closed(), "Error: login timed out\n");  // --login-timeout 1
  EXPECT_TRUE(scrape_until([&](const PromText& t) {
    return at(t, "parley_timeouts_total", {{"kind", "login"}}) -
               at(before, "parley_timeouts_total", {{"kind", "login"}}) ==
           2;
  }));
  auto after = scrape();
  auto delta = [&](const std::string& name, const Labels& labels = {}) {
    return at(after, name, labels) - at(before, name, labels);
  };
  EXPECT_EQ(delta("parley_logins_total", {{"result", "failed"}}), 2);
  EXPECT_EQ(delta("parley_lockout_blocks_total"), 1);
  EXPECT_EQ(delta("parley_logins_total", {{"result", "blocked"}}), 1);
  EXPECT_EQ(delta("parley_connections_refused_total", {{"reason", "too_many_logins"}}), 1);
  EXPECT_EQ(delta("parley_connections_accepted_total"), 5);
}

TEST_F(ServerMetrics, TlsConnectionsAreCountedApart) {
  TestAuthority ca("parley test CA");
  auto [cert, key] = ca.issue(ServerCertSpec{}).write(dir_.path(), "server");
  start_with_metrics({"--tls-port", "0", "--tls-cert", cert, "--tls-key", key});
  auto secure_port = tls_port(*server_);
  ASSERT_NE(secure_port, 0);
  auto tls = [](const PromText& t, const std::string& state) {
    return at(t, "parley_connections_open", {{"state", state}, {"protocol", "classic"}, {"tls", "true"}});
  };
  TlsLineClient waiting(secure_port);
  ASSERT_TRUE(waiting.handshake_ok()) << waiting.handshake_error();
  waiting.expect("Username: ");
  TlsLineClient alice(secure_port);
  ASSERT_TRUE(alice.handshake_ok()) << alice.handshake_error();
  EXPECT_NE(alice.login("alice", "secret").find("Login successful"), std::string::npos);
  auto plain = user("bob", "hunter2");
  auto during = scrape();
  EXPECT_EQ(tls(during, "logging_in"), 1);
  EXPECT_EQ(tls(during, "logged_in"), 1);
  EXPECT_EQ(open_connections(during, "logged_in"), 1);
  EXPECT_EQ(open_connections(during, "logging_in"), 0);
  alice.send_line("logout");
  alice.read_until_closed();
  EXPECT_TRUE(scrape_until([&](const PromText& t) { return tls(t, "logged_in") == 0; }));
}

TEST_F(ServerMetrics, HealthzAndHttpBounds) {
  start_with_metrics();
  auto health = get(metrics_port_, "/healthz");
  EXPECT_EQ(health.status, 200) << health.head;
  EXPECT_EQ(health.body, "ok\n");

  EXPECT_EQ(get(metrics_port_, "/nothing").status, 404);
  EXPECT_EQ(get(metrics_port_, "/").status, 404);
  auto post =
      http(metrics_port_, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(post.status, 405);
  EXPECT_NE(post.head.find("\r\nAllow: GET"), std::string::npos) << post.head;
  EXPECT_EQ(http(metrics_port_, "NONSENSE\r\n\r\n").status, 400);

  // Headers over the 8 KiB bound: refused, never answered with the figures.
  auto big =
      http(metrics_port_, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(9000, 'a') + "\r\n\r\n");
  EXPECT_EQ(big.status, 431) << big.head;
  EXPECT_EQ(big.body.find("parley_"), std::string::npos);

  // Keep-alive: two requests on one connection, the second closing it.
  auto both =
      http(metrics_port_,
           "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(support::count_of(both.body, "HTTP/1.1 200 OK"), 1u) << both.body;

  // A client that sends nothing is closed at the read deadline, not held.
  EXPECT_TRUE(server_->running());
}

TEST(ServerMetricsConfig, BadAddressIsRefusedAtStart) {
  for (const std::string bad : {"localhost:9100", "::1:9100", "127.0.0.1", "127.0.0.1:99999", "[127.0.0.1]:9100"}) {
    auto r = run_command({binary_path("parleyd"), "--metrics", bad, "0"}, "");
    EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("metrics: not ADDR:PORT"), std::string::npos) << bad << ": " << r.err;
  }
}

TEST(ServerMetricsConfig, PortInUseIsOneClearLineAndExit1) {
  int taken = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(taken, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(taken, 1), 0);
  socklen_t length = sizeof addr;
  ASSERT_EQ(::getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &length), 0);
  auto port = std::to_string(ntohs(addr.sin_port));
  TempDir dir;
  dir.write("users.txt", demo_users());
  auto r = run_command({binary_path("parleyd"), "--password-hash-cost", "min", "--users", (dir / "users.txt").string(),
                        "--db", (dir / "p.db").string(), "--metrics", "127.0.0.1:" + port, "0"},
                       "");
  ::close(taken);
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1) << r.err;
  EXPECT_NE(r.err.find("cannot serve metrics on 127.0.0.1:" + port + ": Address already in use"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace parley::test
