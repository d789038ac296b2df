#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "proto/irc/message.hpp"

using namespace parley::proto::irc;
using namespace std::string_literals;

namespace {

using Strings = std::vector<std::string>;

Message parsed(std::string_view line) {
  auto result = parse(line);
  EXPECT_TRUE(result.message.has_value()) << "no message from: " << line;
  return result.message.value_or(Message{});
}

ParseError error_of(std::string_view line) {
  auto result = parse(line);
  EXPECT_FALSE(result.message.has_value()) << "a message from: " << line;
  return result.error;
}

std::vector<std::pair<std::string, std::string>> tags_of(const Message& m) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& tag : m.tags) out.emplace_back(tag.key, tag.value);
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string repeat(char c, std::size_t n) { return std::string(n, c); }

// A tag's value, or "(absent)".
std::string value_of(const Message& m, std::string_view key) {
  const std::string* value = m.tag(key);
  return value ? *value : "(absent)";
}

std::string last_param(const Message& m) { return m.params.empty() ? "(none)" : m.params.back(); }

}  // namespace

TEST(IrcParse, CommandAndParams) {
  auto m = parsed("foo bar baz asdf");
  EXPECT_TRUE(m.tags.empty());
  EXPECT_EQ(m.source, "");
  EXPECT_EQ(m.command, "FOO");
  EXPECT_EQ(m.params, (Strings{"bar", "baz", "asdf"}));
  EXPECT_EQ(m.param(2), "asdf");
  EXPECT_EQ(m.param(3), "");
}

TEST(IrcParse, Source) {
  auto m = parsed(":coolguy!ag@net.work PRIVMSG bar :lol :) ");
  EXPECT_EQ(m.source, "coolguy!ag@net.work");
  EXPECT_EQ(m.command, "PRIVMSG");
  EXPECT_EQ(m.params, (Strings{"bar", "lol :) "}));
  EXPECT_EQ(parsed(":cool\tguy foo bar baz").source, "cool\tguy");
}

TEST(IrcParse, TrailingKeepsColonsAndSpaces) {
  EXPECT_EQ(parsed("foo bar baz :asdf quux").params, (Strings{"bar", "baz", "asdf quux"}));
  EXPECT_EQ(parsed("foo bar baz :  asdf quux ").params, (Strings{"bar", "baz", "  asdf quux "}));
  EXPECT_EQ(parsed("foo bar baz ::asdf").params, (Strings{"bar", "baz", ":asdf"}));
  EXPECT_EQ(parsed("foo bar baz :").params, (Strings{"bar", "baz", ""}));
  EXPECT_EQ(parsed("foo bar baz :  ").params, (Strings{"bar", "baz", "  "}));
  EXPECT_EQ(parsed(":src JOIN :#chan").params, (Strings{"#chan"}));
  EXPECT_EQ(parsed("PRIVMSG #a :b:c").params, (Strings{"#a", "b:c"}));
  // A colon inside a middle parameter is only a character.
  EXPECT_EQ(parsed("MODE #c a:b :c").params, (Strings{"#c", "a:b", "c"}));
}

TEST(IrcParse, SpacesBetweenAroundWords) {
  auto m = parsed("  :src   AWAY   a    b   ");
  EXPECT_EQ(m.source, "src");
  EXPECT_EQ(m.command, "AWAY");
  EXPECT_EQ(m.params, (Strings{"a", "b"}));
  EXPECT_TRUE(parsed(":src AWAY ").params.empty());
  EXPECT_TRUE(parsed("AWAY").params.empty());
}

TEST(IrcParse, CommandsAreUpperCasedAndNumericsKept) {
  EXPECT_EQ(parsed("privmsg a b").command, "PRIVMSG");
  EXPECT_EQ(parsed("PrivMsg a b").command, "PRIVMSG");
  auto m = parsed(":irc.example.com 001 alice :Welcome");
  EXPECT_EQ(m.command, "001");
  EXPECT_EQ(m.params, (Strings{"alice", "Welcome"}));
  EXPECT_EQ(parsed("421 x").command, "421");
}

