// Commands: whoelse, wholast, personalintro, help, logout, unknown commands,
// idle timeout, and the classic protocol's example sessions.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using ServerCommands = ServerFixture;

TEST_F(ServerCommands, EmptyLineGetsPromptAlone) {
  start();
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command(""), kPrompt);
  EXPECT_EQ(alice->command("   "), kPrompt);
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
}

TEST_F(ServerCommands, WhoElseListsOtherOnlineUsersSortedWithIntros) {
  start();
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
  auto carol = user("carol", "swordfish");
  auto bob = user("bob", "hunter2");
  auto google = user("google", "hasglasses");
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\nbob\ncarol\ngoogle\n" + kPrompt);
  EXPECT_EQ(bob->command("personalintro I like cake"), "Personal introduction saved.\n" + kPrompt);
  EXPECT_EQ(alice->command("whoelse"),
            "The currently online users are:\nbob   <I like cake>\ncarol\ngoogle\n" + kPrompt);
  EXPECT_EQ(bob->command("whoelse"), "The currently online users are:\nalice\ncarol\ngoogle\n" + kPrompt);
  logout(*carol);
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\nbob   <I like cake>\ngoogle\n" + kPrompt);
  google.reset();  // dropped without logout
  EXPECT_TRUE(!server_->wait_for_log("disconnect user=google").empty()) << server_->log();
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\nbob   <I like cake>\n" + kPrompt);
  EXPECT_EQ(alice->command("whoelse now"), "Error: usage: whoelse\n" + kPrompt);
}

TEST_F(ServerCommands, WhoLastRejectsBadArguments) {
  start();
  auto alice = user("alice", "secret");
  const std::string err = "Error: wholast takes a whole number of minutes from 0 to 60\n" + kPrompt;
  for (const char* line : {"wholast", "wholast -1", "wholast 61", "wholast abc", "wholast 1.5", "wholast 1 2",
                           "wholast 99999999999", "wholast +5", "wholast 0x10"}) {
    EXPECT_EQ(alice->command(line), err) << line;
  }
  EXPECT_EQ(alice->command("wholast 60"),
            "The users that are online in the last 60 minutes are:\n(Not found)\n" + kPrompt);
  EXPECT_EQ(alice->command("wholast 0"),
            "The users that are online in the last 0 minutes are:\n(Not found)\n" + kPrompt);
}

TEST_F(ServerCommands, WhoLastListsOnlineAndRecentlyLoggedOutUsers) {
  start();
  {
    auto bob = user("bob", "hunter2");
    bob->command("personalintro bob was here");
    logout(*bob);
  }
  EXPECT_FALSE(server_->wait_for_log("logout user=bob").empty());
  auto carol = user("carol", "swordfish");
  auto alice = user("alice", "secret");
  // google and the others never logged in; alice is not listed to herself.
  EXPECT_EQ(alice->command("wholast 10"),
            "The users that are online in the last 10 minutes are:\nbob   <bob was here>\ncarol\n" + kPrompt);
  EXPECT_EQ(carol->command("wholast 1"),
            "The users that are online in the last 1 minutes are:\nalice\nbob   <bob was here>\n" + kPrompt);
  // Online now counts for a window of 0 minutes.
  std::string zero = alice->command("wholast 0");
  EXPECT_NE(zero.find("\ncarol\n"), std::string::npos) << zero;
}

TEST_F(ServerCommands, WhoLastRangeFollowsLastHour) {
  start({"--last-hour", "5"});
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("wholast 6"), "Error: wholast takes a whole number of minutes from 0 to 5\n" + kPrompt);
  EXPECT_EQ(alice->command("wholast 5"),
            "The users that are online in the last 5 minutes are:\n(Not found)\n" + kPrompt);
  std::string help = alice->command("help");
  EXPECT_NE(help.find("0 to 5"), std::string::npos) << help;
}

TEST_F(ServerCommands, PersonalIntroFormsLimitsAndClearing) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  auto whoelse_for_bob = [&] { return bob->command("whoelse"); };

  // Prompted form.
  alice->send_line("personalintro");
  EXPECT_EQ(alice->expect("\n"), "Please enter your personal introduction:\n");
  EXPECT_EQ(alice->pending(), "") << "no prompt is expected before the introduction line";
  EXPECT_EQ(alice->command("Hello,   I am   Alice"), "Personal introduction saved.\n" + kPrompt);
  EXPECT_EQ(whoelse_for_bob(), "The currently online users are:\nalice   <Hello,   I am   Alice>\n" + kPrompt);

  // One-line form.
  EXPECT_EQ(alice->command("personalintro Second intro"), "Personal introduction saved.\n" + kPrompt);
  EXPECT_EQ(whoelse_for_bob(), "The currently online users are:\nalice   <Second intro>\n" + kPrompt);

  // 200 characters is fine, 201 is not, and the old one stays.
  std::string two_hundred(200, 'x');
  EXPECT_EQ(alice->command("personalintro " + two_hundred), "Personal introduction saved.\n" + kPrompt);
  EXPECT_EQ(whoelse_for_bob(), "The currently online users are:\nalice   <" + two_hundred + ">\n" + kPrompt);
  EXPECT_EQ(alice->command("personalintro " + std::string(201, 'y')),
            "Error: personal introduction is longer than 200 characters; it was not saved\n" + kPrompt);
  EXPECT_EQ(whoelse_for_bob(), "The currently online users are:\nalice   <" + two_hundred + ">\n" + kPrompt);

  // The limit counts characters, not bytes: 200 two-byte characters fit.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";  // é
  EXPECT_EQ(alice->command("personalintro " + accents), "Personal introduction saved.\n" + kPrompt);
  EXPECT_EQ(whoelse_for_bob(), "The currently online users are:\nalice   <" + accents + ">\n" + kPrompt);
  alice->send_line("personalintro");
  alice->expect("Please enter your personal introduction:\n");
  EXPECT_EQ(alice->command(std::string(201, 'z')),
            "Error: personal introduction is longer than 200 characters; it was not saved\n" + kPrompt);

  // An empty line in the prompted form clears it.
  alice->send_line("personalintro");
  alice->expect("Please enter your personal introduction:\n");
  EXPECT_EQ(alice->command(""), "Personal introduction cleared.\n" + kPrompt);
  EXPECT_EQ(whoelse_for_bob(), "The currently online users are:\nalice\n" + kPrompt);
  EXPECT_EQ(bob->command("wholast 5"), "The users that are online in the last 5 minutes are:\nalice\n" + kPrompt);
}

