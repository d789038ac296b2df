// The IRC adapter's capability list and the lines it writes for messages.
#include <gtest/gtest.h>

#include "proto/irc/caps.hpp"
#include "proto/irc/wire.hpp"

namespace parley::proto::irc {
namespace {

TEST(IrcCaps, ListShowsValuesOnlyFrom302) {
  EXPECT_NE(cap_list(302).find("sasl=PLAIN"), std::string::npos);
  EXPECT_EQ(cap_list(0).find("sasl=PLAIN"), std::string::npos);
  EXPECT_NE(cap_list(0).find("sasl"), std::string::npos);
  for (auto name : {"server-time", "message-tags", "echo-message", "batch", "labeled-response", "away-notify",
                    "account-tag", "extended-join", "multi-prefix", "userhost-in-names", "draft/chathistory"})
    EXPECT_NE(cap_list(302).find(name), std::string::npos) << name;
}

TEST(IrcCaps, RequestIsAllOrNothing) {
  auto ok = parse_cap_request("server-time  -batch echo-message");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->add, cap::server_time | cap::echo_message);
  EXPECT_EQ(ok->remove, cap::batch);
  EXPECT_FALSE(parse_cap_request("server-time no-such-cap"));
  EXPECT_EQ(cap_names(cap::batch | cap::sasl), "batch sasl");
}

core::ChatMessage message(core::MessageKind kind) {
  core::ChatMessage m;
  m.sender = "alice";
  m.text = "hello there";
  m.kind = kind;
  m.sent_at = core::TimePoint(std::chrono::milliseconds(1764525302123));  // 2025-11-30T17:55:02.123Z
  return m;
}

TEST(IrcWire, MessageLinesByTagSet) {
  auto m = message(core::MessageKind::private_message);
  EXPECT_EQ(message_line(m, TagSet::none, "bob"), ":alice!alice@parley PRIVMSG bob :hello there\r\n");
  EXPECT_EQ(message_line(m, TagSet::time, "bob"),
            "@time=2025-11-30T17:55:02.123Z :alice!alice@parley PRIVMSG bob :hello there\r\n");
  EXPECT_EQ(message_line(m, TagSet::all, "bob"),
            "@time=2025-11-30T17:55:02.123Z;account=alice :alice!alice@parley PRIVMSG bob :hello there\r\n");
}

TEST(IrcWire, BroadcastsGoToEveryoneAndRoomsCarryTheirIds) {
  EXPECT_EQ(message_line(message(core::MessageKind::broadcast), TagSet::none, "bob"),
            ":alice!alice@parley PRIVMSG &everyone :hello there\r\n");
  auto room = message(core::MessageKind::room);
  room.room = "#team";
  room.id = 42;
  EXPECT_EQ(message_line(room, TagSet::all, "bob"),
            "@time=2025-11-30T17:55:02.123Z;account=alice;msgid=42 :alice!alice@parley PRIVMSG #team :hello there\r\n");
}

TEST(IrcWire, GuestsHaveNoAccount) {
  auto m = message(core::MessageKind::private_message);
  m.sender = "visitor";
  m.guest = true;
  EXPECT_EQ(message_line(m, TagSet::all, "bob"),
            "@time=2025-11-30T17:55:02.123Z :visitor!guest@guest PRIVMSG bob :hello there\r\n");
}

TEST(IrcWire, LinesAndCleaning) {
  EXPECT_EQ(line("srv", "NOTICE", {"bob"}, "a b"), ":srv NOTICE bob :a b\r\n");
  EXPECT_EQ(line("srv", "MODE", {"#r", "+i"}), ":srv MODE #r +i\r\n");
  EXPECT_EQ(clean("  \x1b[31mred\x02 "), "red");
  EXPECT_EQ(server_time(core::TimePoint{}), "1970-01-01T00:00:00.000Z");
}

// Replies echo what a client sent: a CR, LF or NUL in it must not end the line.
TEST(IrcWire, LinesStayOneLine) {
  EXPECT_EQ(line("srv", "432", {"*", "al\rice"}, std::string_view("a\nb\0c", 5)), ":srv 432 * al ice :a b c\r\n");
  EXPECT_EQ(line("srv", "403", {"#a\r\nb"}), ":srv 403 #a  b\r\n");
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (auto at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at + 2)) ++n;
  return n;
}

// Every line within IRC's 512 bytes (CR LF included, tags aside).
void expect_lines_fit(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << text;
    std::string_view one(text.data() + start, end + 2 - start);
    if (one.front() == '@') one.remove_prefix(one.find(' ') + 1);
    EXPECT_LE(one.size(), kLineMax) << one;
    start = end + 2;
  }
}

TEST(IrcWire, LongTextsBecomeSeveralLinesWithTheSameTags) {
  auto m = message(core::MessageKind::private_message);
  m.text = std::string(600, 'x') + " " + std::string(600, 'y');
  auto out = message_line(m, TagSet::time, "bob", "batch=b1");
  expect_lines_fit(out);
  EXPECT_EQ(count_lines(out), 3u) << out;
  std::string joined;
  for (std::size_t at = 0; (at = out.find("PRIVMSG bob :", at)) != std::string::npos; at += 13)
    joined += out.substr(at + 13, out.find("\r\n", at) - at - 13);
  std::erase(joined, ' ');  // a cut at the space may drop it
  EXPECT_EQ(joined, std::string(600, 'x') + std::string(600, 'y'));
  EXPECT_EQ(out.find("@batch=b1;time=2025-11-30T17:55:02.123Z :alice"), 0u) << out;
  std::size_t tagged = 0;
  for (auto at = out.find("@batch=b1;time="); at != std::string::npos; at = out.find("@batch=b1;time=", at + 1))
    ++tagged;
  EXPECT_EQ(tagged, 3u);
}

TEST(IrcWire, RepliesAreCutToOneLineOfIrcLength) {
  std::string topic;
  for (int i = 0; i < 300; ++i) topic += "\xC3\xA9";  // é: 600 bytes
  auto out = line("alice!alice@parley", "TOPIC", {"#room"}, topic);
  expect_lines_fit(out);
  EXPECT_EQ(out.find("\xC3\r"), std::string::npos) << "cut inside a character";
  EXPECT_EQ(line("srv", "432", {"*", "a b"}, "Erroneous nickname"), ":srv 432 * a :Erroneous nickname\r\n");
  EXPECT_EQ(line("srv", "403", {"", ":x"}, "No"), ":srv 403 * * :No\r\n");
}

}  // namespace
}  // namespace parley::proto::irc