TEST(IrcParse, BadCommands) {
  EXPECT_EQ(error_of("12 a"), ParseError::bad_command);
  EXPECT_EQ(error_of("1234 a"), ParseError::bad_command);
  EXPECT_EQ(error_of("PRIV1MSG a"), ParseError::bad_command);
  EXPECT_EQ(error_of("12a"), ParseError::bad_command);
  EXPECT_EQ(error_of(":src 4x"), ParseError::bad_command);
  EXPECT_EQ(error_of("\tPING x"), ParseError::bad_command);
  EXPECT_EQ(error_of("PRIVMSG\xC3\xA9 a"), ParseError::bad_command);
  EXPECT_EQ(error_of("PING\r\n"), ParseError::bad_command);  // only one trailing CR goes
}

TEST(IrcParse, EmptyAndNoCommand) {
  EXPECT_EQ(error_of(""), ParseError::empty);
  EXPECT_EQ(error_of("   "), ParseError::empty);
  EXPECT_EQ(error_of(" \t "), ParseError::empty);
  EXPECT_EQ(error_of("\r"), ParseError::empty);
  EXPECT_EQ(error_of("  \r"), ParseError::empty);
  EXPECT_EQ(error_of(":src"), ParseError::no_command);
  EXPECT_EQ(error_of(":src   "), ParseError::no_command);
  EXPECT_EQ(error_of("@a=b"), ParseError::no_command);
  EXPECT_EQ(error_of("@a=b "), ParseError::no_command);
  EXPECT_EQ(error_of("@a=b :src"), ParseError::no_command);
  EXPECT_EQ(error_of(":"), ParseError::no_command);
}

TEST(IrcParse, LoneTrailingCarriageReturn) {
  EXPECT_EQ(parsed("PING x\r").params, (Strings{"x"}));
  EXPECT_EQ(parsed("PRIVMSG a :b c\r").params, (Strings{"a", "b c"}));
  // Only the last one: an earlier CR is part of the text.
  EXPECT_EQ(parsed("PRIVMSG a :b\r\r").params, (Strings{"a", "b\r"}));
}

TEST(IrcParse, Tags) {
  auto m = parsed("@a=b;c=32;k;rt=ql7 foo");
  EXPECT_EQ(tags_of(m), (Pairs{{"a", "b"}, {"c", "32"}, {"k", ""}, {"rt", "ql7"}}));
  EXPECT_EQ(value_of(m, "c"), "32");
  EXPECT_EQ(value_of(m, "k"), "");
  EXPECT_EQ(m.tag("x"), nullptr);
  EXPECT_EQ(m.tag("A"), nullptr);  // keys are case-sensitive
  EXPECT_EQ(m.command, "FOO");

  m = parsed(
      "@tag1=value1;tag2;vendor1/tag3=value2;vendor2/tag4= :irc.example.com COMMAND param1 param2 :param3 param3");
  EXPECT_EQ(tags_of(m), (Pairs{{"tag1", "value1"}, {"tag2", ""}, {"vendor1/tag3", "value2"}, {"vendor2/tag4", ""}}));
  EXPECT_EQ(m.source, "irc.example.com");
  EXPECT_EQ(m.params, (Strings{"param1", "param2", "param3 param3"}));

  m = parsed("@c;h=;a=b :quux ab cd");
  EXPECT_EQ(tags_of(m), (Pairs{{"c", ""}, {"h", ""}, {"a", "b"}}));
  EXPECT_EQ(m.source, "quux");
  EXPECT_EQ(m.command, "AB");
  EXPECT_EQ(m.params, (Strings{"cd"}));
}

TEST(IrcParse, TagValuesAreUnescaped) {
  auto m = parsed("@a=b\\\\and\\nk;c=72\\s45;d=gh\\:764 foo");
  EXPECT_EQ(tags_of(m), (Pairs{{"a", "b\\and\nk"}, {"c", "72 45"}, {"d", "gh;764"}}));
  m = parsed("@foo=\\\\\\\\\\:\\\\s\\s\\r\\n COMMAND");
  EXPECT_EQ(value_of(m, "foo"), "\\\\;\\s \r\n");
  EXPECT_EQ(value_of(parsed("@foo=\\ COMMAND"), "foo"), "");
  EXPECT_EQ(value_of(parsed("@foo=\\b COMMAND"), "foo"), "b");
  EXPECT_EQ(value_of(parsed("@tag1=value\\1 COMMAND"), "tag1"), "value1");
  EXPECT_EQ(value_of(parsed("@tag1=value\\\\ntest COMMAND"), "tag1"), "value\\ntest");
  // '=' after the first belongs to the value.
  EXPECT_EQ(value_of(parsed("@a=b=c X"), "a"), "b=c");
}

