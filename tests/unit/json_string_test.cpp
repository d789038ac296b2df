#include "core/json_string.hpp"

#include <gtest/gtest.h>

// Boost.JSON (compiled once, in the web protocol's library) parses what the
// escaper wrote: the judge is an independent JSON parser, not a copy of the
// escaper's rules.
#include <boost/json/parse.hpp>
#include <random>

using parley::core::json_string;

namespace {

// The string a JSON parser reads back from `quoted`, or nullopt when the
// text is not valid JSON.
std::optional<std::string> parsed(const std::string& quoted) {
  boost::json::error_code error;
  auto value = boost::json::parse(quoted, error);
  if (error || !value.is_string()) return std::nullopt;
  return std::string(value.as_string());
}

}  // namespace

TEST(JsonString, PlainTextIsCopied) {
  EXPECT_EQ(json_string("login user=alice from=127.0.0.1:4000"), R"("login user=alice from=127.0.0.1:4000")");
  EXPECT_EQ(json_string(""), R"("")");
  EXPECT_EQ(json_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}

TEST(JsonString, QuotesAndBackslashes) { EXPECT_EQ(json_string(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")"); }

TEST(JsonString, ControlCharactersAreEscaped) {
  EXPECT_EQ(json_string("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
  EXPECT_EQ(json_string(std::string("\0\x01\x1b[31m\x1f\x7f", 9)), R"("\u0000\u0001\u001b[31m\u001f\u007f")");
  // C1 controls (U+0080 to U+009F: CSI is U+009B), line and paragraph
  // separators, bidirectional overrides.
  EXPECT_EQ(json_string("\xC2\x80\xC2\x9B\xC2\x9F"), R"("\u0080\u009b\u009f")");
  EXPECT_EQ(json_string("\xE2\x80\xA8\xE2\x80\xA9"), R"("\u2028\u2029")");
  EXPECT_EQ(json_string("\xE2\x80\xAE"
                        "evil"),
            R"("\u202eevil")");
  // U+00A0, the first code point after the C1 block, is text.
  EXPECT_EQ(json_string("\xC2\xA0"), "\"\xC2\xA0\"");
}

TEST(JsonString, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(json_string("a\xFF"
                        "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(json_string("\xC3"), R"("\ufffd")");                                // cut short
  EXPECT_EQ(json_string("\xC0\xAF"), R"("\ufffd\ufffd")");                      // overlong '/'
  EXPECT_EQ(json_string("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");            // a UTF-16 surrogate
  EXPECT_EQ(json_string("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // past U+10FFFF
  EXPECT_EQ(json_string("\xE2\x82"
                        "x"),
            R"("\ufffd\ufffdx")");
}

TEST(JsonString, AppendsWithoutQuotes) {
  std::string out = "{\"msg\":\"";
  parley::core::append_json_escaped(out, "a\"b");
  EXPECT_EQ(out, R"({"msg":"a\"b)");
}

// Any bytes give valid JSON; valid UTF-8 reads back unchanged, and the
// output never holds a raw control character.
TEST(JsonString, AnyBytesGiveValidJsonThatReadsBack) {
  std::mt19937 random(4119);
  const std::string pieces[] = {
      "a",        "\"",       "\\",           "\n",           std::string(1, '\0'), "\x1b", "\x7f",
      "\xC2\x85", "\xC3\xA9", "\xE2\x80\xA8", "\xE2\x80\xAE", "\xF0\x9F\x98\x80",   "\xFF", "\xC3",
      "\xE2\x82", "/"};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    bool valid = true;
    int count = static_cast<int>(random() % 12);
    for (int i = 0; i < count; ++i) {
      const auto& piece = pieces[random() % std::size(pieces)];
      valid = valid && piece != "\xFF" && piece != "\xC3" && piece != "\xE2\x82";
      text += piece;
    }
    auto quoted = json_string(text);
    for (char c : quoted) ASSERT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << quoted;
    auto back = parsed(quoted);
    ASSERT_TRUE(back.has_value()) << "not JSON: " << quoted;
    // Invalid bytes read back as U+FFFD; the rest must read back unchanged.
    if (valid) {
      EXPECT_EQ(*back, text) << quoted;
    }
  }
}
