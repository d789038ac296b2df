#include "core/text.hpp"

#include <gtest/gtest.h>

using parley::core::log_safe;
using parley::core::sanitize_text;
using parley::core::trim;
using parley::core::utf8_length;

TEST(SanitizeText, KeepsPlainTextAndUnicode) {
  EXPECT_EQ(sanitize_text("hello world"), "hello world");
  EXPECT_EQ(sanitize_text("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80");
}

TEST(SanitizeText, RemovesAnsiEscapeSequences) {
  EXPECT_EQ(sanitize_text("\x1b[31mred\x1b[0m"), "red");
  EXPECT_EQ(sanitize_text("a\x1b[2J\x1b[Hb"), "ab");
  EXPECT_EQ(sanitize_text("x\x1b]0;title\x07y"), "xy");        // OSC ended by BEL
  EXPECT_EQ(sanitize_text("x\x1b]8;;http://e\x1b\\y"), "xy");  // OSC ended by ST
  EXPECT_EQ(sanitize_text("x\x1b"
                          "cy"),
            "xy");                         // RIS
  EXPECT_EQ(sanitize_text("x\x1b"), "x");  // cut short
  EXPECT_EQ(sanitize_text("cut\x1b["), "cut");
  EXPECT_EQ(sanitize_text("\x1b[1;31mred\x1b[0m"), "red");
  EXPECT_EQ(sanitize_text("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link");
  EXPECT_EQ(sanitize_text("\x1bPdevice control\x1b\\ok"), "ok");  // DCS
  EXPECT_EQ(sanitize_text("\x1b(Bx\x1b"
                          "7y\x1b"
                          "8"),
            "xy");  // charset, save and restore cursor
}

TEST(SanitizeText, RemovesControlCharacters) {
  EXPECT_EQ(sanitize_text("bell\a back\bspace\rcr\x7f"), "bell backspacecr");
  EXPECT_EQ(sanitize_text("tab\there"), "tab here");
  EXPECT_EQ(sanitize_text(std::string("nul\0byte", 8)), "nulbyte");
  EXPECT_EQ(sanitize_text("a\rb\bc\ad\x7f"
                          "e\x01"),
            "abcde");
  EXPECT_EQ(sanitize_text("c1\xC2\x9B"
                          "31m"),
            "c131m");  // U+009B is an 8-bit CSI
}

TEST(SanitizeText, RemovesBidirectionalOverrides) {
  EXPECT_EQ(sanitize_text("abc\xE2\x80\xAE"
                          "def"),
            "abcdef");                                         // U+202E
  EXPECT_EQ(sanitize_text("\xE2\x81\xA6x\xE2\x81\xA9"), "x");  // U+2066, U+2069
}

TEST(SanitizeText, ReplacesInvalidUtf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(sanitize_text("a\xFF"
                          "b"),
            "a" + fffd + "b");
  EXPECT_EQ(sanitize_text("\xC0\xAF"), fffd + fffd);                        // overlong '/'
  EXPECT_EQ(sanitize_text("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
  EXPECT_EQ(sanitize_text("\xE2\x82"), fffd + fffd);                        // truncated
  EXPECT_EQ(sanitize_text("\x9B"), fffd);                                   // a lone 8-bit CSI byte
  EXPECT_EQ(sanitize_text("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // above U+10FFFF
}

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xC3\xA9\xF0\x9F\x98\x80"), 2u);
}

TEST(Trim, TrimsSpacesAndTabs) {
  EXPECT_EQ(trim("  a b \t"), "a b");
  EXPECT_EQ(trim("   "), "");
}

TEST(LogSafe, EscapesAndCuts) {
  EXPECT_EQ(log_safe("bob"), "bob");
  EXPECT_EQ(log_safe("a b\n"), "a\\x20b\\x0a");
  EXPECT_EQ(log_safe(std::string(100, 'x'), 4), "xxxx...");
}
