// Private messages, broadcasts, offline mailboxes, multi-login and the
// sanitising of relayed text.
#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <thread>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using support::count_of;

const std::string kWelcome = "Login successful, Welcome to simple chat server!\n";

std::string offline_line(const std::string& user) {
  return "(Receiver " + user + " is currently offline, message will be delivered when they log in next time)\n";
}

std::string users_offline(int n) {
  return "(" + std::to_string(n) +
         " users are currently offline, message will be delivered when they log in next time)\n";
}

class ServerMessages : public ServerFixture {
 protected:
  // Logs in, returns the lines between the welcome line and the prompt, logs out.
  std::string mailbox_of(const std::string& name, const std::string& password) {
    std::string out;
    auto c = user(name, password, &out);
    logout(*c);
    auto pos = out.find(kWelcome);
    if (pos == std::string::npos) return out;
    out.erase(0, pos + kWelcome.size());
    out.resize(out.size() - kPrompt.size());
    return out;
  }
};

// "[YYYY-MM-DD HH:MM] " stripped from each line of a mailbox; fails on lines
// without a well-formed stamp near the current time.
std::string strip_stamps(const std::string& mailbox) {
  std::string out;
  std::size_t pos = 0;
  auto now = std::time(nullptr);
  auto fmt = [](std::time_t t) {
    std::tm local{};
    localtime_r(&t, &local);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
    return std::string(buf);
  };
  while (pos < mailbox.size()) {
    auto end = mailbox.find('\n', pos);
    if (end == std::string::npos) end = mailbox.size();
    std::string line = mailbox.substr(pos, end - pos);
    pos = end + 1;
    if (line == "Your offline messages:") {
      out += line + "\n";
      continue;
    }
    std::string when, rest;
    if (!support::split_stamp(line, when, rest)) {
      ADD_FAILURE() << "no time stamp: " << line;
      out += line + "\n";
      continue;
    }
    EXPECT_TRUE(when == fmt(now) || when == fmt(now - 60) || when == fmt(now - 120))
        << "stamp " << when << " is not the local time of sending (now " << fmt(now) << ")";
    out += rest + "\n";
  }
  return out;
}

TEST_F(ServerMessages, PrivateMessageIsDeliveredLive) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  EXPECT_EQ(alice->command("message bob hello there,   bob!"), kPrompt);
  EXPECT_EQ(bob->expect("\n"), "alice: hello there,   bob! <private message>\n");
  EXPECT_EQ(bob->pending(), "");
  EXPECT_EQ(bob->command("message alice   hi back  "), kPrompt);
  EXPECT_EQ(alice->expect("\n"), "bob: hi back <private message>\n");
}

TEST_F(ServerMessages, MessageErrors) {
  start();
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("message nosuchuser hi"), "Error: no such user: nosuchuser\n" + kPrompt);
  EXPECT_EQ(alice->command("message alice hi"), "Error: you cannot send a message to yourself\n" + kPrompt);
  for (const char* line : {"message bob", "message bob    ", "message"}) {
    std::string out = alice->command(line);
    EXPECT_EQ(out.rfind("Error: ", 0), 0u) << line << " -> " << out;
    EXPECT_EQ(count_of(out, "\n"), 1u) << line << " -> " << out;
  }
  // Nothing was stored for bob.
  EXPECT_EQ(mailbox_of("bob", "hunter2"), "");
}

TEST_F(ServerMessages, OfflineMessagesArriveAtNextLoginOldestFirstExactlyOnce) {
  start();
  {
    auto alice = user("alice", "secret");
    auto bob = user("bob", "hunter2");
    EXPECT_EQ(alice->command("message carol first"), offline_line("carol") + kPrompt);
    EXPECT_EQ(bob->command("message carol second"), offline_line("carol") + kPrompt);
    EXPECT_EQ(alice->command("broadcast message third"), users_offline(6) + kPrompt);
    bob->expect("alice: third <broadcast message>\n");
    EXPECT_EQ(alice->command("message carol fourth"), offline_line("carol") + kPrompt);
    EXPECT_EQ(bob->command("broadcast user carol message fifth"), offline_line("carol") + kPrompt);
  }
  EXPECT_EQ(strip_stamps(mailbox_of("carol", "swordfish")),
            "Your offline messages:\n"
            "alice: first <private message>\n"
            "bob: second <private message>\n"
            "alice: third <broadcast message>\n"
            "alice: fourth <private message>\n"
            "bob: fifth <broadcast message>\n");
  EXPECT_EQ(mailbox_of("carol", "swordfish"), "") << "offline messages delivered twice";
}

