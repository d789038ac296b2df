// parley and the idle logout: the warning shows as a server line, and the
// logout ends parley with its reason and status 0.
#include <gtest/gtest.h>

#include "client_support.hpp"
#include "tls_support.hpp"

namespace parley::test {
namespace {

class ClientIdle : public ClientTest {
 protected:
  void SetUp() override { start_server({"--timeout", "3"}); }
};

const std::string kWarning = "You will be logged out in 1 seconds unless you send something";
const std::string kLoggedOut = "You have been logged out after 3 seconds of inactivity";

TEST_F(ClientIdle, TerminalShowsTheWarningThenTheReasonAndExitsZero) {
  auto terminal = start_terminal();
  type_login(*terminal, "alice", "secret");
  // Typed but not sent: the server has seen nothing.
  terminal->send("still typ");
  ASSERT_TRUE(terminal->wait_for_text(kWarning)) << terminal->describe();
  EXPECT_TRUE(terminal->wait_for_cursor_line("Command: still typ")) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_text(kLoggedOut)) << terminal->describe();
  ASSERT_TRUE(terminal->wait_for_text("Disconnected")) << terminal->describe();
  EXPECT_EQ(exit_code(terminal->wait_exit()), 0) << terminal->describe();
  EXPECT_LT(terminal->screen().find_row(kWarning), terminal->screen().find_row(kLoggedOut)) << terminal->describe();
  EXPECT_FALSE(server().wait_for_log("timeout user=alice").empty()) << server().log();
}

TEST_F(ClientIdle, WarningIsPaintedAsAWarning) {
  PtyOptions options;
  options.colours = true;
  auto terminal = start_terminal(options);
  type_login(*terminal, "alice", "secret");
  ASSERT_TRUE(terminal->wait_for_text(kLoggedOut)) << terminal->describe();
  EXPECT_NE(terminal->output().find("\x1b[1;33m" + kWarning + "\x1b[0m"), std::string::npos) << terminal->describe();
  EXPECT_EQ(exit_code(terminal->wait_exit()), 0) << terminal->describe();
}

// A script whose input stays open but sends nothing more.
TEST_F(ClientIdle, ScriptIsLoggedOutWithStatusZero) {
  PipedProcess script(client_command());
  script.send("alice\nsecret\n");
  script.expect(kWarning + "\n");
  script.expect(kLoggedOut + "\n");
  int status = script.wait_exit();
  EXPECT_EQ(exit_code(status), 0) << script.output();
  EXPECT_EQ(script.output().find("Disconnected"), std::string::npos) << script.output();
}

}  // namespace
}  // namespace parley::test
