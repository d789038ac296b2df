// The interactive client in a real pseudo-terminal against a real parleyd:
// what the person sees on the screen and what the server gets.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "client_support.hpp"

namespace parley::test {
namespace {

using namespace keys;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// Rows first..last of the screen glued together, as a long line wraps.
std::string joined_rows(const Screen& screen, int first, int last) {
  std::string out;
  for (int r = first; r <= last; ++r) {
    std::string row = screen.row(r);
    if (r < last) row.resize(static_cast<std::size_t>(screen.cols()), ' ');
    out += row;
  }
  return out;
}

using ClientTerminal = ClientTest;

TEST_F(ClientTerminal, LogsInWithThePasswordNeverEchoed) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");

  int password_row = terminal->screen().find_row("Password:");
  ASSERT_GE(password_row, 0) << terminal->describe();
  EXPECT_EQ(terminal->screen().row(password_row), "Password:") << terminal->describe();
  EXPECT_EQ(terminal->output().find("secret"), std::string::npos) << terminal->describe();
  EXPECT_TRUE(terminal->screen().contains("Username: alice")) << terminal->describe();
  EXPECT_FALSE(server().wait_for_log("login user=alice").empty()) << server().log();
}

TEST_F(ClientTerminal, WrongPasswordAsksAgain) {
  auto terminal = start_terminal();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Username: ")) << terminal->describe();
  terminal->send("alice\r");
  ASSERT_TRUE(terminal->wait_for_cursor_line("Password: ")) << terminal->describe();
  terminal->send("wrong\r");
  ASSERT_TRUE(terminal->wait_for_text("Error: invalid username or password")) << terminal->describe();
  type_login(*terminal, "alice", "secret");
  EXPECT_EQ(terminal->output().find("wrong"), std::string::npos) << terminal->describe();
}

class ClientTerminalTypes : public ClientTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(ClientTerminalTypes, MessageArrivingWhileTypingLeavesTheLineIntact) {
  PtyOptions options;
  options.term = GetParam();
  auto terminal = start_terminal(options);
  type_login(*terminal, "alice", "secret");
  LineClient bob(port());
  bob.login("bob", "hunter2");

  // A typo, and the cursor moved back to fix it when the message arrives.
  const std::string typed = "message bob hello wrld";
  terminal->send(typed);
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: " + typed)) << terminal->describe();
  terminal->send(std::string(kLeft) + std::string(kLeft) + std::string(kLeft));
  const int cursor_col = static_cast<int>(std::string("Command: message bob hello w").size());
  ASSERT_TRUE(terminal->wait_until([&](const Screen& s) { return s.cursor_col() == cursor_col; }))
      << terminal->describe();

  bob.send_line("message alice are you there?");
  ASSERT_TRUE(terminal->wait_for_text("bob: are you there? <private message>")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_until([&](const Screen& s) {
    return s.cursor_line() == "Command: " + typed && s.cursor_col() == cursor_col &&
           s.find_row("bob: are you there?") == s.cursor_row() - 1;
  })) << terminal->describe();
  EXPECT_EQ(terminal->screen().find_row("Command: message bob"), terminal->screen().cursor_row())
      << "the half-typed line must not be left behind above the message\n"
      << terminal->describe();

