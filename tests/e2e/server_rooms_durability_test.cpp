// Room messages that must survive kill -9 once acknowledged, and history
// that the retention removes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

class ServerRoomsDurability : public ServerFixture {};

// Every "[<stamp>] <sender>: m-<sender>-<i>" line of a history listing.
std::map<std::string, std::vector<int>> numbered_lines(const std::string& listing) {
  static const std::regex shape(R"(\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] (\w+): m-(\w+)-(\d+))");
  std::map<std::string, std::vector<int>> out;
  std::istringstream lines(listing);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, shape) && m[1] == m[2]) out[m[1]].push_back(std::stoi(m[3]));
  }
  return out;
}

TEST_F(ServerRoomsDurability, EveryAcknowledgedRoomMessageIsInTheHistoryOnceAfterKillNine) {
  start();
  const std::vector<std::pair<std::string, std::string>> senders{
      {"alice", "secret"}, {"bob", "hunter2"}, {"carol", "swordfish"}};
  constexpr int kPerSender = 100;
  constexpr int kKillAfter = 60;
  std::vector<std::unique_ptr<LineClient>> clients;
  for (auto& [name, password] : senders) {
    clients.push_back(user(name, password));
    clients.back()->command("join #busy");
  }
  {
    // A member away: the room's messages are stored for it as well.
    auto seas = user("seas", "summerisover");
    seas->command("join #busy");
    logout(*seas);
  }
  std::map<std::string, std::vector<int>> acked;
  for (auto& s : senders) acked[s.first];
  std::atomic<int> total{0};
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < senders.size(); ++k) {
    threads.emplace_back([&, k] {
      const std::string& s = senders[k].first;
      int fd = clients[k]->fd();
      std::string buffer, out;
      auto& mine = acked.at(s);
      for (int i = 0; i < kPerSender; ++i) {
        if (!support::send_all(fd, "message #busy m-" + s + "-" + std::to_string(i) + "\n")) return;
        if (!support::read_until(fd, buffer, "Command: ", out, kWait)) return;
        // Lines from the other senders come in between; an error never does.
        if (out.find("Error") != std::string::npos) {
          ADD_FAILURE() << s << " message " << i << ": " << out;
          return;
        }
        mine.push_back(i);
        ++total;
      }
    });
  }
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (total.load() < kKillAfter && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling an atomic counter, no event to block on
  int acked_at_kill = total.load();
  int status = server_->stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  for (auto& t : threads) t.join();
  EXPECT_GE(acked_at_kill, kKillAfter);
  EXPECT_LT(acked_at_kill, static_cast<int>(senders.size()) * kPerSender) << "the kill came after all traffic";
  clients.clear();

  server_ = std::make_unique<ServerProcess>(dir_.path());
  auto alice = user("alice", "secret");
  std::string listing = alice->command("history #busy 500");
  auto got = numbered_lines(listing);
  for (auto& [s, list] : acked) {
    auto& seq = got[s];
    for (std::size_t j = 1; j < seq.size(); ++j) EXPECT_LT(seq[j - 1], seq[j]) << s << ": duplicated or out of order";
    for (int i : list) EXPECT_EQ(std::count(seq.begin(), seq.end(), i), 1) << "m-" << s << "-" << i;
  }
}

// The database's times, moved back as if the messages were `days` old.
void age_history(const std::filesystem::path& db, int days) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  std::string sql = "UPDATE room_messages SET sent_at = sent_at - " + std::to_string(days * 86400) +
                    "; UPDATE private_history SET sent_at = sent_at - " + std::to_string(days * 86400) + ";";
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(handle);
}

TEST_F(ServerRoomsDurability, RetentionRemovesOldHistoryButNotWhatAMemberHasNotSeen) {
  start();
  {
    auto alice = user("alice", "secret");
    auto bob = user("bob", "hunter2");
    alice->command("join #lobby");
    bob->command("join #lobby");
    alice->command("message #lobby seen by everyone");
    bob->expect("[#lobby] alice: seen by everyone\n");
    alice->command("message bob old and private");
    bob->expect("alice: old and private <private message>\n");
    logout(*bob);
    alice->command("message #lobby bob was away");
    server_->stop(SIGTERM);
  }
  age_history(dir_.path() / "parley.db", 31);  // history-days is 30
  server_ = std::make_unique<ServerProcess>(dir_.path());
  EXPECT_NE(server_->wait_for_log("history sweep removed private=1 room=1"), "") << server_->log();
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("history bob"), "No messages with bob\n" + kPrompt);
  std::string out;
  auto bob = user("bob", "hunter2", &out);
  EXPECT_NE(out.find("Unread in #lobby (1):\n"), std::string::npos) << out;
  EXPECT_NE(out.find("] alice: bob was away\n"), std::string::npos) << out;
}

TEST_F(ServerRoomsDurability, ZeroRetentionKeepsNothingBeyondDelivery) {
  start({"--history-days", "0"});
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  alice->command("join #lobby");
  bob->command("join #lobby");
  alice->command("message bob not kept");
  alice->command("message #lobby seen by everyone");
  bob->expect("[#lobby] alice: seen by everyone\n");
  logout(*bob);
  alice->command("message #lobby kept until bob reads it");
  alice.reset();
  server_->stop(SIGTERM);
  server_ = std::make_unique<ServerProcess>(dir_.path(), std::vector<std::string>{"--history-days", "0"});
  EXPECT_NE(server_->wait_for_log("history sweep removed private=0 room=1"), "") << server_->log();
  alice = user("alice", "secret");
  EXPECT_EQ(alice->command("history bob"), "No messages with bob\n" + kPrompt);
  std::string listing = alice->command("history #lobby");
  EXPECT_EQ(listing.find("seen by everyone"), std::string::npos) << listing;
  EXPECT_NE(listing.find("] alice: kept until bob reads it\n"), std::string::npos) << listing;
}

}  // namespace
}  // namespace parley::test