TEST(IrcParse, LastValueOfARepeatedKeyWins) {
  auto m = parsed("@tag1=1;tag2=3;tag3=4;tag1=5;vendor/tag2=8 COMMAND");
  EXPECT_EQ(value_of(m, "tag1"), "5");
  EXPECT_EQ(value_of(m, "tag2"), "3");
  EXPECT_EQ(value_of(m, "vendor/tag2"), "8");
}

TEST(IrcParse, ClientOnlyAndVendorKeys) {
  auto m = parsed("@+example.com/foo=bar;+typing=active;draft/label=abc;msgid=x-1 TAGMSG #c");
  EXPECT_EQ(tags_of(m),
            (Pairs{{"+example.com/foo", "bar"}, {"+typing", "active"}, {"draft/label", "abc"}, {"msgid", "x-1"}}));
}

TEST(IrcParse, InvalidAndEmptyTagsAreDropped) {
  auto m = parsed("@;=v;a=1;;b_c=2;+=3;/d=4;e/=5;x/y/z=6;+=;f\xC3\xA9=7;g=8; PING x");
  EXPECT_EQ(tags_of(m), (Pairs{{"a", "1"}, {"g", "8"}}));
  EXPECT_EQ(m.params, (Strings{"x"}));
  EXPECT_TRUE(parsed("@ PING").tags.empty());
}

TEST(IrcParse, FifteenParamsAtMost) {
  auto m = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15");
  ASSERT_EQ(m.params.size(), 15u);
  EXPECT_EQ(m.params.back(), "15");

  m = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17");
  ASSERT_EQ(m.params.size(), 15u);
  EXPECT_EQ(m.params[13], "14");
  EXPECT_EQ(m.params.back(), "15 16 17");

  // The 15th takes the rest as it is, its leading ':' removed.
  m = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14   :15 :16  ");
  ASSERT_EQ(m.params.size(), 15u);
  EXPECT_EQ(m.params.back(), "15 :16  ");

  m = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 :14 15 16");
  ASSERT_EQ(m.params.size(), 14u);
  EXPECT_EQ(m.params.back(), "14 15 16");
}

TEST(IrcParse, LineLengthLimit) {
  std::string head = "PRIVMSG x :";
  std::string at_limit = head + repeat('a', kMaxLineBytes - head.size());
  ASSERT_EQ(at_limit.size(), 510u);
  EXPECT_EQ(last_param(parsed(at_limit)).size(), 510u - head.size());
  EXPECT_TRUE(parse(at_limit + "\r").message.has_value());  // the CR is not counted
  EXPECT_EQ(error_of(at_limit + "a"), ParseError::too_long);
  EXPECT_EQ(error_of(at_limit + "a\r"), ParseError::too_long);
  // Spaces count too.
  EXPECT_EQ(error_of(repeat(' ', 511) + "PING"), ParseError::too_long);
  EXPECT_EQ(error_of(":" + repeat('s', 600)), ParseError::too_long);
}

