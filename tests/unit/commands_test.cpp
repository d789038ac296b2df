#include "proto/classic/commands.hpp"

#include <gtest/gtest.h>

using namespace parley::proto::classic;

TEST(ParseCommand, SimpleCommands) {
  EXPECT_TRUE(std::holds_alternative<WhoElse>(parse_command("whoelse")));
  EXPECT_TRUE(std::holds_alternative<WhoElse>(parse_command("  whoelse  ")));
  EXPECT_TRUE(std::holds_alternative<Help>(parse_command("help")));
  EXPECT_TRUE(std::holds_alternative<Logout>(parse_command("logout")));
  EXPECT_TRUE(std::holds_alternative<Empty>(parse_command("")));
  EXPECT_TRUE(std::holds_alternative<Empty>(parse_command(" \t ")));
  EXPECT_TRUE(std::holds_alternative<Usage>(parse_command("whoelse now")));
}

TEST(ParseCommand, UnknownNamesTheWord) {
  auto c = parse_command("whoeles x");
  ASSERT_TRUE(std::holds_alternative<Unknown>(c));
  EXPECT_EQ(std::get<Unknown>(c).word, "whoeles");
  EXPECT_TRUE(std::holds_alternative<Unknown>(parse_command("WHOELSE")));
}

TEST(ParseCommand, WholastArguments) {
  EXPECT_EQ(std::get<WhoLast>(parse_command("wholast 10")).minutes, 10);
  EXPECT_EQ(std::get<WhoLast>(parse_command("wholast 0")).minutes, 0);
  EXPECT_EQ(std::get<WhoLast>(parse_command("wholast 007")).minutes, 7);
  for (const char* bad : {"wholast", "wholast -1", "wholast abc", "wholast 1.5", "wholast 1 2", "wholast 99999999999",
                          "wholast +5", "wholast 5x"}) {
    auto c = parse_command(bad);
    ASSERT_TRUE(std::holds_alternative<WhoLast>(c)) << bad;
    EXPECT_FALSE(std::get<WhoLast>(c).minutes.has_value()) << bad;
  }
}

TEST(ParseCommand, MessageKeepsInnerSpacing) {
  auto c = std::get<PrivateMessage>(parse_command("message  seas   hello   there "));
  EXPECT_EQ(c.user, "seas");
  EXPECT_EQ(c.text, "hello   there");
  EXPECT_TRUE(std::holds_alternative<Usage>(parse_command("message seas")));
  EXPECT_TRUE(std::holds_alternative<Usage>(parse_command("message seas   ")));
  EXPECT_TRUE(std::holds_alternative<Usage>(parse_command("message")));
}

TEST(ParseCommand, BroadcastMessage) {
  EXPECT_EQ(std::get<BroadcastAll>(parse_command("broadcast message hi all")).text, "hi all");
  EXPECT_TRUE(std::holds_alternative<Usage>(parse_command("broadcast message")));
  EXPECT_TRUE(std::holds_alternative<Usage>(parse_command("broadcast")));
  EXPECT_TRUE(std::holds_alternative<Usage>(parse_command("broadcast everyone hi")));
}

TEST(ParseCommand, BroadcastUsers) {
  auto c = std::get<BroadcastUsers>(parse_command("broadcast user a b  c message hi  there"));
  EXPECT_EQ(c.users, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.text, "hi  there");
  // The first "message" ends the list; later ones are text.
  auto d = std::get<BroadcastUsers>(parse_command("broadcast user a message message text"));
  EXPECT_EQ(d.users, (std::vector<std::string>{"a"}));
  EXPECT_EQ(d.text, "message text");
  for (const char* bad :
       {"broadcast user message hi", "broadcast user a b", "broadcast user a message", "broadcast user a message   "})
    EXPECT_TRUE(std::holds_alternative<Usage>(parse_command(bad))) << bad;
}

TEST(ParseCommand, PersonalIntro) {
  EXPECT_FALSE(std::get<PersonalIntro>(parse_command("personalintro")).text.has_value());
  EXPECT_EQ(std::get<PersonalIntro>(parse_command("personalintro The best  course")).text, "The best  course");
}