  // Editing goes on where it was: the fix lands in the middle of the line.
  terminal->send("o\r");
  EXPECT_NE(bob.expect("alice: hello world <private message>"), "");
}

INSTANTIATE_TEST_SUITE_P(Terms, ClientTerminalTypes, ::testing::Values("xterm", "vt100"));

TEST_F(ClientTerminal, NarrowTerminalWrapsLongLinesAroundTheInput) {
  constexpr int kCols = 30;
  PtyOptions narrow;
  narrow.cols = kCols;
  auto terminal = start_terminal(narrow);
  type_login(*terminal, "alice", "secret");
  LineClient bob(port());
  bob.login("bob", "hunter2");

  // The input spans three rows and the cursor is back on the middle one.
  const std::string text = repeat("abcdefghij", 5);
  const std::string input_line = "Command: message bob " + text;
  terminal->send("message bob " + text);
  const std::string last_row = input_line.substr(input_line.size() / kCols * kCols);
  ASSERT_TRUE(terminal->wait_until([&](const Screen& s) { return s.cursor_line() == last_row; }))
      << terminal->describe();
  constexpr int kBack = 35;
  for (int i = 0; i < kBack; ++i) terminal->send(kLeft);
  const int cursor = static_cast<int>(input_line.size()) - kBack;
  ASSERT_TRUE(terminal->wait_until([&](const Screen& s) { return s.cursor_col() == cursor % kCols; }))
      << terminal->describe();

  const std::string incoming = repeat("0123456789", 8);
  bob.send_line("message alice " + incoming);
  bob.expect("Command: ");
  ASSERT_TRUE(terminal->wait_until([&](const Screen& s) {
    int prompt_row = s.find_row("Command: message bob");
    int message_row = s.find_row("bob: 0123");
    return prompt_row > 0 && message_row >= 0 && message_row < prompt_row &&
           joined_rows(s, prompt_row, prompt_row + 2) == input_line;
  })) << terminal->describe();
  const Screen& screen = terminal->screen();
  int message_row = screen.find_row("bob: 0123");
  int prompt_row = screen.find_row("Command: message bob");
  EXPECT_EQ(joined_rows(screen, message_row, prompt_row - 1), "bob: " + incoming + " <private message>")
      << terminal->describe();
  EXPECT_EQ(screen.cursor_row(), prompt_row + cursor / kCols) << terminal->describe();
  EXPECT_EQ(screen.cursor_col(), cursor % kCols) << terminal->describe();

  // Typing goes on at the cursor.
  terminal->send("X\r");
  std::string expected = text;
  expected.insert(static_cast<std::size_t>(cursor) - (input_line.size() - text.size()), "X");
  EXPECT_NE(bob.expect("alice: " + expected + " <private message>"), "");
}

TEST_F(ClientTerminal, FollowsWindowSizeChanges) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  LineClient bob(port());
  bob.login("bob", "hunter2");

  auto seen = terminal->output().size();
  terminal->resize(24, 40);
  // Readline redraws the prompt once it knows the new width.
  ASSERT_TRUE(terminal->wait_until([&](const Screen&) {
    return terminal->output().find("Command: ", seen) != std::string::npos;
  })) << terminal->describe();

  const std::string input_line = "Command: message bob " + repeat("abcdefghij", 5);  // two rows of 40
  const std::string first_row = input_line.substr(0, 40);
  const std::string second_row = input_line.substr(40);
  terminal->send(input_line.substr(std::string("Command: ").size()));
  ASSERT_TRUE(terminal->wait_for_cursor_line(second_row)) << terminal->describe();
  bob.send_line("message alice hi");
  ASSERT_TRUE(terminal->wait_for_text("bob: hi <private message>")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_until([&](const Screen& s) {
    int message_row = s.find_row("bob: hi");
    return message_row >= 0 && s.row(message_row + 1) == first_row && s.cursor_line() == second_row &&
           s.cursor_row() == message_row + 2;
  })) << terminal->describe();
  // Nothing of the input line was left behind above the message.
  const Screen& screen = terminal->screen();
  for (int r = 0; r < screen.find_row("bob: hi"); ++r) {
    EXPECT_EQ(screen.row(r).find("abcdefghij"), std::string::npos) << terminal->describe();
  }
}