TEST(IrcParse, TagSectionLimit) {
  // '@', the tags, the space: 8191 bytes at most.
  std::string tags_at_limit = "@k=" + repeat('v', kMaxTagBytes - 4) + " ";
  ASSERT_EQ(tags_at_limit.size(), 8191u);
  std::string rest = "PRIVMSG x :" + repeat('a', kMaxLineBytes - 11);
  auto m = parsed(tags_at_limit + rest);
  EXPECT_EQ(value_of(m, "k").size(), kMaxTagBytes - 4);
  EXPECT_EQ(last_param(m).size(), 499u);

  std::string tags_over = "@k=" + repeat('v', kMaxTagBytes - 3) + " ";
  ASSERT_EQ(tags_over.size(), 8192u);
  EXPECT_EQ(error_of(tags_over + "PING"), ParseError::tags_too_long);
  EXPECT_EQ(error_of(tags_at_limit + rest + "a"), ParseError::too_long);
  // Tags without a command still hit the limit first.
  EXPECT_EQ(error_of("@k=" + repeat('v', 9000)), ParseError::tags_too_long);
  EXPECT_EQ(error_of("@k=" + repeat('v', 100)), ParseError::no_command);
}

TEST(IrcTagValue, Escapes) {
  EXPECT_EQ(escape_tag_value("a;b c\\d\re\nf"), "a\\:b\\sc\\\\d\\re\\nf");
  EXPECT_EQ(escape_tag_value(""), "");
  EXPECT_EQ(escape_tag_value("plain=text"), "plain=text");
  EXPECT_EQ(escape_tag_value(std::string_view("a\0b", 3)), "ab");
}

TEST(IrcTagValue, Unescapes) {
  EXPECT_EQ(unescape_tag_value("a\\:b\\sc\\\\d\\re\\nf"), "a;b c\\d\re\nf");
  EXPECT_EQ(unescape_tag_value("\\"), "");
  EXPECT_EQ(unescape_tag_value("ab\\"), "ab");
  EXPECT_EQ(unescape_tag_value("\\b\\1\\x"), "b1x");
  EXPECT_EQ(unescape_tag_value("\\\\\\"), "\\");
}

TEST(IrcTagValue, RoundTrips) {
  for (std::string value :
       {"", "x", ";", " ", "\\", "\r\n", "a;b c\\d\re\nf", "\\s\\:", "\xC3\xA9 \xF0\x9F\x98\x80;"}) {
    auto escaped = escape_tag_value(value);
    EXPECT_EQ(escaped.find_first_of("; \r\n"), std::string::npos) << value;
    EXPECT_EQ(unescape_tag_value(escaped), value);
  }
}

TEST(IrcFormat, Plain) {
  EXPECT_EQ(format({{}, "", "PING", {"x"}, false}), "PING x\r\n");
  EXPECT_EQ(format({{}, "", "foo", {"bar", "baz", "asdf"}, false}), "foo bar baz asdf\r\n");
  EXPECT_EQ(format({{}, "src", "AWAY", {}, false}), ":src AWAY\r\n");
  EXPECT_EQ(format({{}, "coolguy", "foo", {"bar", "baz", "asdf quux"}, false}), ":coolguy foo bar baz :asdf quux\r\n");
}

TEST(IrcFormat, TrailingWhenNeededOrAsked) {
  EXPECT_EQ(format({{}, "", "foo", {"bar", ""}, false}), "foo bar :\r\n");
  EXPECT_EQ(format({{}, "", "foo", {"bar", ":asdf"}, false}), "foo bar ::asdf\r\n");
  EXPECT_EQ(format({{}, "", "foo", {"bar", "a b"}, false}), "foo bar :a b\r\n");
  EXPECT_EQ(format({{}, "", "foo", {"bar", "word"}, true}), "foo bar :word\r\n");
  EXPECT_EQ(format({{}, "", "foo", {"bar", "word"}, false}), "foo bar word\r\n");
  EXPECT_EQ(format({{}, "", "foo", {"a:b"}, false}), "foo a:b\r\n");
  EXPECT_EQ(format({{}, "", "foo", {}, true}), "foo\r\n");
  EXPECT_EQ(format({{}, "irc.example", "001", {"alice", "Welcome to parley, alice"}, false}),
            ":irc.example 001 alice :Welcome to parley, alice\r\n");
}