TEST_F(ServerCommands, HelpListsEveryCommand) {
  start();
  auto alice = user("alice", "secret");
  std::string help = alice->command("help");
  for (const char* word :
       {"whoelse", "wholast", "message", "broadcast message", "broadcast user", "personalintro", "help", "logout"}) {
    EXPECT_NE(help.find(word), std::string::npos) << "help does not list " << word << ":\n" << help;
  }
  EXPECT_EQ(help.rfind(kPrompt), help.size() - kPrompt.size());
}

TEST_F(ServerCommands, UnknownCommandNamesItAndPointsAtHelp) {
  start();
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("frobnicate the widget"),
            "Error: unknown command 'frobnicate'; type 'help' for the list of commands\n" + kPrompt);
  EXPECT_EQ(alice->command("WHOELSE"),
            "Error: unknown command 'WHOELSE'; type 'help' for the list of commands\n" + kPrompt);
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
}

TEST_F(ServerCommands, LogoutSaysLoggingOffAndCloses) {
  start();
  auto alice = user("alice", "secret");
  logout(*alice);
  EXPECT_FALSE(server_->wait_for_log("logout user=alice").empty()) << server_->log();
  auto bob = user("bob", "hunter2");
  EXPECT_EQ(bob->command("logout now"), "Error: usage: logout\n" + kPrompt);
  EXPECT_EQ(bob->command("wholast 5"), "The users that are online in the last 5 minutes are:\nalice\n" + kPrompt);
}

TEST_F(ServerCommands, IdleTimeoutLogsOut) {
  start({"--timeout", "1"});
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->read_until_closed(),
            "You will be logged out in 1 seconds unless you send something\n"
            "You have been logged out after 1 seconds of inactivity\n");
  EXPECT_FALSE(server_->wait_for_log("timeout user=alice").empty()) << server_->log();
}

TEST_F(ServerCommands, ActivityKeepsSessionAlive) {
  start({"--timeout", "2"});
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  // bob goes idle and is logged out; alice keeps typing in the meantime.
  auto until = std::chrono::steady_clock::now() + 20s;
  while (!bob->closed() && std::chrono::steady_clock::now() < until) {
    EXPECT_NE(alice->command("whoelse").find("The currently online users are:"), std::string::npos);
    if (server_->log_contains("timeout user=bob")) break;
    std::this_thread::sleep_for(300ms);  // pacing of alice's activity, well under the timeout
  }
  EXPECT_EQ(bob->read_until_closed(),
            "You will be logged out in 1 seconds unless you send something\n"
            "You have been logged out after 2 seconds of inactivity\n");
  EXPECT_FALSE(server_->log_contains("timeout user=alice")) << server_->log();
  EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
}

// The three example sessions of the assignment text, run one after another.
TEST_F(ServerCommands, ClassicExampleSessions) {
  start();
  {
    auto facebook = user("facebook", "wastingtime");
    EXPECT_EQ(facebook->command("personalintro An website"), "Personal introduction saved.\n" + kPrompt);
    logout(*facebook);
  }
  // Example 1.
  {
    LineClient c(port());
    EXPECT_EQ(c.login("csee4119", "lotsofassignments"), "Login successful, Welcome to simple chat server!\n" + kPrompt);
    EXPECT_EQ(c.command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
    EXPECT_EQ(c.command("personalintro The best course ever"), "Personal introduction saved.\n" + kPrompt);
    logout(c);
  }
  // Example 2.
  {
    LineClient c(port());
    c.login("columbia", "116bway");
    EXPECT_EQ(c.command("message seas hello"),
              "(Receiver seas is currently offline, message will be delivered when they log in next time)\n" + kPrompt);
    EXPECT_EQ(c.command("wholast 10"),
              "The users that are online in the last 10 minutes are:\n"
              "csee4119   <The best course ever>\n"
              "facebook   <An website>\n" +
                  kPrompt);
    logout(c);
  }
  // Example 3.
  {
    LineClient c(port());
    std::string out = c.login("seas", "summerisover");
    const std::string head = "Login successful, Welcome to simple chat server!\nYour offline messages:\n";
    ASSERT_EQ(out.substr(0, head.size()), head) << out;
    std::string stamp, rest;
    EXPECT_TRUE(support::split_stamp(out.substr(head.size()), stamp, rest)) << out;
    EXPECT_EQ(rest, "columbia: hello <private message>\n" + kPrompt) << out;
  }
}

}  // namespace
}  // namespace parley::test
