#include <gtest/gtest.h>

#include "client/line_kind.hpp"

namespace parley::client {
namespace {

TEST(ClientLineKind, RecognisesMessages) {
  EXPECT_EQ(classify_line("bob: hi <private message>"), LineKind::PrivateMessage);
  EXPECT_EQ(classify_line("bob: hi all <broadcast message>"), LineKind::Broadcast);
  EXPECT_EQ(classify_line("[2026-11-23 14:05] columbia: hello <private message>"), LineKind::PrivateMessage);
  EXPECT_EQ(message_sender("[2026-11-23 14:05] columbia: hello <private message>"), "columbia");
  EXPECT_EQ(message_sender("bob: a: b <broadcast message>"), "bob");
  EXPECT_EQ(message_sender("bob: hi"), std::nullopt);
  EXPECT_EQ(message_sender("two words: hi <private message>"), std::nullopt);
}

TEST(ClientLineKind, RecognisesRoomLines) {
  EXPECT_EQ(classify_line("[#lobby] bob: hi"), LineKind::Room);
  EXPECT_EQ(classify_line("[#lobby] bob joined the room"), LineKind::Room);
  EXPECT_EQ(classify_line("[#lobby] bob: hi <private message>"), LineKind::Room);
  EXPECT_EQ(classify_line("[lobby] bob: hi"), LineKind::Plain);
  EXPECT_EQ(classify_line("[2026-11-30T14:05:03Z] bob: hi"), LineKind::Plain);
  EXPECT_EQ(room_of_line("[#Lobby] bob: hi"), "#Lobby");
  EXPECT_EQ(room_of_line("[#] bob: hi"), std::nullopt);
  EXPECT_EQ(room_of_line("bob: [#lobby] hi <private message>"), std::nullopt);
  EXPECT_EQ(message_sender("[#lobby] bob: hi"), "bob");
  EXPECT_EQ(message_sender("[#lobby] bob set the topic: tea"), std::nullopt);
  EXPECT_EQ(message_sender("[#lobby] bob joined the room"), std::nullopt);
  EXPECT_EQ(Palette(true).paint("[#lobby] bob: hi", LineKind::Room), "\x1b[34m[#lobby] \x1b[1mbob\x1b[22m: hi\x1b[0m");
  EXPECT_EQ(Palette(true).paint("[#lobby] bob left the room", LineKind::Room),
            "\x1b[34m[#lobby] bob left the room\x1b[0m");
}

TEST(ClientLineKind, RecognisesErrorsAndNotices) {
  EXPECT_EQ(classify_line("Error: no such user: zed"), LineKind::Error);
  EXPECT_EQ(classify_line("(Receiver bob is currently offline, message will be delivered when they log in next time)"),
            LineKind::Notice);
  EXPECT_EQ(classify_line("(3 users are currently offline, message will be delivered when they log in next time)"),
            LineKind::Notice);
  EXPECT_EQ(classify_line("Logging off"), LineKind::Notice);
  EXPECT_EQ(classify_line("Login successful, Welcome to simple chat server!"), LineKind::Notice);
  EXPECT_EQ(classify_line("You have been logged out after 1800 seconds of inactivity"), LineKind::Notice);
  EXPECT_EQ(classify_line("You will be logged out in 60 seconds unless you send something"), LineKind::Warning);
  EXPECT_EQ(Palette(true).paint("You will be logged out in 60 seconds unless you send something", LineKind::Warning),
            "\x1b[1;33mYou will be logged out in 60 seconds unless you send something\x1b[0m");
  EXPECT_EQ(classify_line("The currently online users are:"), LineKind::Plain);
  EXPECT_EQ(classify_line("bob"), LineKind::Plain);
}

TEST(ClientLineKind, PaintsOnlyWhenEnabled) {
  EXPECT_EQ(Palette(false).paint("Error: x", LineKind::Error), "Error: x");
  EXPECT_EQ(Palette(true).paint("Error: x", LineKind::Error), "\x1b[1;31mError: x\x1b[0m");
  EXPECT_EQ(Palette(true).paint("bob", LineKind::Plain), "bob");
  EXPECT_EQ(Palette(true).paint("bob: hi <private message>", LineKind::PrivateMessage),
            "\x1b[35m\x1b[1mbob\x1b[22m: hi <private message>\x1b[0m");
  EXPECT_EQ(Palette(true).paint("[t] bob: hi <broadcast message>", LineKind::Broadcast),
            "\x1b[36m[t] \x1b[1mbob\x1b[22m: hi <broadcast message>\x1b[0m");
}

TEST(ClientLineKind, ColoursFollowTheTerminalAndNoColor) {
  EXPECT_TRUE(colours_wanted(true, nullptr, "xterm-256color"));
  EXPECT_TRUE(colours_wanted(true, "", "xterm"));
  EXPECT_FALSE(colours_wanted(true, "1", "xterm"));
  EXPECT_FALSE(colours_wanted(false, nullptr, "xterm"));
  EXPECT_FALSE(colours_wanted(true, nullptr, "dumb"));
  EXPECT_FALSE(colours_wanted(true, nullptr, nullptr));
}

}  // namespace
}  // namespace parley::client