TEST_F(ServerMessages, LiveDeliveryReachesEveryConnectionOfTheRecipient) {
  start();
  auto bob1 = user("bob", "hunter2");
  auto bob2 = user("bob", "hunter2");
  auto alice = user("alice", "secret");
  auto carol = user("carol", "swordfish");
  EXPECT_EQ(alice->command("message bob to both"), kPrompt);
  EXPECT_EQ(bob1->expect("\n"), "alice: to both <private message>\n");
  EXPECT_EQ(bob2->expect("\n"), "alice: to both <private message>\n");
  EXPECT_EQ(alice->command("broadcast message all of you"), users_offline(5) + kPrompt);
  EXPECT_EQ(bob1->expect("\n"), "alice: all of you <broadcast message>\n");
  EXPECT_EQ(bob2->expect("\n"), "alice: all of you <broadcast message>\n");
  EXPECT_EQ(carol->expect("\n"), "alice: all of you <broadcast message>\n");
  EXPECT_EQ(alice->command("broadcast user bob message listed"), kPrompt);
  EXPECT_EQ(bob1->expect("\n"), "alice: listed <broadcast message>\n");
  EXPECT_EQ(bob2->expect("\n"), "alice: listed <broadcast message>\n");
  // Listed once for others; and bob sees alice and carol once each.
  EXPECT_EQ(carol->command("whoelse"), "The currently online users are:\nalice\nbob\n" + kPrompt);
  EXPECT_EQ(bob1->command("whoelse"), "The currently online users are:\nalice\ncarol\n" + kPrompt);
  EXPECT_EQ(carol->command("wholast 3"),
            "The users that are online in the last 3 minutes are:\nalice\nbob\n" + kPrompt);
  // A message from one of bob's connections reaches the others, not itself.
  EXPECT_EQ(bob2->command("message carol from bob2"), kPrompt);
  EXPECT_EQ(carol->expect("\n"), "bob: from bob2 <private message>\n");
  // One of bob's connections leaving keeps bob online.
  logout(*bob1);
  EXPECT_EQ(carol->command("whoelse"), "The currently online users are:\nalice\nbob\n" + kPrompt);
  EXPECT_EQ(alice->command("message bob still here"), kPrompt);
  EXPECT_EQ(bob2->expect("\n"), "alice: still here <private message>\n");
}

TEST_F(ServerMessages, BroadcastToEverybody) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  auto carol = user("carol", "swordfish");
  // 8 accounts: alice sends, bob and carol are online, 5 are offline.
  EXPECT_EQ(alice->command("broadcast message hello   everybody"), users_offline(5) + kPrompt);
  EXPECT_EQ(bob->expect("\n"), "alice: hello   everybody <broadcast message>\n");
  EXPECT_EQ(carol->expect("\n"), "alice: hello   everybody <broadcast message>\n");
  EXPECT_EQ(alice->pending(), "") << "the sender must not get its own broadcast";
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\nbob\ncarol\n" + kPrompt);

  // Who saw it live does not get it again; offline ones get it once.
  logout(*bob);
  EXPECT_EQ(mailbox_of("bob", "hunter2"), "");
  EXPECT_EQ(strip_stamps(mailbox_of("google", "hasglasses")),
            "Your offline messages:\nalice: hello   everybody <broadcast message>\n");
  EXPECT_EQ(mailbox_of("google", "hasglasses"), "");
  EXPECT_EQ(mailbox_of("alice", "secret"), "") << "the sender got its own broadcast";
  EXPECT_EQ(strip_stamps(mailbox_of("seas", "summerisover")),
            "Your offline messages:\nalice: hello   everybody <broadcast message>\n");

  // Now bob, google, seas, alice have been online recently, but only carol and
  // alice are online: 6 are offline for carol's broadcast.
  EXPECT_EQ(carol->command("broadcast message second"), users_offline(6) + kPrompt);
  EXPECT_EQ(alice->expect("\n"), "carol: second <broadcast message>\n");
  EXPECT_EQ(alice->command("broadcast message"),
            "Error: usage: broadcast message <text> | broadcast user <user>... message <text>\n" + kPrompt);
  std::string blank = alice->command("broadcast message    ");
  EXPECT_EQ(blank.rfind("Error: ", 0), 0u) << blank;
}

TEST_F(ServerMessages, BroadcastWithEverybodyOnlineHasNoOfflineLine) {
  TempDir small;
  small.write("user_pass.txt", "alice secret\nbob hunter2\n");
  ServerProcess server(small.path());
  LineClient alice(server.port());
  alice.login("alice", "secret");
  LineClient bob(server.port());
  bob.login("bob", "hunter2");
  EXPECT_EQ(alice.command("broadcast message hi"), kPrompt);
  EXPECT_EQ(bob.expect("\n"), "alice: hi <broadcast message>\n");
}

