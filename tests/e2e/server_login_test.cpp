// Login: prompts, failures, lockout, login timeout.
#include <gtest/gtest.h>
#include <unistd.h>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

const std::string kBad = "Error: invalid username or password\n";

class ServerLogin : public ServerFixture {
 protected:
  // One failed attempt on a connection at the Username prompt; returns what
  // the server answered up to the next prompt or the close.
  static std::string attempt(LineClient& c, const std::string& user, const std::string& password) {
    c.send_line(user);
    c.expect("Password: ");
    c.send_line(password);
    c.expect("Error: ");
    std::string rest = c.expect("\n");
    return "Error: " + rest;
  }
};

// The <s> of a whole text "<head><s><tail>", or -1.
int seconds_in(const std::string& text, const std::string& head, const std::string& tail) {
  if (text.size() <= head.size() + tail.size() || text.compare(0, head.size(), head) != 0 ||
      text.compare(text.size() - tail.size(), tail.size(), tail) != 0)
    return -1;
  std::string digits = text.substr(head.size(), text.size() - head.size() - tail.size());
  for (char c : digits)
    if (c < '0' || c > '9') return -1;
  return std::stoi(digits);
}

TEST_F(ServerLogin, PromptsAndWelcomeLine) {
  start();
  LineClient c(port());
  EXPECT_EQ(c.expect("Username: "), "Username: ");
  c.send_line("alice");
  EXPECT_EQ(c.expect("Password: "), "Password: ");
  c.send_line("secret");
  EXPECT_EQ(c.expect("Command: "), "Login successful, Welcome to simple chat server!\nCommand: ");
}

TEST_F(ServerLogin, CrLfLineEndingsWork) {
  start();
  LineClient c(port());
  c.expect("Username: ");
  c.send_raw("alice\r\n");
  c.expect("Password: ");
  c.send_raw("secret\r\n");
  EXPECT_EQ(c.expect("Command: "), "Login successful, Welcome to simple chat server!\nCommand: ");
  c.send_raw("whoelse\r\n");
  EXPECT_EQ(c.expect("Command: "), "The currently online users are:\n(Not found)\nCommand: ");
}

TEST_F(ServerLogin, CustomWelcome) {
  start({"--welcome", "Hi there, have fun"});
  LineClient c(port());
  EXPECT_EQ(c.login("alice", "secret"), "Login successful, Hi there, have fun\nCommand: ");
}

TEST_F(ServerLogin, EmptyUsernameRepromptsAndUnknownNameStillGetsPasswordPrompt) {
  start();
  LineClient c(port());
  c.expect("Username: ");
  c.send_line("");
  EXPECT_EQ(c.expect("Username: "), "Username: ");
  c.send_line("nobody-here");
  EXPECT_EQ(c.expect("Password: "), "Password: ");
  c.send_line("whatever");
  EXPECT_EQ(c.expect("Username: "), kBad + "Username: ");
  // Wrong password for a known name: same answer.
  c.send_line("alice");
  c.expect("Password: ");
  c.send_line("not-secret");
  EXPECT_EQ(c.expect("Username: "), kBad + "Username: ");
  // And the connection can still log in.
  c.send_line("alice");
  c.expect("Password: ");
  c.send_line("secret");
  EXPECT_NE(c.expect("Command: ").find("Login successful"), std::string::npos);
}

