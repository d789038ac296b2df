#include <gtest/gtest.h>

#include <algorithm>

#include "client/completion.hpp"

namespace parley::client {
namespace {

using Names = std::vector<std::string>;

CompletionEngine engine_with(std::initializer_list<std::string_view> lines) {
  CompletionEngine engine;
  for (auto line : lines) engine.observe_line(line);
  engine.observe_prompt();
  return engine;
}

TEST(ClientCompletion, CompletesCommandNames) {
  CompletionEngine engine;
  EXPECT_EQ(engine.complete("", "who"), (Names{"whoelse", "wholast"}));
  EXPECT_EQ(engine.complete("  ", "m"), (Names{"members", "message"}));
  Names all{"/switch"};
  all.insert(all.end(), command_names().begin(), command_names().end());
  EXPECT_EQ(engine.complete("", ""), all);
  EXPECT_EQ(engine.complete("", "x"), Names{});
  EXPECT_EQ(engine.complete("", "j"), Names{"join"});
  EXPECT_EQ(engine.complete("", "h"), (Names{"handover", "help", "history"}));
  EXPECT_EQ(engine.complete("", "/s"), Names{"/switch"});
  EXPECT_EQ(engine.complete("", "/who"), (Names{"/whoelse", "/wholast"}));
  EXPECT_EQ(engine.complete("", "//"), Names{});
}

TEST(ClientCompletion, KnowsTheRoomCommands) {
  for (const char* command :
       {"join", "leave", "rooms", "members", "topic", "invite", "remove", "owner", "handover", "access", "history"}) {
    EXPECT_EQ(std::count(command_names().begin(), command_names().end(), command), 1) << command;
  }
}

TEST(ClientCompletion, LearnsRoomsFromWhatTheServerSays) {
  auto engine = engine_with({
      "[#live] bob: hi",
      "Created #made; you are its owner",
      "Joined #joined (3 members)",
      "Your rooms:",
      "#mine   2 members, 1 online, owner   <a topic>",
      "Public rooms:",
      "#public   5 members, 0 online",
      "Invitations:",
      "#invited   from carol",
      "Unread in #unread (2):",
      "[2026-11-30T14:05:03Z] dave: hello",
      "History of #history:",
      "Members of #members:",
      "erin (owner, online)   <tea>",
      "frank",
      "gina invited you to #invite; type 'join #invite' to join",
      "The server administrator invited you to #admin; type 'join #admin' to join",
  });
  EXPECT_EQ(engine.rooms(), (std::set<std::string>{"#admin", "#history", "#invite", "#invited", "#joined", "#live",
                                                   "#made", "#members", "#mine", "#public", "#unread"}));
  EXPECT_EQ(engine.names(), (std::set<std::string>{"bob", "dave", "erin", "frank", "gina"}));
}

TEST(ClientCompletion, RoomEventsAndMessagesTextTeachNoFalseNames) {
  auto engine = engine_with({
      "[#lobby] bob set the topic: x",
      "[#lobby] the server administrator cleared the topic",
      "bob: Joined #fake (1 members) <private message>",
      "bob: eve invited you to #fake; type 'join #fake' to join <private message>",
      "[#lobby] carol: #fake2 is great",
  });
  EXPECT_EQ(engine.rooms(), std::set<std::string>{"#lobby"});
  EXPECT_EQ(engine.names(), (std::set<std::string>{"bob", "carol"}));
}

TEST(ClientCompletion, ForgetsRoomsLeftOrUnknownInAnyCase) {
  auto engine = engine_with({"Joined #Lobby (3 members)", "Joined #ops (2 members)", "Joined #dev (2 members)"});
  engine.observe_line("Left #Lobby");
  engine.observe_line("Error: no such room: #OPS");
  EXPECT_EQ(engine.rooms(), std::set<std::string>{"#dev"});
}

TEST(ClientCompletion, CompletesRoomsWhereARoomIsExpected) {
  auto engine = engine_with({"Joined #lobby (3 members)", "Joined #lounge (1 members)",
                             "Created #ops; you are its owner", "The currently online users are:", "bob", "alice"});
  engine.set_self("alice");
  EXPECT_EQ(engine.complete("join ", "#lo"), (Names{"#lobby", "#lounge"}));
  for (const char* command : {"join ", "leave ", "members ", "topic ", "access "}) {
    EXPECT_EQ(engine.complete(command, "#o"), Names{"#ops"}) << command;
  }
  EXPECT_EQ(engine.complete("access #ops ", ""), (Names{"invite-only", "public"}));
  EXPECT_EQ(engine.complete("topic #ops ", ""), Names{});
  EXPECT_EQ(engine.complete("message ", ""), (Names{"#lobby", "#lounge", "#ops", "bob"}));
  EXPECT_EQ(engine.complete("history ", ""), (Names{"#lobby", "#lounge", "#ops", "bob", "more"}));
  EXPECT_EQ(engine.complete("history #ops ", ""), Names{});
  for (const char* command : {"invite ", "remove ", "owner ", "handover "}) {
    EXPECT_EQ(engine.complete(command, ""), Names{"bob"}) << command;
    EXPECT_EQ(engine.complete(std::string(command) + "bob ", "#l"), (Names{"#lobby", "#lounge"})) << command;
    EXPECT_EQ(engine.complete(std::string(command) + "bob #lobby ", ""), Names{}) << command;
  }
  EXPECT_EQ(engine.complete("/switch ", ""), (Names{"#lobby", "#lounge", "#ops", "bob"}));
  EXPECT_EQ(engine.complete("/switch #ops ", ""), Names{});
  EXPECT_EQ(engine.complete("switch ", ""), Names{}) << "only the client command takes a target";
  EXPECT_EQ(engine.complete("/join ", "#o"), Names{"#ops"});
}

TEST(ClientCompletion, WhileSwitchedPlainTextCompletesNamesAndSlashCommands) {
  auto engine = engine_with({"Joined #lobby (3 members)", "bob: hi <private message>"});
  engine.set_switched(true);
  EXPECT_EQ(engine.complete("", "b"), Names{"bob"});
  EXPECT_EQ(engine.complete("hello ", ""), (Names{"#lobby", "bob"}));
  EXPECT_EQ(engine.complete("join ", ""), (Names{"#lobby", "bob"})) << "plain text, not a command";
  EXPECT_EQ(engine.complete("", "/wh"), (Names{"/whoelse", "/wholast"}));
  EXPECT_EQ(engine.complete("/join ", ""), Names{"#lobby"});
  EXPECT_EQ(engine.complete("/message ", "b"), Names{"bob"});
  EXPECT_EQ(engine.complete("/switch ", ""), (Names{"#lobby", "bob"}));
  engine.set_switched(false);
  EXPECT_EQ(engine.complete("", "j"), Names{"join"});
}

TEST(ClientCompletion, LearnsNamesFromListings) {
  auto engine = engine_with({"The currently online users are:", "bob", "carol   <I like tea>"});
  EXPECT_EQ(engine.names(), (std::set<std::string>{"bob", "carol"}));
  engine = engine_with({"The users that are online in the last 10 minutes are:", "(Not found)"});
  EXPECT_TRUE(engine.names().empty());
  engine = engine_with({"The users that are online in the last 5 minutes are:", "dave"});
  EXPECT_EQ(engine.names(), std::set<std::string>{"dave"});
}

TEST(ClientCompletion, ListingEndsAtThePrompt) {
  CompletionEngine engine;
  engine.observe_line("The currently online users are:");
  engine.observe_line("bob");
  engine.observe_prompt();
  engine.observe_line("Personal introduction saved.");
  EXPECT_EQ(engine.names(), std::set<std::string>{"bob"});
}

TEST(ClientCompletion, LearnsSendersAndReceiversAndForgetsUnknownUsers) {
  auto engine =
      engine_with({"bob: hi <private message>", "[2026-11-23 14:05] carol: yo <broadcast message>",
                   "(Receiver dave is currently offline, message will be delivered when they log in next time)",
                   "Error: no such user: carol"});
  EXPECT_EQ(engine.names(), (std::set<std::string>{"bob", "dave"}));
}

TEST(ClientCompletion, CompletesNamesWhereTheGrammarWantsThem) {
  auto engine = engine_with({"The currently online users are:", "bob", "carol", "alice"});
  engine.set_self("alice");
  EXPECT_EQ(engine.complete("message ", ""), (Names{"bob", "carol"}));
  EXPECT_EQ(engine.complete("history ", "c"), Names{"carol"});
  EXPECT_EQ(engine.complete("message ", "c"), Names{"carol"});
  EXPECT_EQ(engine.complete("message bob ", ""), Names{});
  EXPECT_EQ(engine.complete("broadcast ", ""), (Names{"message", "user"}));
  EXPECT_EQ(engine.complete("broadcast user ", ""), (Names{"bob", "carol", "message"}));
  EXPECT_EQ(engine.complete("broadcast user bob ", ""), (Names{"carol", "message"}));
  EXPECT_EQ(engine.complete("broadcast user bob message ", ""), Names{});
  EXPECT_EQ(engine.complete("broadcast message ", ""), Names{});
  EXPECT_EQ(engine.complete("wholast ", ""), Names{});
}

}  // namespace
}  // namespace parley::client
