#include <gtest/gtest.h>

#include "core/user_file.hpp"
#include "proto/irc/casemap.hpp"

using namespace parley::proto::irc;

TEST(IrcCasemap, FoldsAsciiLettersOnly) {
  EXPECT_EQ(fold("AliCE_9.-Z[]\\~"), "alice_9.-z[]\\~");  // "ascii", not "rfc1459": brackets stay
  EXPECT_EQ(fold("\xC3\x89"), "\xC3\x89");
  EXPECT_EQ(fold(""), "");
}

TEST(IrcCasemap, NicksAreAccountNames) {
  for (const char* nick : {"alice", "Bob", "a", "x.y_z-w", "9lives", "-dash", ".dot", "_under"}) {
    EXPECT_TRUE(valid_nick(nick)) << nick;
  }
  EXPECT_TRUE(valid_nick(std::string(32, 'n')));
  EXPECT_FALSE(valid_nick(std::string(33, 'n')));
  for (const char* nick : {"", "a b", "a!b", "a@b", "#room", "&room", ":x", "a,b", "[x]", "caf\xC3\xA9", "a*"}) {
    EXPECT_FALSE(valid_nick(nick)) << nick;
  }
  // Whatever an account may be called, its nick may be too, and nothing else.
  for (int c = 0; c < 256; ++c) {
    std::string one(1, static_cast<char>(c));
    EXPECT_EQ(valid_nick(one), parley::core::is_valid_username(one)) << c;
    EXPECT_EQ(valid_nick("a" + one), parley::core::is_valid_username("a" + one)) << c;
  }
}

TEST(IrcCasemap, Channels) {
  EXPECT_TRUE(is_channel("#parley"));
  EXPECT_TRUE(is_channel("&local"));
  EXPECT_TRUE(is_channel("#"));
  EXPECT_FALSE(is_channel(""));
  EXPECT_FALSE(is_channel("alice"));
  EXPECT_FALSE(is_channel("+chan"));
  EXPECT_FALSE(is_channel("!chan"));
}