TEST_F(ClientTerminal, UpRecallsEarlierLinesAlsoInTheNextRun) {
  {
    auto terminal = start_terminal();
    type_login(*terminal, "alice", "secret");
    terminal->send("whoelse\r");
    ASSERT_TRUE(terminal->wait_for_text("The currently online users are:")) << terminal->describe();
    ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();
    terminal->send("help\r");
    ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();

    terminal->send(kUp);
    ASSERT_TRUE(terminal->wait_for_cursor_line("Command: help")) << terminal->describe();
    terminal->send(kUp);
    ASSERT_TRUE(terminal->wait_for_cursor_line("Command: whoelse")) << terminal->describe();
    terminal->send(kDown);
    ASSERT_TRUE(terminal->wait_for_cursor_line("Command: help")) << terminal->describe();
    terminal->send(kDown);
    ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();
    terminal->send(kCtrlD);
    EXPECT_EQ(exit_code(terminal->wait_exit()), 0) << terminal->describe();
  }
  std::string history = read_file(home() / ".parley_history");
  EXPECT_NE(history.find("whoelse"), std::string::npos) << history;
  EXPECT_EQ(history.find("secret"), std::string::npos) << history;
  EXPECT_EQ(history.find("alice"), std::string::npos) << history;

  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send(kUp);
  EXPECT_TRUE(terminal->wait_for_cursor_line("Command: help")) << terminal->describe();
  terminal->send(kUp);
  EXPECT_TRUE(terminal->wait_for_cursor_line("Command: whoelse")) << terminal->describe();
}

TEST_F(ClientTerminal, EmacsKeysMoveAlongTheLine) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send("elp");
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: elp")) << terminal->describe();
  terminal->send(std::string(kCtrlA) + "h");
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: help")) << terminal->describe();
  terminal->send(std::string(kCtrlE) + "x" + std::string(kBackspace));
  ASSERT_TRUE(terminal->wait_until([](const Screen& s) {
    return s.cursor_line() == "Command: help" && s.cursor_col() == 13;
  })) << terminal->describe();
  terminal->send(kEnter);
  EXPECT_TRUE(terminal->wait_for_text("whoelse")) << terminal->describe();  // part of the help text
}

TEST_F(ClientTerminal, TabCompletesCommandsAndLearntNames) {
  LineClient bob(port());
  bob.login("bob", "hunter2");
  LineClient carol(port());
  carol.login("carol", "swordfish");
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  const std::string clear_line = "\x15";  // Ctrl+U

  terminal->send("pers" + std::string(kTab));
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: personalintro")) << terminal->describe();
  terminal->send(clear_line + "whoe" + std::string(kTab) + std::string(kEnter));
  ASSERT_TRUE(terminal->wait_for_text("carol")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();

  terminal->send("message c" + std::string(kTab));
  ASSERT_TRUE(terminal->wait_until([](const Screen& s) {
    return s.cursor_line() == "Command: message carol" && s.cursor_col() == 23;
  })) << terminal->describe();
  terminal->send(clear_line + "broadcast u" + std::string(kTab) + "b" + std::string(kTab) + "mes" + std::string(kTab));
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: broadcast user bob message")) << terminal->describe();

  // A sender the client has not seen in a listing.
  LineClient google(port());
  google.login("google", "hasglasses");
  google.send_line("message alice hi");
  ASSERT_TRUE(terminal->wait_for_text("google: hi <private message>")) << terminal->describe();
  terminal->send(clear_line + "message g" + std::string(kTab));
  EXPECT_TRUE(terminal->wait_for_cursor_line("Command: message google")) << terminal->describe();
}

TEST_F(ClientTerminal, CtrlCLogsOutCleanlyAndSaysGoodbye) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send("half typed");
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: half typed")) << terminal->describe();
  terminal->send(kCtrlC);
  ASSERT_TRUE(terminal->wait_for_text("Goodbye!")) << terminal->describe();
  EXPECT_EQ(exit_code(terminal->wait_exit()), 0) << terminal->describe();
  EXPECT_FALSE(server().wait_for_log("logout user=alice").empty()) << server().log();
  EXPECT_FALSE(server().log_contains("disconnect user=alice")) << server().log();
  EXPECT_FALSE(terminal->screen().contains("Disconnected")) << terminal->describe();
}

TEST_F(ClientTerminal, CtrlDLogsOutCleanly) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send(kCtrlD);
  ASSERT_TRUE(terminal->wait_for_text("Goodbye!")) << terminal->describe();
  EXPECT_EQ(exit_code(terminal->wait_exit()), 0) << terminal->describe();
  EXPECT_FALSE(server().wait_for_log("logout user=alice").empty()) << server().log();
}

