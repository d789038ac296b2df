// State that must survive a graceful restart, and messages that must survive
// kill -9 once the sender was told they were stored.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using support::count_of;

std::string offline_line(const std::string& user) {
  return "(Receiver " + user + " is currently offline, message will be delivered when they log in next time)\n";
}

std::string login_ok(LineClient& c, const std::string& user, const std::string& password) {
  std::string out = c.login(user, password);
  EXPECT_NE(out.find("Login successful"), std::string::npos) << user << ": " << out;
  return out;
}

void logout(LineClient& c) {
  c.send_line("logout");
  EXPECT_EQ(c.read_until_closed(), "Logging off\n");
}

TEST(ServerDurability, GracefulRestartKeepsMailboxesIntrosAndLastSeen) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  {
    ServerProcess server(dir.path());
    LineClient alice(server.port());
    login_ok(alice, "alice", "secret");
    EXPECT_EQ(alice.command("personalintro Alice from before"), "Personal introduction saved.\n" + kPrompt);
    EXPECT_EQ(alice.command("message carol kept across restart"), offline_line("carol") + kPrompt);
    alice.command("broadcast message broadcast across restart");
    logout(alice);
    LineClient bob(server.port());
    login_ok(bob, "bob", "hunter2");
    logout(bob);
    // seas is still online when the server stops.
    LineClient seas(server.port());
    login_ok(seas, "seas", "summerisover");
    int status = server.stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    EXPECT_NE(seas.read_until_closed().find("Server is shutting down"), std::string::npos);
  }
  ServerProcess server(dir.path());
  LineClient google(server.port());
  std::string out = login_ok(google, "google", "hasglasses");
  EXPECT_NE(out.find("alice: broadcast across restart <broadcast message>\n"), std::string::npos) << out;
  EXPECT_EQ(google.command("wholast 10"),
            "The users that are online in the last 10 minutes are:\n"
            "alice   <Alice from before>\n"
            "bob\n"
            "seas\n" +
                kPrompt);
  LineClient carol(server.port());
  out = login_ok(carol, "carol", "swordfish");
  EXPECT_NE(out.find("Your offline messages:\n"), std::string::npos) << out;
  EXPECT_NE(out.find("] alice: kept across restart <private message>\n"), std::string::npos) << out;
  EXPECT_NE(out.find("] alice: broadcast across restart <broadcast message>\n"), std::string::npos) << out;
  LineClient alice(server.port());
  out = login_ok(alice, "alice", "secret");
  EXPECT_EQ(out.find("offline messages"), std::string::npos) << "alice got her own broadcast: " << out;
  EXPECT_EQ(carol.command("whoelse"),
            "The currently online users are:\nalice   <Alice from before>\ngoogle\n" + kPrompt);
  // Delivered before the restart means not delivered again after it.
  logout(carol);
  LineClient carol2(server.port());
  EXPECT_EQ(login_ok(carol2, "carol", "swordfish").find("offline messages"), std::string::npos);
}

TEST(ServerDurability, AccountCreatedAfterBroadcastDoesNotGetIt) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  {
    ServerProcess server(dir.path());
    LineClient alice(server.port());
    login_ok(alice, "alice", "secret");
    EXPECT_EQ(alice.command("broadcast message before dave"),
              "(7 users are currently offline, message will be delivered when they log in next time)\n" + kPrompt);
    server.stop(SIGTERM);
  }
  dir.write("user_pass.txt", demo_users() + "dave newcomer1\n");
  ServerProcess server(dir.path());
  EXPECT_TRUE(server.log_contains("1 created")) << server.log();
  LineClient dave(server.port());
  std::string out = login_ok(dave, "dave", "newcomer1");
  EXPECT_EQ(out, "Login successful, Welcome to simple chat server!\n" + kPrompt);
  LineClient bob(server.port());
  out = login_ok(bob, "bob", "hunter2");
  EXPECT_NE(out.find("alice: before dave <broadcast message>"), std::string::npos) << out;
  // And the count now includes dave.
  LineClient alice(server.port());
  login_ok(alice, "alice", "secret");
  EXPECT_EQ(alice.command("broadcast message after dave"),
            "(6 users are currently offline, message will be delivered when they log in next time)\n" + kPrompt);
  EXPECT_EQ(dave.expect("\n"), "alice: after dave <broadcast message>\n");
}

