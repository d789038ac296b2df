// Rooms over TCP: membership across connections, the room lines, unread
// messages at login, and the strings of the room commands.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

// Stored lines carry a UTC time: "[2026-11-30T14:05:03Z] "; tests compare
// what follows it.
std::string without_stamps(const std::string& text) {
  static const std::regex stamp(R"(\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] )");
  return std::regex_replace(text, stamp, "[T] ");
}

class ServerRooms : public ServerFixture {
 protected:
  void SetUp() override { start(); }
};

TEST_F(ServerRooms, TwoRoomsReachEveryOtherConnectionOfTheirMembers) {
  auto a1 = user("alice", "secret");
  auto a2 = user("alice", "secret");
  auto b1 = user("bob", "hunter2");
  auto b2 = user("bob", "hunter2");
  auto c = user("carol", "swordfish");
  EXPECT_EQ(a1->command("join #lobby"), "Created #lobby; you are its owner\n" + kPrompt);
  EXPECT_EQ(a1->command("join #dev"), "Created #dev; you are its owner\n" + kPrompt);
  EXPECT_EQ(b1->command("join #LOBBY"), "Joined #lobby (2 members)\n" + kPrompt);
  for (auto* x : {a1.get(), a2.get(), b2.get()}) EXPECT_EQ(x->expect("\n"), "[#lobby] bob joined the room\n");
  EXPECT_EQ(c->command("join #lobby"), "Joined #lobby (3 members)\n" + kPrompt);
  for (auto* x : {a1.get(), a2.get(), b1.get(), b2.get()})
    EXPECT_EQ(x->expect("\n"), "[#lobby] carol joined the room\n");
  EXPECT_EQ(c->command("join #dev"), "Joined #dev (2 members)\n" + kPrompt);
  for (auto* x : {a1.get(), a2.get()}) EXPECT_EQ(x->expect("\n"), "[#dev] carol joined the room\n");

  EXPECT_EQ(a1->command("message #lobby hello all"), kPrompt);
  for (auto* x : {a2.get(), b1.get(), b2.get(), c.get()}) EXPECT_EQ(x->expect("\n"), "[#lobby] alice: hello all\n");
  EXPECT_EQ(c->command("message #DEV dev talk"), kPrompt);
  for (auto* x : {a1.get(), a2.get()}) EXPECT_EQ(x->expect("\n"), "[#dev] carol: dev talk\n");
  EXPECT_EQ(b1->command("message #dev let me in"), "Error: you are not in #dev\n" + kPrompt);
  EXPECT_EQ(b1->command("message #nowhere hi"), "Error: no such room: #nowhere\n" + kPrompt);
  // bob never got the #dev line: the next thing he reads is the next #lobby one.
  EXPECT_EQ(a2->command("message #lobby second"), kPrompt);
  for (auto* x : {a1.get(), b1.get(), b2.get(), c.get()}) EXPECT_EQ(x->expect("\n"), "[#lobby] alice: second\n");
  EXPECT_EQ(b1->pending(), "");
}

TEST_F(ServerRooms, AMemberAwaySeesExactlyTheUnreadLinesAtLoginInOrderOnce) {
  auto alice = user("alice", "secret");
  alice->command("join #lobby");
  alice->command("join #dev");
  alice->command("message #lobby said before carol joined");
  {
    auto carol = user("carol", "swordfish");
    EXPECT_EQ(carol->command("join #lobby"), "Joined #lobby (2 members)\n" + kPrompt);
    EXPECT_EQ(carol->command("join #dev"), "Joined #dev (2 members)\n" + kPrompt);
    logout(*carol);
  }
  alice->expect("[#dev] carol joined the room\n");
  for (auto text : {"one", "two", "three"}) EXPECT_EQ(alice->command(std::string("message #lobby ") + text), kPrompt);
  EXPECT_EQ(alice->command("message #dev four"), kPrompt);
  std::string out;
  auto carol = user("carol", "swordfish", &out);
  EXPECT_EQ(without_stamps(out),
            "Login successful, Welcome to simple chat server!\n"
            "Unread in #lobby (3):\n"
            "[T] alice: one\n"
            "[T] alice: two\n"
            "[T] alice: three\n"
            "Unread in #dev (1):\n"
            "[T] alice: four\n" +
                kPrompt);
  // Live from now on; read once shown.
  EXPECT_EQ(alice->command("message #lobby five"), kPrompt);
  EXPECT_EQ(carol->expect("\n"), "[#lobby] alice: five\n");
  logout(*carol);
  auto again = user("carol", "swordfish", &out);
  EXPECT_EQ(out, "Login successful, Welcome to simple chat server!\n" + kPrompt);
}