TEST(IrcFormat, Tags) {
  EXPECT_EQ(format({{{"tag", "value"}}, "", "foo", {}, false}), "@tag=value foo\r\n");
  EXPECT_EQ(format({{{"tag", ""}}, "", "foo", {}, false}), "@tag foo\r\n");
  EXPECT_EQ(format({{{"time", "2026-11-30T18:00:00.000Z"}, {"account", "alice"}, {"+typing", ""}},
                    "alice!alice@parley",
                    "PRIVMSG",
                    {"bob", "hi there"},
                    false}),
            "@time=2026-11-30T18:00:00.000Z;account=alice;+typing :alice!alice@parley PRIVMSG bob :hi there\r\n");
  EXPECT_EQ(format({{{"a", "b\\and\nk"}, {"c", "72 45"}, {"d", "gh;764"}}, "", "foo", {}, false}),
            "@a=b\\\\and\\nk;c=72\\s45;d=gh\\:764 foo\r\n");
  // Tags with no key to write are skipped, and with them the '@' when none is left.
  EXPECT_EQ(format({{{"", "x"}}, "", "foo", {}, false}), "foo\r\n");
  EXPECT_EQ(format({{{"", "x"}, {"k", "v"}, {" ;=", "y"}}, "", "foo", {}, false}), "@k=v foo\r\n");
}

TEST(IrcFormat, NeverMoreThanOneLine) {
  EXPECT_EQ(format({{}, "s\rc", "PRIV\nMSG", {"b\0b"s, "x\r\ny"}, false}), ":s c PRIV MSG b b :x  y\r\n");
  // A line break in the last parameter makes it need the ':' as the space it becomes does.
  EXPECT_EQ(format({{}, "", "PRIVMSG", {"bob", "a\nb"}, false}), "PRIVMSG bob :a b\r\n");
  EXPECT_EQ(format({{{"k\r\n", "v\0\r"s}}, "", "X", {}, false}), "@k=v\\r X\r\n");
}

TEST(IrcFormat, AppendAddsToWhatIsThere) {
  std::string out = "PING a\r\n";
  append(out, {{}, "", "PONG", {"b"}, false});
  append(out, {{}, "", "PONG", {"c d"}, false});
  EXPECT_EQ(out, "PING a\r\nPONG b\r\nPONG :c d\r\n");
}

TEST(IrcFormat, ParsesBackToTheSameMessage) {
  Out out{{{"label", "a b;c"}, {"+draft/reply", "1"}}, "nick!user@host", "PRIVMSG", {"#room", ":-) hi  "}, false};
  auto line = format(out);
  ASSERT_EQ(line.substr(line.size() - 2), "\r\n");
  auto m = parsed(std::string_view(line).substr(0, line.size() - 2));
  EXPECT_EQ(tags_of(m), (Pairs{{"label", "a b;c"}, {"+draft/reply", "1"}}));
  EXPECT_EQ(m.source, out.source);
  EXPECT_EQ(m.command, out.command);
  EXPECT_EQ(m.params, out.params);
}

TEST(IrcOneLine, LineBreaksAndNulBecomeSpaces) {
  EXPECT_EQ(one_line("a\r\nb\0c"s), "a  b c");
  EXPECT_EQ(one_line("tab\tand \x02"
                     "bold"),
            "tab\tand \x02"
            "bold");
  EXPECT_EQ(one_line(""), "");
}

TEST(IrcSplitList, NonEmptyItems) {
  using Views = std::vector<std::string_view>;
  EXPECT_EQ(split_list("a,b,,c"), (Views{"a", "b", "c"}));
  EXPECT_EQ(split_list(",,a,"), (Views{"a"}));
  EXPECT_EQ(split_list(""), Views{});
  EXPECT_EQ(split_list(",,,"), Views{});
  EXPECT_EQ(split_list("alice"), (Views{"alice"}));
  EXPECT_EQ(split_list("a b c", ' '), (Views{"a", "b", "c"}));
}

namespace {

std::vector<std::string> pieces_of(std::string_view text, std::size_t max_bytes) {
  std::vector<std::string> out;
  for (auto piece : split_text(text, max_bytes)) {
    EXPECT_TRUE(piece.data() >= text.data() && piece.data() + piece.size() <= text.data() + text.size())
        << "not a view into the text";
    EXPECT_LE(piece.size(), std::max<std::size_t>(max_bytes, 1));
    out.emplace_back(piece);
  }
  return out;
}

}  // namespace

