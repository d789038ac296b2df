// The client with parleyd's rooms: room names completed with Tab, plain
// lines sent to a room after `/switch`, history times in local time; in a
// real pseudo-terminal and scripted over pipes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>

#include "client_support.hpp"

namespace parley::test {
namespace {

using namespace keys;

constexpr std::string_view kClearLine = "\x15";  // Ctrl+U

// "2026-11-30T14:05:03Z" moved by `offset` and written "2026-11-30 15:05:03".
std::string shifted_stamp(const std::smatch& utc, std::chrono::hours offset) {
  using namespace std::chrono;
  auto number = [&](std::size_t i) { return std::stoi(utc[i].str()); };
  year_month_day date{year{number(1)}, month{static_cast<unsigned>(number(2))}, day{static_cast<unsigned>(number(3))}};
  sys_seconds when = sys_days{date} + hours{number(4)} + minutes{number(5)} + seconds{number(6)} + offset;
  auto day_start = floor<days>(when);
  hh_mm_ss time{when - day_start};
  year_month_day local_date{day_start};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(local_date.year()),
                static_cast<unsigned>(local_date.month()), static_cast<unsigned>(local_date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

using ClientRooms = ClientTest;

TEST_F(ClientRooms, TabCompletesRoomNamesTheClientHasSeen) {
  LineClient bob(port());
  bob.login("bob", "hunter2");
  ASSERT_NE(bob.command("join #lobby").find("Created #lobby; you are its owner"), std::string::npos);
  ASSERT_NE(bob.command("join #ops").find("Created #ops; you are its owner"), std::string::npos);
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");

  terminal->send("rooms\r");
  ASSERT_TRUE(terminal->wait_for_text("#lobby   1 member, 1 online")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();

  terminal->send("join #lo" + std::string(kTab));
  const std::string completed = "Command: join #lobby ";
  ASSERT_TRUE(terminal->wait_until([&](const Screen& s) {
    return s.cursor_line() == "Command: join #lobby" && s.cursor_col() == static_cast<int>(completed.size());
  })) << terminal->describe();
  terminal->send(kEnter);
  ASSERT_TRUE(terminal->wait_for_text("Joined #lobby (2 members)")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();

  terminal->send("members #o" + std::string(kTab));
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: members #ops")) << terminal->describe();
  terminal->send(std::string(kClearLine) + "/sw" + std::string(kTab) + "#l" + std::string(kTab));
  EXPECT_TRUE(terminal->wait_for_cursor_line("Command: /switch #lobby")) << terminal->describe();
}

TEST_F(ClientRooms, SwitchMakesPlainLinesMessagesToTheRoom) {
  LineClient bob(port());
  bob.login("bob", "hunter2");
  ASSERT_NE(bob.command("join #lobby").find("Created #lobby"), std::string::npos);
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send("join #lobby\r");
  ASSERT_TRUE(terminal->wait_for_text("Joined #lobby (2 members)")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();
  EXPECT_EQ(bob.expect("[#lobby] alice joined the room\n"), "[#lobby] alice joined the room\n");

  terminal->send("/switch #lobby\r");
  ASSERT_TRUE(terminal->wait_for_cursor_line("#lobby> ")) << terminal->describe();
  EXPECT_TRUE(terminal->screen().contains("(Lines now go to #lobby")) << terminal->describe();
  terminal->send("hello room\r");
  EXPECT_EQ(bob.expect("[#lobby] alice: hello room\n"), "[#lobby] alice: hello room\n");
  ASSERT_TRUE(terminal->wait_for_cursor_line("#lobby> ")) << terminal->describe();

  // The room's messages appear above the prompt, which stays.
  bob.send_line("message #lobby hi alice");
  bob.expect("Command: ");
  ASSERT_TRUE(terminal->wait_for_text("[#lobby] bob: hi alice")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("#lobby> ")) << terminal->describe();

  // A slash sends a command, two send text that starts with one.
  terminal->send("/members #lobby\r");
  ASSERT_TRUE(terminal->wait_for_text("Members of #lobby:")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("#lobby> ")) << terminal->describe();
  terminal->send("//me waves\r");
  EXPECT_EQ(bob.expect("[#lobby] alice: /me waves\n"), "[#lobby] alice: /me waves\n");
  ASSERT_TRUE(terminal->wait_for_cursor_line("#lobby> ")) << terminal->describe();

  // An empty line and an unknown client command send nothing.
  terminal->send("\r/bogus\r");
  ASSERT_TRUE(terminal->wait_for_text("Error: unknown command '/bogus'")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("#lobby> ")) << terminal->describe();
  EXPECT_FALSE(terminal->screen().contains("Error: usage")) << terminal->describe();
  EXPECT_FALSE(terminal->screen().contains("type 'help'")) << terminal->describe();

  // `/switch` alone: lines are commands again.
  terminal->send("/switch\r");
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();
  terminal->send("message #lobby bye\r");
  EXPECT_EQ(bob.expect("[#lobby] alice: bye\n"), "[#lobby] alice: bye\n") << "nothing else reached the room";
}

TEST_F(ClientRooms, SwitchToAUserSendsPrivateMessages) {
  LineClient bob(port());
  bob.login("bob", "hunter2");
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send("/switch bob\r");
  ASSERT_TRUE(terminal->wait_for_cursor_line("bob> ")) << terminal->describe();
  terminal->send("psst\r");
  EXPECT_EQ(bob.expect("alice: psst <private message>\n"), "alice: psst <private message>\n");
}

TEST_F(ClientRooms, HistoryAndUnreadTimesAreLocal) {
  {
    LineClient alice(port());
    alice.login("alice", "secret");
    ASSERT_NE(alice.command("join #lobby").find("Created #lobby"), std::string::npos);
  }
  LineClient bob(port());
  bob.login("bob", "hunter2");
  ASSERT_NE(bob.command("join #lobby").find("Joined #lobby"), std::string::npos);
  bob.command("message #lobby early bird");
  std::string listing = bob.command("history #lobby");
  std::smatch utc;
  const std::regex stamp(R"(\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z\] bob: early bird)");
  ASSERT_TRUE(std::regex_search(listing, utc, stamp)) << listing;
  const std::string local_line = "[" + shifted_stamp(utc, std::chrono::hours{1}) + "] bob: early bird";

  PtyOptions options;
  options.extra_env.emplace_back("TZ=XXX-1");  // one hour east of UTC, no summer time
  auto terminal = start_terminal(options);
  type_login(*terminal, "alice", "secret");
  EXPECT_TRUE(terminal->screen().contains("Unread in #lobby (1):")) << terminal->describe();
  EXPECT_TRUE(terminal->screen().contains(local_line)) << terminal->describe();
  terminal->send("history #lobby\r");
  ASSERT_TRUE(terminal->wait_for_text("History of #lobby:")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();
  EXPECT_EQ(terminal->screen().find_row(local_line), terminal->screen().find_row("History of #lobby:") + 1)
      << terminal->describe();
  EXPECT_EQ(terminal->output().find("Z] bob: early bird"), std::string::npos) << terminal->describe();
}

TEST_F(ClientRooms, ScriptsSwitchTooAndSeeTheServersTimes) {
  LineClient bob(port());
  bob.login("bob", "hunter2");
  ASSERT_NE(bob.command("join #lobby").find("Created #lobby"), std::string::npos);
  auto result = run_command(client_command(),
                            "alice\nsecret\njoin #lobby\n/switch #lobby\nfrom a script\n\n/bogus\n"
                            "/history #lobby\n/switch\nrooms\n",
                            kWait, {"TZ=XXX-1"});
  EXPECT_EQ(WIFEXITED(result.status) ? WEXITSTATUS(result.status) : -1, 0) << result.err;
  EXPECT_EQ(bob.expect("[#lobby] alice: from a script\n"),
            "[#lobby] alice joined the room\n[#lobby] alice: from a script\n");
  EXPECT_EQ(result.err.rfind("parley: unknown command '/bogus'", 0), 0u) << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
  // Consumed lines get no prompt; the server's lines are as it sent them.
  EXPECT_NE(result.out.find("Command: Joined #lobby (2 members)\nCommand: Command: History of #lobby:\n["),
            std::string::npos)
      << result.out;
  EXPECT_TRUE(
      std::regex_search(result.out, std::regex(R"(\n\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] alice: from a script\n)")))
      << result.out;
  EXPECT_NE(result.out.find("Command: Your rooms:\n#lobby   2 members"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace parley::test
