// The warning before an idle logout: when it comes, that it comes once per
// idle period, and that any line starts the period again.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using Clock = std::chrono::steady_clock;
using support::count_of;

class ServerIdle : public ServerFixture {};

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Timeout 5 s: the warning comes half a second (a tenth) before the logout.
// The server's clock is this machine's monotonic clock, so the lower bounds
// are exact: its idle period starts after the client's line was sent.
TEST_F(ServerIdle, WarnsOnceATenthOfTheTimeoutBeforeTheLogoutAndALineStartsOver) {
  start({"--timeout", "5"});
  LineClient alice(port());
  alice.expect("Username: ");
  alice.send_line("alice");
  alice.expect("Password: ");
  auto sent = Clock::now();
  alice.send_line("secret");
  ASSERT_NE(alice.expect(kPrompt).find("Login successful"), std::string::npos);

  const std::string warning = "You will be logged out in 1 seconds unless you send something\n";
  EXPECT_EQ(alice.expect("\n"), warning);
  auto warned = Clock::now();
  EXPECT_GE(seconds_between(sent, warned), 4.5);

  // A command starts a new idle period: no logout at the old time, and a
  // new warning later.
  sent = Clock::now();
  EXPECT_EQ(alice.command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
  EXPECT_EQ(alice.expect("\n"), warning);
  warned = Clock::now();
  EXPECT_GE(seconds_between(sent, warned), 4.5);

  // One warning per period: the next line is the logout.
  EXPECT_EQ(alice.read_until_closed(), "You have been logged out after 5 seconds of inactivity\n");
  auto out = Clock::now();
  EXPECT_GE(seconds_between(sent, out), 5.0);
  EXPECT_FALSE(server_->wait_for_log("timeout user=alice").empty()) << server_->log();
  EXPECT_EQ(count_of(server_->log(), "timeout user=alice"), 1u);
}

// Before login the login timeout applies, without a warning; a user who
// keeps sending lines is never warned. The debug log shows each warning.
TEST_F(ServerIdle, NoWarningBeforeLoginAndNoneForAnActiveUser) {
  start({"--timeout", "2", "--login-timeout", "1", "--log-level", "debug"});
  LineClient stranger(port());
  EXPECT_EQ(stranger.read_until_closed(), "Username: Error: login timed out\n");

  auto alice = user("alice", "secret");
  auto until = Clock::now() + 3s;
  while (Clock::now() < until) {
    EXPECT_EQ(alice->command("whoelse"), "The currently online users are:\n(Not found)\n" + kPrompt);
    std::this_thread::sleep_for(300ms);  // pacing of alice's activity, well under the warning's time
  }
  EXPECT_FALSE(server_->log_contains("idle warning")) << server_->log();
  EXPECT_EQ(alice->expect("\n"), "You will be logged out in 1 seconds unless you send something\n");
  EXPECT_FALSE(server_->wait_for_log("idle warning user=alice from=127.0.0.1:").empty()) << server_->log();
}

}  // namespace
}  // namespace parley::test