TEST_F(ServerLogin, LockoutAfterLoginTimesFailuresThenBlockedWhateverThePassword) {
  start({"--login-times", "3", "--block-time", "60"});
  {
    LineClient c(port());
    c.expect("Username: ");
    EXPECT_EQ(attempt(c, "alice", "bad1"), kBad);
    c.expect("Username: ");
    EXPECT_EQ(attempt(c, "alice", "bad2"), kBad);
    c.expect("Username: ");
    std::string third = attempt(c, "alice", "bad3");
    EXPECT_EQ(third, "Error: too many failed attempts; alice is blocked from this address for 60 seconds\n");
    EXPECT_EQ(c.read_until_closed(), "");
  }
  EXPECT_FALSE(server_->wait_for_log("blocked user=alice").empty()) << server_->log();
  {
    // The right password does not help while blocked: no password prompt at all.
    LineClient c(port());
    c.expect("Username: ");
    c.send_line("alice");
    std::string rest = c.read_until_closed();
    EXPECT_EQ(rest.find("Password: "), std::string::npos) << rest;
    int left = seconds_in(rest, "Error: alice is blocked from this address; try again in ", " seconds\n");
    EXPECT_GE(left, 1) << rest;
    EXPECT_LE(left, 60) << rest;
  }
  {
    LineClient c(port());
    c.expect("Username: ");
    c.send_raw("alice\nsecret\n");
    std::string rest = c.read_until_closed();
    EXPECT_NE(rest.find("blocked"), std::string::npos) << rest;
    EXPECT_EQ(rest.find("Login successful"), std::string::npos) << rest;
  }
  {
    // Other usernames from the same address are not affected.
    LineClient c(port());
    EXPECT_NE(c.login("bob", "hunter2").find("Login successful"), std::string::npos);
  }
}

TEST_F(ServerLogin, ReconnectingDoesNotResetTheCount) {
  start({"--login-times", "3"});
  {
    LineClient c(port());
    c.expect("Username: ");
    EXPECT_EQ(attempt(c, "alice", "bad1"), kBad);
    c.expect("Username: ");
    EXPECT_EQ(attempt(c, "alice", "bad2"), kBad);
    c.expect("Username: ");
  }
  LineClient c(port());
  c.expect("Username: ");
  EXPECT_NE(attempt(c, "alice", "bad3").find("blocked"), std::string::npos);
  c.read_until_closed();
}

TEST_F(ServerLogin, FailuresOfOtherUsernamesDoNotAddUp) {
  start({"--login-times", "3"});
  LineClient c(port());
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "alice", "bad1"), kBad);
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "bob", "bad1"), kBad);
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "alice", "bad2"), kBad);
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "bob", "bad2"), kBad);
  c.expect("Username: ");
  c.send_line("alice");
  c.expect("Password: ");
  c.send_line("secret");
  EXPECT_NE(c.expect("Command: ").find("Login successful"), std::string::npos);
}

TEST_F(ServerLogin, SuccessfulLoginResetsTheCount) {
  start({"--login-times", "3"});
  {
    LineClient c(port());
    c.expect("Username: ");
    EXPECT_EQ(attempt(c, "alice", "bad1"), kBad);
    c.expect("Username: ");
    EXPECT_EQ(attempt(c, "alice", "bad2"), kBad);
    c.expect("Username: ");
    c.send_line("alice");
    c.expect("Password: ");
    c.send_line("secret");
    EXPECT_NE(c.expect("Command: ").find("Login successful"), std::string::npos);
    c.send_line("logout");
    c.read_until_closed();
  }
  LineClient c(port());
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "alice", "bad3"), kBad);
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "alice", "bad4"), kBad) << "the count was not reset by the successful login";
  c.expect("Username: ");
  EXPECT_NE(attempt(c, "alice", "bad5").find("blocked"), std::string::npos);
}

TEST_F(ServerLogin, UnknownUsernamesCountLikeKnownOnes) {
  start({"--login-times", "2"});
  LineClient c(port());
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "ghost", "x"), kBad);
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "ghost", "y"),
            "Error: too many failed attempts; ghost is blocked from this address for 60 seconds\n");
  c.read_until_closed();
  LineClient d(port());
  d.expect("Username: ");
  d.send_line("ghost");
  EXPECT_NE(d.read_until_closed().find("Error: ghost is blocked from this address; try again in "), std::string::npos);
}