TEST(IrcSplitText, ShortTextIsOnePiece) {
  EXPECT_EQ(pieces_of("", 10), (Strings{""}));
  EXPECT_EQ(pieces_of("hello", 10), (Strings{"hello"}));
  EXPECT_EQ(pieces_of("0123456789", 10), (Strings{"0123456789"}));
}

TEST(IrcSplitText, CutsAtASpaceNearTheEnd) {
  EXPECT_EQ(pieces_of("aaaa bbbb cccc", 10), (Strings{"aaaa bbbb", "cccc"}));
  // A space right after a full piece is used.
  EXPECT_EQ(pieces_of("0123456789 abc", 10), (Strings{"0123456789", "abc"}));
  // The last space is the cut, and only it goes.
  EXPECT_EQ(pieces_of("aaaa  bbbb", 5), (Strings{"aaaa ", "bbbb"}));
  EXPECT_EQ(pieces_of("0123456789 ", 10), (Strings{"0123456789"}));
}

TEST(IrcSplitText, SpacesFurtherBackThanFiftyBytesAreNotUsed) {
  std::string text = "a " + repeat('b', 100);
  auto pieces = pieces_of(text, 60);
  EXPECT_EQ(pieces, (Strings{text.substr(0, 60), text.substr(60)}));

  // 50 bytes back is still within reach.
  text = repeat('a', 10) + " " + repeat('b', 59);
  EXPECT_EQ(pieces_of(text, 60), (Strings{repeat('a', 10), repeat('b', 59)}));
  text = repeat('a', 9) + " " + repeat('b', 60);
  EXPECT_EQ(pieces_of(text, 60), (Strings{text.substr(0, 60), text.substr(60)}));
}

TEST(IrcSplitText, LongTextWithoutSpaces) {
  EXPECT_EQ(pieces_of(repeat('x', 25), 10), (Strings{repeat('x', 10), repeat('x', 10), repeat('x', 5)}));
  // A space at the very start makes no empty piece.
  EXPECT_EQ(pieces_of(" " + repeat('x', 12), 10), (Strings{" " + repeat('x', 9), "xxx"}));
}

TEST(IrcSplitText, NeverInsideAUtf8Character) {
  std::string e_acute = "\xC3\xA9";       // 2 bytes
  std::string euro = "\xE2\x82\xAC";      // 3 bytes
  std::string grin = "\xF0\x9F\x98\x80";  // 4 bytes
  EXPECT_EQ(pieces_of("abcd" + e_acute + "f", 5), (Strings{"abcd", e_acute + "f"}));
  EXPECT_EQ(pieces_of("abc" + euro + "d", 5), (Strings{"abc", euro + "d"}));
  EXPECT_EQ(pieces_of("ab" + grin + "c", 5), (Strings{"ab", grin + "c"}));
  EXPECT_EQ(pieces_of("a" + grin, 5), (Strings{"a" + grin}));
  EXPECT_EQ(pieces_of(grin + grin + grin, 9), (Strings{grin + grin, grin}));
  std::string many;
  for (int i = 0; i < 100; ++i) many += euro;
  for (std::size_t max : {4u, 5u, 7u, 100u, 299u}) {
    auto pieces = pieces_of(many, max);
    std::string joined;
    for (const auto& piece : pieces) {
      EXPECT_EQ(piece.size() % 3, 0u) << max;
      joined += piece;
    }
    EXPECT_EQ(joined, many);
  }
}

TEST(IrcSplitText, TooShortForACharacterOrNotUtf8) {
  std::string grin = "\xF0\x9F\x98\x80";
  // Nothing else can be done: the character is split.
  EXPECT_EQ(pieces_of(grin, 3), (Strings{grin.substr(0, 3), grin.substr(3)}));
  // A run of continuation bytes is no character: plain cuts.
  std::string junk(9, '\x80');
  EXPECT_EQ(pieces_of(junk, 4), (Strings{junk.substr(0, 4), junk.substr(4, 4), junk.substr(8)}));
  // 0 bytes counts as 1, so every piece makes progress.
  EXPECT_EQ(pieces_of("abc", 0), (Strings{"a", "b", "c"}));
}