TEST(ServerDurability, AcknowledgedMessagesSurviveKillNine) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  const std::vector<std::string> senders{"alice", "bob", "carol"};
  const std::map<std::string, std::string> passwords{{"alice", "secret"},      {"bob", "hunter2"},
                                                     {"carol", "swordfish"},   {"seas", "summerisover"},
                                                     {"google", "hasglasses"}, {"facebook", "wastingtime"}};
  const std::vector<std::string> recipients{"seas", "google", "facebook"};
  constexpr int kPerSender = 100;
  constexpr int kKillAfter = 60;

  std::map<std::string, std::vector<int>> acked;  // per sender, filled by its thread only
  int acked_at_kill = 0;
  {
    ServerProcess server(dir.path());
    std::vector<std::unique_ptr<LineClient>> clients;
    for (auto& s : senders) {
      clients.push_back(std::make_unique<LineClient>(server.port()));
      login_ok(*clients.back(), s, passwords.at(s));
      acked[s];
    }
    std::atomic<int> total{0};
    std::vector<std::thread> threads;
    for (std::size_t k = 0; k < senders.size(); ++k) {
      threads.emplace_back([&, k] {
        const std::string& s = senders[k];
        int fd = clients[k]->fd();
        std::string buffer, out;
        auto& mine = acked.at(s);
        for (int i = 0; i < kPerSender; ++i) {
          const std::string& to = recipients[static_cast<std::size_t>(i) % recipients.size()];
          if (!support::send_all(fd, "message " + to + " m-" + s + "-" + std::to_string(i) + "\n")) return;
          if (!support::read_until(fd, buffer, "Command: ", out, kWait)) return;
          if (out == offline_line(to) + kPrompt) {
            mine.push_back(i);
            ++total;
          } else {
            ADD_FAILURE() << s << " message " << i << ": unexpected answer \"" << out << "\"";
            return;
          }
        }
      });
    }
    auto deadline = std::chrono::steady_clock::now() + kWait;
    while (total.load() < kKillAfter && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);  // polling an atomic counter, no event to block on
    acked_at_kill = total.load();
    int status = server.stop(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    for (auto& t : threads) t.join();
    EXPECT_GE(acked_at_kill, kKillAfter);
    EXPECT_LT(acked_at_kill, static_cast<int>(senders.size()) * kPerSender) << "the kill came after all traffic";
  }

  ServerProcess server(dir.path());
  std::size_t total_acked = 0;
  for (auto& [s, list] : acked) total_acked += list.size();
  std::size_t total_received = 0;
  for (std::size_t r = 0; r < recipients.size(); ++r) {
    const std::string& who = recipients[r];
    LineClient c(server.port());
    std::string out = login_ok(c, who, passwords.at(who));
    std::map<std::string, std::vector<int>> got;  // per sender, in arrival order
    std::size_t start = 0;
    while (start < out.size()) {
      auto end = out.find('\n', start);
      if (end == std::string::npos) break;
      std::string line = out.substr(start, end - start);
      start = end + 1;
      if (line.rfind("Login successful", 0) == 0 || line == "Your offline messages:" ||
          line.rfind("Username: ", 0) == 0)
        continue;
      std::string stamp, rest, from, named;
      int i = -1;
      if (!support::split_stamp(line, stamp, rest) || !support::parse_numbered(rest, "m", from, named, i)) {
        ADD_FAILURE() << who << ": unexpected line \"" << line << "\"";
        continue;
      }
      EXPECT_EQ(from, named) << line;
      EXPECT_EQ(static_cast<std::size_t>(i) % recipients.size(), r) << who << " got a message for another: " << line;
      got[named].push_back(i);
      ++total_received;
    }
    for (auto& s : senders) {
      auto& seq = got[s];
      for (std::size_t j = 1; j < seq.size(); ++j)
        EXPECT_LT(seq[j - 1], seq[j]) << who << ": messages from " << s << " duplicated or out of order";
      for (int i : acked[s]) {
        if (static_cast<std::size_t>(i) % recipients.size() != r) continue;
        EXPECT_EQ(std::count(seq.begin(), seq.end(), i), 1)
            << who << " must get acknowledged m-" << s << "-" << i << " exactly once";
      }
    }
    logout(c);
    // Exactly once across logins too.
    LineClient again(server.port());
    EXPECT_EQ(login_ok(again, who, passwords.at(who)).find("offline messages"), std::string::npos);
  }
  EXPECT_GE(total_received, total_acked);
  // At most one unacknowledged message per sender can be in flight.
  EXPECT_LE(total_received, total_acked + senders.size());
}

}  // namespace
}  // namespace parley::test