TEST_F(ServerRooms, PastTwentyUnreadTheLastTwentyAreShownAndAllCounted) {
  auto alice = user("alice", "secret");
  alice->command("join #big");
  {
    auto bob = user("bob", "hunter2");
    bob->command("join #big");
    logout(*bob);
  }
  for (int i = 1; i <= 25; ++i) alice->command("message #big m" + std::to_string(i));
  std::string out;
  auto bob = user("bob", "hunter2", &out);
  std::string expected =
      "Login successful, Welcome to simple chat server!\n"
      "Unread in #big (25, the last 20 shown; type 'history #big' and 'history more' for the rest):\n";
  for (int i = 6; i <= 25; ++i) expected += "[T] alice: m" + std::to_string(i) + "\n";
  EXPECT_EQ(without_stamps(out), expected + kPrompt);
}

TEST_F(ServerRooms, OwnersInvitationsAndTheStringsOfEveryCommand) {
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  EXPECT_EQ(alice->command("join #secret"), "Created #secret; you are its owner\n" + kPrompt);
  EXPECT_EQ(alice->command("access #secret invite-only"), "#secret is now invite-only\n" + kPrompt);
  EXPECT_EQ(bob->command("join #secret"), "Error: #secret is invite-only; an owner must invite you\n" + kPrompt);
  EXPECT_EQ(alice->command("invite BOB #secret"), "Invited bob to #secret\n" + kPrompt);
  EXPECT_EQ(bob->expect("\n"), "alice invited you to #secret; type 'join #secret' to join\n");
  EXPECT_EQ(bob->command("rooms"),
            "Your rooms:\n(none)\nPublic rooms:\n(none)\nInvitations:\n#secret   from alice\n" + kPrompt);
  EXPECT_EQ(bob->command("join #secret"), "Joined #secret (2 members)\n" + kPrompt);
  EXPECT_EQ(alice->expect("\n"), "[#secret] bob joined the room\n");
  EXPECT_EQ(alice->command("topic #secret plans for friday"), "Topic of #secret set\n" + kPrompt);
  EXPECT_EQ(bob->expect("\n"), "[#secret] alice set the topic: plans for friday\n");
  EXPECT_EQ(bob->command("topic #secret"), "Topic of #secret: plans for friday\n" + kPrompt);
  EXPECT_EQ(bob->command("topic #secret mine now"), "Error: only an owner of #secret can do that\n" + kPrompt);
  EXPECT_EQ(bob->command("personalintro the builder"), "Personal introduction saved.\n" + kPrompt);
  EXPECT_EQ(alice->command("members #secret"),
            "Members of #secret:\nalice (owner, online)\nbob (online)   <the builder>\n" + kPrompt);
  EXPECT_EQ(alice->command("rooms"),
            "Your rooms:\n#secret   2 members, 2 online, invite-only, owner   <plans for friday>\n"
            "Public rooms:\n(none)\n" +
                kPrompt);
  EXPECT_EQ(alice->command("owner bob #secret"), "bob is now an owner of #secret\n" + kPrompt);
  EXPECT_EQ(bob->expect("\n"), "[#secret] alice made bob an owner\n");
  EXPECT_EQ(bob->command("remove alice #secret"), "Error: alice is an owner of #secret\n" + kPrompt);
  EXPECT_EQ(alice->command("handover bob #secret"), "You handed #secret over to bob\n" + kPrompt);
  EXPECT_EQ(bob->expect("\n"), "[#secret] alice handed ownership to bob\n");
  EXPECT_EQ(bob->command("remove alice #secret"), "Removed alice from #secret\n" + kPrompt);
  EXPECT_EQ(alice->expect("\n"), "[#secret] alice was removed by bob\n");
  EXPECT_EQ(alice->command("message #secret still here?"), "Error: you are not in #secret\n" + kPrompt);
  EXPECT_EQ(alice->command("members #secret"), "Error: you are not in #secret\n" + kPrompt);
  EXPECT_EQ(bob->command("topic #secret -"), "Topic of #secret cleared\n" + kPrompt);
  EXPECT_EQ(bob->command("topic #secret"), "#secret has no topic\n" + kPrompt);
  EXPECT_EQ(bob->command("leave #secret"), "Left #secret\n" + kPrompt);
  EXPECT_EQ(bob->command("leave #secret"), "Error: no such room: #secret\n" + kPrompt);  // the last member left

  EXPECT_EQ(alice->command("join lobby"),
            "Error: a room name is '#' followed by 1 to 32 letters, digits, '.', '_' or '-'\n" + kPrompt);
  EXPECT_EQ(alice->command("join"), "Error: usage: join #room\n" + kPrompt);
  EXPECT_EQ(alice->command("invite bob"), "Error: usage: invite <user> #room\n" + kPrompt);
  EXPECT_EQ(alice->command("access #x open"), "Error: usage: access #room public|invite-only\n" + kPrompt);
  EXPECT_EQ(alice->command("message #lobby"), "Error: usage: message #room <text>\n" + kPrompt);
  EXPECT_EQ(alice->command("history"), "Error: usage: history <user>|#room [<n>] | history more\n" + kPrompt);
  EXPECT_EQ(alice->command("history bob 501"), "Error: history shows 1 to 500 messages at a time\n" + kPrompt);
  EXPECT_EQ(alice->command("history more"),
            "Error: no history listing to continue; use 'history <user>|#room [<n>]'\n" + kPrompt);
  std::string help = alice->command("help");
  for (auto line : {"  join #room ", "  message #room <text> ", "  history more "})
    EXPECT_NE(help.find(line), std::string::npos) << line;
}

