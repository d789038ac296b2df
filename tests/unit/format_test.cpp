#include "proto/classic/format.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include "proto/classic/room_format.hpp"

using namespace parley;
using namespace parley::proto::classic;

TEST(Format, LiveMessages) {
  core::ChatMessage m{"columbia", "hello", core::MessageKind::private_message, {}, {}, {}, {}, {}};
  EXPECT_EQ(live_message(m), "columbia: hello <private message>\n");
  m.kind = core::MessageKind::broadcast;
  EXPECT_EQ(live_message(m), "columbia: hello <broadcast message>\n");
}

TEST(Format, OfflineMessagesCarryLocalTime) {
  const char* old = getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "UTC", 1);
  tzset();
  // 2026-11-23 14:05:59 UTC
  core::ChatMessage m{"columbia",
                      "hello",
                      core::MessageKind::private_message,
                      core::TimePoint{std::chrono::seconds(1795442759)},
                      {},
                      {},
                      {},
                      {}};
  EXPECT_EQ(offline_message(m), "[2026-11-23 14:05] columbia: hello <private message>\n");
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

TEST(Format, UserLists) {
  EXPECT_EQ(who_else({}), "The currently online users are:\n(Not found)\n");
  EXPECT_EQ(who_last(10, {{"facebook", "An website"}, {"seas", ""}}),
            "The users that are online in the last 10 minutes are:\nfacebook   <An website>\nseas\n");
}

TEST(Format, NoticesKeepTheirExactWording) {
  EXPECT_EQ(receiver_offline("seas"),
            "(Receiver seas is currently offline, message will be delivered when they log in next time)\n");
  EXPECT_EQ(users_offline(3),
            "(3 users are currently offline, message will be delivered when they log in next time)\n");
  EXPECT_EQ(welcome_line("Welcome to simple chat server!"), "Login successful, Welcome to simple chat server!\n");
}

TEST(Format, EchoedInputIsSanitised) {
  EXPECT_EQ(unknown_command("\x1b[2Jboom"), "Error: unknown command 'boom'; type 'help' for the list of commands\n");
  EXPECT_EQ(no_such_user("a\x07"
                         "b"),
            "Error: no such user: ab\n");
  EXPECT_NE(blocked_now("bob", std::chrono::seconds(60)).find("blocked"), std::string::npos);
  EXPECT_NE(still_blocked("bob", std::chrono::seconds(42)).find("42 seconds"), std::string::npos);
}

TEST(Format, RoomLines) {
  core::ChatMessage m;
  m.sender = "alice";
  m.text = "hello";
  m.kind = core::MessageKind::room;
  m.room = "#lobby";
  EXPECT_EQ(room_line(m), "[#lobby] alice: hello\n");
  m.kind = core::MessageKind::room_event;
  m.event = core::RoomEvent::removed;
  m.target = "bob";
  EXPECT_EQ(room_line(m), "[#lobby] bob was removed by alice\n");
  m.sender.clear();
  EXPECT_EQ(room_line(m), "[#lobby] bob was removed by the server administrator\n");
  m.event = core::RoomEvent::topic;
  m.text.clear();
  EXPECT_EQ(room_line(m), "[#lobby] the server administrator cleared the topic\n");
  m.kind = core::MessageKind::invitation;
  m.sender = "carol";
  EXPECT_EQ(room_line(m), "carol invited you to #lobby; type 'join #lobby' to join\n");
}

TEST(Format, StoredLinesCarryUtcWhateverTheServersZone) {
  const char* old = getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "America/New_York", 1);
  tzset();
  core::ChatMessage m;
  m.sender = "alice";
  m.text = "hi";
  m.sent_at = core::TimePoint{std::chrono::seconds(1795442759)};
  EXPECT_EQ(stamped_line(m), "[2026-11-23T14:05:59Z] alice: hi\n");
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

TEST(Format, UnreadHeaderSaysHowManyWereNotShown) {
  core::RoomUnread room;
  room.room = "#big";
  room.count = 2;
  room.messages.resize(2);
  EXPECT_EQ(unread_header(room), "Unread in #big (2):\n");
  room.count = 25;
  EXPECT_EQ(unread_header(room),
            "Unread in #big (25, the last 2 shown; type 'history #big' and 'history more' for the rest):\n");
}
