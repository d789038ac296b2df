// Admission control on the real server: per-address limits, the password
// check queue, and the lockout under concurrent guesses.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "server_support.hpp"

namespace parley::test {

using support::count_of;

namespace {

class ServerAdmission : public ServerFixture {
 protected:
  // A client from another loopback address: another client to the server.
  std::unique_ptr<LineClient> from(const std::string& source) {
    return std::make_unique<LineClient>(port(), "127.0.0.1", source);
  }
  std::unique_ptr<LineClient> at_password(const std::string& source, const std::string& name) {
    auto c = from(source);
    c->expect("Username: ");
    c->send_line(name);
    c->expect("Password: ");
    return c;
  }
  // At a real hash cost every account costs a hash at start: keep to two.
  void start_hashing_for_real(std::vector<std::string> args) {
    dir_.write("user_pass.txt", "alice secret\nbob hunter2\n");
    args.insert(args.begin(), {"--password-hash-cost", "interactive"});
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::move(args));
  }
};

}  // namespace

// Thirty connections guess at once with several checks hashing in parallel:
// exactly login-times guesses are decided, the rest are refused as blocked,
// and the right password cannot lift the block.
TEST_F(ServerAdmission, ParallelGuessesDecideAtMostLoginTimes) {
  start({"--hash-threads", "4", "--login-checks-per-address", "8", "--max-logins-per-address", "40"});
  std::vector<std::unique_ptr<LineClient>> guessers;
  for (int i = 0; i < 30; ++i) guessers.push_back(at_password("127.0.0.2", "alice"));
  for (std::size_t i = 0; i < guessers.size(); ++i) guessers[i]->send_line("wrong" + std::to_string(i));
  std::string answers;  // each guess's verdict line
  for (auto& g : guessers) answers += g->expect("\n");
  std::size_t decided =
      count_of(answers, "Error: invalid username or password\n") +
      count_of(answers, "Error: too many failed attempts; alice is blocked from this address for 60 seconds\n");
  std::size_t refused = count_of(answers, "Error: alice is blocked from this address; try again in");
  EXPECT_EQ(decided, 3u) << answers;
  EXPECT_EQ(decided + refused, 30u) << answers;
  // The right password from the blocked address is refused; elsewhere it works.
  auto late = from("127.0.0.2");
  late->expect("Username: ");
  late->send_line("alice");
  EXPECT_NE(late->read_until_closed().find("Error: alice is blocked from this address; try again in"),
            std::string::npos);
  auto other = std::make_unique<LineClient>(port(), "127.0.0.1", "127.0.0.3");
  EXPECT_NE(other->login("alice", "secret").find("Login successful"), std::string::npos);
}

// One address cannot hold more than its share of the server; others are
// still greeted.
TEST_F(ServerAdmission, OneAddressHoldsOnlyItsShareOfConnections) {
  start({"--max-connections-per-address", "20", "--max-logins-per-address", "0"});
  std::vector<std::unique_ptr<LineClient>> held;
  for (int i = 0; i < 20; ++i) {
    held.push_back(from("127.0.0.2"));
    held.back()->expect("Username: ");
  }
  auto extra = from("127.0.0.2");
  EXPECT_EQ(extra->read_until_closed(), "Error: too many connections from your address\n");
  EXPECT_TRUE(server_->wait_for_log("connection refused from=127.0.0.2 reason=too many connections").size());
  auto other = from("127.0.0.3");
  EXPECT_EQ(other->expect("Username: "), "Username: ");
  held.pop_back();  // a place comes free
  bool greeted = false;
  for (int attempt = 0; attempt < 50 && !greeted; ++attempt) {  // the close reaches the server first
    auto again = from("127.0.0.2");
    greeted = again->expect(" ") == "Username: ";
  }
  EXPECT_TRUE(greeted);
}

TEST_F(ServerAdmission, ConnectionsStillLoggingInAreLimitedPerAddressButNotOnceLoggedIn) {
  start({"--max-logins-per-address", "3"});
  auto alice = std::make_unique<LineClient>(port(), "127.0.0.1", "127.0.0.2");
  alice->login("alice", "secret");
  std::vector<std::unique_ptr<LineClient>> waiting;
  for (int i = 0; i < 3; ++i) {
    waiting.push_back(from("127.0.0.2"));
    waiting.back()->expect("Username: ");
  }
  auto extra = from("127.0.0.2");
  EXPECT_EQ(extra->read_until_closed(),
            "Error: too many connections from your address are logging in; try again later\n");
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
}