TEST_F(ServerMessages, BroadcastToListedUsers) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  auto google = user("google", "hasglasses");
  EXPECT_EQ(alice->command("broadcast user bob carol bob nosuch alice carol seas message  to some of you "),
            offline_line("carol") + "Error: no such user: nosuch\n" + offline_line("seas") + kPrompt);
  EXPECT_EQ(bob->expect("\n"), "alice: to some of you <broadcast message>\n");
  // bob got it once: the next thing bob reads is his own command's output.
  EXPECT_EQ(bob->command("whoelse"), "The currently online users are:\nalice\ngoogle\n" + kPrompt);
  // google was not listed.
  EXPECT_EQ(google->command("whoelse"), "The currently online users are:\nalice\nbob\n" + kPrompt);
  EXPECT_EQ(alice->pending(), "");
  EXPECT_EQ(strip_stamps(mailbox_of("carol", "swordfish")),
            "Your offline messages:\nalice: to some of you <broadcast message>\n");
  EXPECT_EQ(strip_stamps(mailbox_of("seas", "summerisover")),
            "Your offline messages:\nalice: to some of you <broadcast message>\n");
  EXPECT_EQ(mailbox_of("alice", "secret"), "");
  EXPECT_EQ(mailbox_of("facebook", "wastingtime"), "");
}

TEST_F(ServerMessages, BroadcastToListedUsersErrors) {
  start();
  auto alice = user("alice", "secret");
  for (const char* line :
       {"broadcast user message hi", "broadcast user bob message", "broadcast user bob message   ",
        "broadcast user bob carol", "broadcast user", "broadcast", "broadcast users bob message hi"}) {
    std::string out = alice->command(line);
    EXPECT_EQ(out.rfind("Error: ", 0), 0u) << line << " -> " << out;
    EXPECT_EQ(count_of(out, "\n"), 1u) << line << " -> " << out;
  }
  std::string self = alice->command("broadcast user alice message hi me");
  EXPECT_EQ(self.rfind("Error: ", 0), 0u) << self;
  EXPECT_EQ(alice->command("broadcast user nosuch message x"), "Error: no such user: nosuch\n" + kPrompt);
  EXPECT_EQ(mailbox_of("bob", "hunter2"), "");
  EXPECT_EQ(mailbox_of("alice", "secret"), "");
}

// More messages than one mailbox page (256): all arrive, in order, once.
TEST_F(ServerMessages, LargeMailboxArrivesCompleteAndInOrder) {
  start({"--flood-rate", "0"});
  constexpr int kCount = 300;
  {
    auto alice = user("alice", "secret");
    auto bob = user("bob", "hunter2");
    for (int i = 0; i < kCount; ++i) {
      LineClient& from = i % 3 == 2 ? *bob : *alice;
      std::string out = i % 10 == 9 ? from.command("broadcast user carol message n" + std::to_string(i))
                                    : from.command("message carol n" + std::to_string(i));
      ASSERT_EQ(out, offline_line("carol") + kPrompt) << i;
    }
  }
  std::string box = strip_stamps(mailbox_of("carol", "swordfish"));
  std::string expected = "Your offline messages:\n";
  for (int i = 0; i < kCount; ++i) {
    expected += (i % 3 == 2 ? "bob: n" : "alice: n") + std::to_string(i) +
                (i % 10 == 9 ? " <broadcast message>\n" : " <private message>\n");
  }
  EXPECT_EQ(box, expected);
  EXPECT_EQ(mailbox_of("carol", "swordfish"), "");
}