TEST_F(ServerLogin, BlockIsPerAddress) {
  start({"--login-times", "2"});
  {
    LineClient c(port(), "127.0.0.1");
    c.expect("Username: ");
    attempt(c, "alice", "bad1");
    c.expect("Username: ");
    EXPECT_NE(attempt(c, "alice", "bad2").find("blocked"), std::string::npos);
  }
  // 127.0.0.2 is another loopback address: the server sees another client.
  int fd = support::connect_from("127.0.0.2", port(), 0);
  ASSERT_GE(fd, 0) << "cannot connect from 127.0.0.2";
  std::string buffer, out;
  EXPECT_TRUE(support::read_until(fd, buffer, "Username: ", out, kWait));
  support::send_all(fd, "alice\n");
  EXPECT_TRUE(support::read_until(fd, buffer, "Password: ", out, kWait)) << buffer;
  support::send_all(fd, "secret\n");
  EXPECT_TRUE(support::read_until(fd, buffer, "Command: ", out, kWait)) << buffer;
  EXPECT_NE(out.find("Login successful"), std::string::npos) << out;
  ::close(fd);
  EXPECT_FALSE(server_->wait_for_log("login user=alice from=127.0.0.2:").empty()) << server_->log();

  if (support::ipv6_loopback_available()) {
    LineClient v6(port(), "::1");
    EXPECT_NE(v6.login("alice", "secret").find("Login successful"), std::string::npos);
  }
  // And still blocked from 127.0.0.1.
  LineClient again(port(), "127.0.0.1");
  again.expect("Username: ");
  again.send_line("alice");
  EXPECT_NE(again.read_until_closed().find("blocked"), std::string::npos);
}

TEST_F(ServerLogin, BlockEndsAfterBlockTime) {
  start({"--login-times", "1", "--block-time", "1"});
  {
    LineClient c(port());
    c.expect("Username: ");
    EXPECT_EQ(attempt(c, "alice", "bad"),
              "Error: too many failed attempts; alice is blocked from this address for 1 seconds\n");
    c.read_until_closed();
  }
  // Waiting for time to pass cannot be avoided: poll until the block is over.
  auto deadline = std::chrono::steady_clock::now() + kWait;
  bool logged_in = false;
  while (!logged_in && std::chrono::steady_clock::now() < deadline) {
    LineClient c(port());
    c.expect("Username: ");
    c.send_line("alice");
    std::string answer = c.expect(": ");
    if (answer == "Error: ") answer += c.expect("\n");
    if (answer == "Password: ") {
      c.send_line("secret");
      EXPECT_NE(c.expect("Command: ").find("Login successful"), std::string::npos);
      logged_in = true;
    } else {
      EXPECT_NE(answer.find("Error: alice is blocked"), std::string::npos) << answer;
      c.read_until_closed();
      std::this_thread::sleep_for(200ms);
    }
  }
  EXPECT_TRUE(logged_in) << "alice still blocked long after the block time";
}

TEST_F(ServerLogin, LoginTimeoutCutsOffIdleConnection) {
  start({"--login-timeout", "1"});
  LineClient c(port());
  c.expect("Username: ");
  EXPECT_EQ(c.read_until_closed(), "Error: login timed out\n");
  // Halfway through the exchange too.
  LineClient d(port());
  d.expect("Username: ");
  d.send_line("alice");
  d.expect("Password: ");
  EXPECT_EQ(d.read_until_closed(), "Error: login timed out\n");
  EXPECT_TRUE(server_->log_contains("login timeout")) << server_->log();
}

TEST_F(ServerLogin, LoginTimeoutDoesNotHitLoggedInUsers) {
  start({"--login-timeout", "1"});
  LineClient c(port());
  c.login("alice", "secret");
  // A client that stays unauthenticated is cut off; alice stays.
  LineClient idle(port());
  idle.expect("Username: ");
  EXPECT_EQ(idle.read_until_closed(), "Error: login timed out\n");
  EXPECT_EQ(c.command("whoelse"), "The currently online users are:\n(Not found)\nCommand: ");
}

// A password typed at the Username prompt is not an account name, and
// unknown names never reach the log.
TEST_F(ServerLogin, PasswordTypedAsUsernameIsNotLogged) {
  start();
  LineClient c(port());
  c.expect("Username: ");
  EXPECT_EQ(attempt(c, "hunter2", "bob"), kBad);
  EXPECT_FALSE(server_->wait_for_log("login failed user=(unknown)").empty()) << server_->log();
  EXPECT_FALSE(server_->log_contains("hunter2"));
}

}  // namespace
}  // namespace parley::test
