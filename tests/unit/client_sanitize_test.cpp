#include <gtest/gtest.h>

#include "client/sanitize.hpp"

namespace parley::client {
namespace {

TEST(ClientSanitize, PlainAndUtf8TextIsUnchanged) {
  EXPECT_EQ(sanitize_for_terminal("bob: hi there <private message>"), "bob: hi there <private message>");
  EXPECT_EQ(sanitize_for_terminal("zoë: ça va? 日本 🎉"), "zoë: ça va? 日本 🎉");
}

TEST(ClientSanitize, RemovesControlCharactersAndTurnsTabsIntoSpaces) {
  EXPECT_EQ(sanitize_for_terminal("a\tb"), "a b");
  EXPECT_EQ(sanitize_for_terminal("a\rb\bc\ad\x7f"
                                  "e\x01"),
            "abcde");
  EXPECT_EQ(sanitize_for_terminal(std::string("a\0b", 3)), "ab");
}

TEST(ClientSanitize, RemovesEscapeSequences) {
  EXPECT_EQ(sanitize_for_terminal("\x1b[2J\x1b[Hhi"), "hi");
  EXPECT_EQ(sanitize_for_terminal("\x1b[1;31mred\x1b[0m"), "red");
  EXPECT_EQ(sanitize_for_terminal("\x1b]0;owned title\x07text"), "text");
  EXPECT_EQ(sanitize_for_terminal("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link");
  EXPECT_EQ(sanitize_for_terminal("\x1bPdevice control\x1b\\ok"), "ok");
  EXPECT_EQ(sanitize_for_terminal("\x1b(Bx\x1b"
                                  "7y\x1b"
                                  "8"),
            "xy");
  EXPECT_EQ(sanitize_for_terminal("cut\x1b"), "cut");
  EXPECT_EQ(sanitize_for_terminal("cut\x1b["), "cut");
}

TEST(ClientSanitize, RemovesC1ControlsAndBidiOverrides) {
  EXPECT_EQ(sanitize_for_terminal("a\xC2\x9B"
                                  "31mb"),
            "a31mb");  // U+009B, the 8-bit CSI
  EXPECT_EQ(sanitize_for_terminal("abc\xE2\x80\xAE"
                                  "fed"),
            "abcfed");                                                   // U+202E
  EXPECT_EQ(sanitize_for_terminal("x\xE2\x81\xA6y\xE2\x81\xA9"), "xy");  // U+2066, U+2069
}

TEST(ClientSanitize, ReplacesInvalidUtf8) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(sanitize_for_terminal("a\xFF"
                                  "b"),
            "a" + replacement + "b");
  EXPECT_EQ(sanitize_for_terminal("\x9B"), replacement);                                      // a lone 8-bit CSI byte
  EXPECT_EQ(sanitize_for_terminal("\xC0\xAF"), replacement + replacement);                    // overlong '/'
  EXPECT_EQ(sanitize_for_terminal("\xED\xA0\x80"), replacement + replacement + replacement);  // surrogate
  EXPECT_EQ(sanitize_for_terminal("end\xE2\x82"), "end" + replacement + replacement);         // truncated
}

}  // namespace
}  // namespace parley::client