TEST_F(ClientTerminal, CtrlCBeforeLoginJustLeaves) {
  auto terminal = start_terminal();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Username: ")) << terminal->describe();
  terminal->send(kCtrlC);
  ASSERT_TRUE(terminal->wait_for_text("Goodbye!")) << terminal->describe();
  EXPECT_EQ(exit_code(terminal->wait_exit()), 0) << terminal->describe();
}

TEST_F(ClientTerminal, LogoutCommandEndsWithDisconnectedAndSuccess) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send("logout\r");
  ASSERT_TRUE(terminal->wait_for_text("Logging off")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_text("Disconnected")) << terminal->describe();
  EXPECT_EQ(exit_code(terminal->wait_exit()), 0) << terminal->describe();
  EXPECT_FALSE(server().wait_for_log("logout user=alice").empty()) << server().log();
}

TEST_F(ClientTerminal, LostConnectionEndsWithDisconnectedAndFailure) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send("typing");
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: typing")) << terminal->describe();
  server().stop(SIGTERM);
  ASSERT_TRUE(terminal->wait_for_text("Disconnected")) << terminal->describe();
  EXPECT_TRUE(terminal->screen().contains("Server is shutting down")) << terminal->describe();
  EXPECT_EQ(exit_code(terminal->wait_exit()), 1) << terminal->describe();
}

TEST_F(ClientTerminal, UserOptionAndPasswordFromTheEnvironment) {
  PtyOptions options;
  options.extra_env.push_back("PARLEY_PASSWORD=secret");
  auto terminal = start_terminal(options, {"--user", "alice"});
  ASSERT_TRUE(terminal->wait_for_text("Login successful")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();
  EXPECT_TRUE(terminal->screen().contains("Username: alice")) << terminal->describe();
  EXPECT_EQ(terminal->output().find("secret"), std::string::npos) << terminal->describe();
}

TEST_F(ClientTerminal, UserOptionPromptsForThePassword) {
  auto terminal = start_terminal({}, {"--user", "alice"});
  ASSERT_TRUE(terminal->wait_for_cursor_line("Password: ")) << terminal->describe();
  terminal->send("secret\r");
  ASSERT_TRUE(terminal->wait_for_text("Login successful")) << terminal->describe();
  EXPECT_EQ(terminal->output().find("secret"), std::string::npos) << terminal->describe();
}

TEST_F(ClientTerminal, PersonalIntroductionIsAskedOnItsOwnLine) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  terminal->send("personalintro\r");
  ASSERT_TRUE(terminal->wait_for_text("Please enter your personal introduction:")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("")) << terminal->describe();
  terminal->send("I like tea\r");
  ASSERT_TRUE(terminal->wait_for_text("Personal introduction saved.")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_cursor_line("Command: ")) << terminal->describe();

  LineClient bob(port());
  bob.login("bob", "hunter2");
  EXPECT_NE(bob.command("whoelse").find("alice   <I like tea>"), std::string::npos);
}

TEST_F(ClientTerminal, ColoursMarkMessagesAndErrorsUnlessNoColor) {
  PtyOptions coloured;
  coloured.colours = true;
  auto terminal = start_terminal(coloured);
  type_login(*terminal, "alice", "secret");
  terminal->send("bogus\r");
  ASSERT_TRUE(terminal->wait_for_text("Error: unknown command")) << terminal->describe();
  EXPECT_NE(terminal->output().find("\x1b[1;31mError: unknown command"), std::string::npos) << terminal->describe();

  auto plain = start_terminal();
  type_login(*plain, "bob", "hunter2");
  plain->send("bogus\r");
  ASSERT_TRUE(plain->wait_for_text("Error: unknown command")) << plain->describe();
  EXPECT_EQ(plain->output().find("\x1b[1;31m"), std::string::npos) << plain->describe();
  EXPECT_NE(plain->output().find("Error: unknown command"), std::string::npos) << plain->describe();
}

}  // namespace
}  // namespace parley::test