// Six users message each other at the same time: every live message
// reaches its recipient once, and each sender's messages keep their order.
TEST_F(ServerMessages, ConcurrentTrafficIsDeliveredExactlyOnceInOrder) {
  start();
  const std::vector<std::pair<std::string, std::string>> people{{"alice", "secret"},      {"bob", "hunter2"},
                                                                {"carol", "swordfish"},   {"google", "hasglasses"},
                                                                {"seas", "summerisover"}, {"facebook", "wastingtime"}};
  constexpr int kEach = 40;
  std::vector<std::unique_ptr<LineClient>> clients;
  for (auto& [name, password] : people) clients.push_back(user(name, password));
  std::vector<std::string> received(people.size());
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < people.size(); ++k) {
    threads.emplace_back([&, k] {
      for (int i = 0; i < kEach; ++i) {
        std::size_t to = (k + 1 + static_cast<std::size_t>(i) % (people.size() - 1)) % people.size();
        received[k] +=
            clients[k]->command("message " + people[to].first + " c-" + people[k].first + "-" + std::to_string(i));
      }
    });
  }
  for (auto& t : threads) t.join();
  // Every message was handed over before its sender's prompt: one more
  // command per client collects what is still on its way.
  for (std::size_t k = 0; k < people.size(); ++k) received[k] += clients[k]->command("whoelse");

  for (std::size_t r = 0; r < people.size(); ++r) {
    std::map<std::string, std::vector<int>> got;
    std::size_t pos = 0;
    const std::string& text = received[r];
    while (pos < text.size()) {
      auto end = text.find('\n', pos);
      if (end == std::string::npos) break;
      std::string line = text.substr(pos, end - pos);
      pos = end + 1;
      if (line.rfind("Command: ", 0) == 0) line.erase(0, kPrompt.size());
      while (line.rfind("Command: ", 0) == 0) line.erase(0, kPrompt.size());
      if (line.empty() || line.rfind("The currently online users", 0) == 0) continue;
      std::string from, named;
      int i = -1;
      if (!support::parse_numbered(line, "c", from, named, i)) continue;  // whoelse names
      EXPECT_EQ(from, named) << line;
      got[named].push_back(i);
    }
    for (std::size_t k = 0; k < people.size(); ++k) {
      if (k == r) continue;
      std::vector<int> expected;
      for (int i = 0; i < kEach; ++i) {
        std::size_t to = (k + 1 + static_cast<std::size_t>(i) % (people.size() - 1)) % people.size();
        if (to == r) expected.push_back(i);
      }
      EXPECT_EQ(got[people[k].first], expected) << people[r].first << " from " << people[k].first;
    }
  }
}

bool clean_text(const std::string& s) {
  for (char ch : s) {
    auto b = static_cast<unsigned char>(ch);
    if ((b < 0x20 && b != '\n') || b == 0x7F) return false;
  }
  return true;
}

TEST_F(ServerMessages, RelayedTextIsSanitised) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  // ESC[31m, BEL, BS, CR in the middle, C1 CSI (U+009B as C2 9B), a C1 byte
  // alone (0x9B, invalid UTF-8), 0xFF (invalid), a tab, DEL, RLO (U+202E).
  const std::string dirty =
      "a\x1b[31mred\x1b[0m\a b\bc\rd \xC2\x9B"
      "31m e\x9B"
      "f\xFFg\th\x7Fi\xE2\x80\xAEj";
  alice->command("message bob " + dirty);
  std::string got = bob->expect("<private message>\n");
  EXPECT_TRUE(clean_text(got)) << got;
  EXPECT_EQ(got.find('\x1b'), std::string::npos);
  EXPECT_EQ(got.find("\xC2\x9B"), std::string::npos) << "C1 control relayed";
  EXPECT_EQ(got.find("\xE2\x80\xAE"), std::string::npos) << "bidi override relayed";
  EXPECT_EQ(got,
            "alice: ared bcd 31m e\xEF\xBF\xBD"
            "f\xEF\xBF\xBDg hij <private message>\n");

  // Same for stored messages and broadcasts.
  EXPECT_EQ(alice->command("message carol " + dirty), offline_line("carol") + kPrompt);
  alice->command("broadcast message " + dirty);
  got = bob->expect("<broadcast message>\n");
  EXPECT_TRUE(clean_text(got)) << got;
  EXPECT_NE(got.find("\xEF\xBF\xBD"), std::string::npos) << got;
  std::string box = mailbox_of("carol", "swordfish");
  EXPECT_TRUE(clean_text(box)) << box;
  EXPECT_EQ(box.find('\x1b'), std::string::npos) << box;
  EXPECT_EQ(count_of(box,
                     "ared bcd 31m e\xEF\xBF\xBD"
                     "f\xEF\xBF\xBDg hij"),
            2u)
      << box;

  // Introductions are shown to others too.
  alice->command("personalintro \x1b]0;pwned\a<b>\x1b[2J</b>\x9B");
  std::string who = bob->command("whoelse");
  EXPECT_TRUE(clean_text(who)) << who;
  EXPECT_EQ(who, "The currently online users are:\nalice   <<b></b>\xEF\xBF\xBD>\n" + kPrompt);
}

TEST_F(ServerMessages, MessageMadeOnlyOfControlsIsEmpty) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  std::string out = alice->command("message bob \x1b[31m\a\b");
  EXPECT_EQ(out.rfind("Error: ", 0), 0u) << out;
  EXPECT_EQ(bob->command("whoelse"), "The currently online users are:\nalice\n" + kPrompt)
      << "bob received an empty message";
}

}  // namespace
}  // namespace parley::test
