#include <gtest/gtest.h>

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
  EXPECT_EQ(engine.complete("  ", "m"), Names{"message"});
  EXPECT_EQ(engine.complete("", ""), command_names());
  EXPECT_EQ(engine.complete("", "x"), Names{});
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