TEST_F(ServerAdmission, ExemptNetworksSkipThePerAddressLimits) {
  start({"--max-logins-per-address", "2", "--exempt", "127.0.0.0/30"});
  std::vector<std::unique_ptr<LineClient>> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(from("127.0.0.2"));
    EXPECT_EQ(clients.back()->expect(" "), "Username: ");
  }
  for (int i = 0; i < 2; ++i) {
    clients.push_back(from("127.0.0.5"));
    clients.back()->expect("Username: ");
  }
  EXPECT_EQ(from("127.0.0.5")->read_until_closed(),
            "Error: too many connections from your address are logging in; try again later\n");
}

TEST_F(ServerAdmission, TheServerTotalIsKept) {
  start({"--max-connections", "4"});
  std::vector<std::unique_ptr<LineClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(from("127.0.0." + std::to_string(2 + i)));
    clients.back()->expect("Username: ");
  }
  EXPECT_EQ(from("127.0.0.9")->read_until_closed(), "Error: server full, try again later\n");
}

// Password spraying: failures count per address across usernames.
TEST_F(ServerAdmission, FailedLoginsPerAddressAcrossUsernamesAreLimited) {
  start({"--max-failures-per-address", "4", "--failure-window", "300"});
  const char* names[] = {"alice", "bob", "carol", "seas"};
  for (int i = 0; i < 3; ++i) {
    auto c = at_password("127.0.0.2", names[i]);
    c->send_line("wrong");
    EXPECT_EQ(c->expect("Username: "), "Error: invalid username or password\nUsername: ");
  }
  auto fourth = at_password("127.0.0.2", names[3]);
  fourth->send_line("wrong");
  auto refusal = fourth->read_until_closed();
  EXPECT_EQ(refusal.rfind("Error: too many failed logins from your address; try again in ", 0), 0u) << refusal;
  // New connections from there are refused at once, even with a right password;
  auto again = from("127.0.0.2");
  EXPECT_EQ(again->read_until_closed().rfind("Error: too many failed logins from your address; try again in ", 0), 0u);
  // other addresses are not.
  auto other = std::make_unique<LineClient>(port(), "127.0.0.1", "127.0.0.3");
  EXPECT_NE(other->login("alice", "secret").find("Login successful"), std::string::npos);
}

// A full password check queue is said, not queued without end.
TEST_F(ServerAdmission, AFullCheckQueueAnswersServerBusy) {
  start_hashing_for_real({"--hash-threads", "1", "--login-queue", "1"});
  std::vector<std::unique_ptr<LineClient>> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(at_password("127.0.0." + std::to_string(2 + i), "alice"));
  for (auto& c : clients) c->send_line("wrong");
  std::string answers;
  for (auto& c : clients) answers += c->expect("\n");
  // At most one hashing and one waiting: the others arrive while the queue
  // is full (each check takes far longer than six lines).
  auto busy = count_of(answers, "Error: server busy, try again\n");
  EXPECT_GE(busy, 4u) << answers;
  EXPECT_EQ(busy + count_of(answers, "Error: invalid username or password\n"), 6u) << answers;
  EXPECT_TRUE(server_->wait_for_log("reason=password check queue full").size());
}

// Connect, send a guess, close, 400 times from one address: a user from
// another address logs in about as fast as without them, at the default
// hash cost.
TEST_F(ServerAdmission, DroppedConnectionsDoNotDelayAnotherAddress) {
  start_hashing_for_real({});
  auto timed_login = [&] {
    auto begin = std::chrono::steady_clock::now();
    auto c = std::make_unique<LineClient>(port(), "127.0.0.1", "127.0.0.3");
    EXPECT_NE(c->login("bob", "hunter2").find("Login successful"), std::string::npos);
    return std::chrono::steady_clock::now() - begin;
  };
  auto quiet = timed_login();
  std::atomic<bool> attacking{true};
  std::atomic<int> sent{0};
  std::thread attacker([&] {
    for (int i = 0; i < 400 && attacking; ++i) {
      try {
        int fd = support::connect_from("127.0.0.2", port(), 0);
        if (fd < 0) continue;
        support::send_all(fd, "alice\nguess" + std::to_string(i) + "\n");
        ::close(fd);
        ++sent;
      } catch (...) {
      }
    }
  });
  while (sent < 100) std::this_thread::yield();  // the flood is on
  auto busy = timed_login();
  attacking = false;
  attacker.join();
  EXPECT_LT(busy, 3 * quiet + std::chrono::seconds(2))
      << "quiet " << std::chrono::duration_cast<std::chrono::milliseconds>(quiet).count() << " ms, under attack "
      << std::chrono::duration_cast<std::chrono::milliseconds>(busy).count() << " ms";
}

}  // namespace parley::test