TEST_F(ServerRooms, HistoryPagesBackAndSurvivesARestart) {
  {
    auto alice = user("alice", "secret");
    auto bob = user("bob", "hunter2");
    alice->command("join #lobby");
    bob->command("join #lobby");
    alice->expect("[#lobby] bob joined the room\n");
    for (int i = 1; i <= 25; ++i) EXPECT_EQ(alice->command("message #lobby m" + std::to_string(i)), kPrompt);
    EXPECT_EQ(alice->command("message bob a private word"), kPrompt);
    bob->expect("alice: a private word <private message>\n");
    EXPECT_EQ(bob->command("message alice and back"), kPrompt);
    server_->stop(SIGTERM);
  }
  server_ = std::make_unique<ServerProcess>(dir_.path());
  auto alice = user("alice", "secret");
  std::string expected = "History of #lobby:\n";
  for (int i = 6; i <= 25; ++i) expected += "[T] alice: m" + std::to_string(i) + "\n";
  expected += "(5 earlier messages; type 'history more' to see them)\n";
  EXPECT_EQ(without_stamps(alice->command("history #lobby")), expected + kPrompt);
  expected = "History of #lobby:\n";
  for (int i = 1; i <= 5; ++i) expected += "[T] alice: m" + std::to_string(i) + "\n";
  EXPECT_EQ(without_stamps(alice->command("history more")), expected + kPrompt);
  EXPECT_EQ(alice->command("history more"),
            "Error: no history listing to continue; use 'history <user>|#room [<n>]'\n" + kPrompt);
  EXPECT_EQ(without_stamps(alice->command("history #LOBBY 2")),
            "History of #lobby:\n[T] alice: m24\n[T] alice: m25\n(23 earlier messages; type 'history more' to see "
            "them)\n" +
                kPrompt);
  EXPECT_EQ(without_stamps(alice->command("history Bob")),
            "History with bob:\n[T] alice: a private word\n[T] bob: and back\n" + kPrompt);
  EXPECT_EQ(alice->command("history carol"), "No messages with carol\n" + kPrompt);
  EXPECT_EQ(alice->command("history #nope"), "Error: no such room: #nope\n" + kPrompt);
  auto carol = user("carol", "swordfish");
  EXPECT_EQ(carol->command("history #lobby"), "Error: you are not in #lobby\n" + kPrompt);
  EXPECT_EQ(carol->command("history nobody"), "Error: no such user: nobody\n" + kPrompt);
}

}  // namespace
}  // namespace parley::test
