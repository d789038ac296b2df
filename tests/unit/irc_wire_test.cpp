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

}  // namespace
}  // namespace parley::proto::irc
