// `parley` without a terminal: command line, connection errors and scripted
// use over pipes, against a real parleyd.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "client_support.hpp"

namespace parley::test {
namespace {

int count_lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

// A port nothing listens on: bound once, then released.
unsigned short unused_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

CommandResult run_parley(const std::vector<std::string>& args, const std::string& input = "",
                         const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{binary_path("parley")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, input, kWait, env);
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// Connection failures need no server.
TEST(ClientCommandLine, HelpDescribesUsage) {
  auto result = run_parley({"--help"});
  EXPECT_EQ(exit_code(result.status), 0);
  for (const char* text :
       {"host", "port", "--user", "--tls", "--ca", "PARLEY_PASSWORD", "NO_COLOR", ".parley_history", "/switch", "TZ"}) {
    EXPECT_NE(result.out.find(text), std::string::npos) << text << " missing from:\n" << result.out;
  }
}

TEST(ClientCommandLine, VersionIsOneLineAndStatusZero) {
  auto result = run_parley({"--version"});
  EXPECT_EQ(exit_code(result.status), 0) << result.err;
  EXPECT_EQ(result.out.rfind("parley ", 0), 0u) << result.out;
  EXPECT_EQ(result.out.find('\n'), result.out.size() - 1) << result.out;
  EXPECT_TRUE(result.err.empty()) << result.err;
}

TEST(ClientCommandLine, BadArgumentsGiveOneLineAndStatusTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"127.0.0.1"}, {"127.0.0.1", "http"}, {"127.0.0.1", "70000"}, {"127.0.0.1", "1", "--password", "x"}}) {
    auto result = run_parley(args);
    EXPECT_EQ(exit_code(result.status), 2) << result.err;
    EXPECT_EQ(count_lines(result.err), 1) << result.err;
    EXPECT_EQ(result.err.rfind("parley: ", 0), 0u) << result.err;
    EXPECT_EQ(result.out, "");
  }
}

TEST(ClientCommandLine, RefusedConnectionIsOneClearLine) {
  auto port = std::to_string(unused_port());
  auto result = run_parley({"127.0.0.1", port});
  EXPECT_EQ(exit_code(result.status), 1);
  EXPECT_EQ(result.err, "parley: cannot connect to 127.0.0.1 port " + port + ": Connection refused\n");
  EXPECT_EQ(result.out, "");
}

TEST(ClientCommandLine, UnknownHostIsOneClearLine) {
  for (const char* host : {"no-such-host.invalid", "999.1.2.3", "not an address"}) {
    auto result = run_parley({host, "4119"});
    EXPECT_EQ(exit_code(result.status), 1) << host;
    EXPECT_EQ(count_lines(result.err), 1) << result.err;
    EXPECT_EQ(result.err.rfind(std::string("parley: cannot resolve '") + host + "'", 0), 0u) << result.err;
    EXPECT_EQ(result.out, "");
  }
}

using ClientScripted = ClientTest;

TEST_F(ClientScripted, RunsTheLinesAndEndsAfterLogout) {
  LineClient bob(port());
  bob.login("bob", "hunter2");
  auto result = run_command(client_command(), "alice\nsecret\nwhoelse\nlogout\n");
  EXPECT_EQ(exit_code(result.status), 0) << result.err;
  EXPECT_EQ(result.out,
            "Username: Password: Login successful, Welcome to simple chat server!\n"
            "Command: The currently online users are:\nbob\n"
            "Command: Logging off\n");
  EXPECT_EQ(result.err, "");
  EXPECT_FALSE(server().wait_for_log("logout user=alice").empty()) << server().log();
}

TEST_F(ClientScripted, WaitsForTheLastReplyThenLogsOut) {
  LineClient bob(port());
  bob.login("bob", "hunter2");
  auto result = run_command(client_command(), "alice\nsecret\nmessage bob one\nwhoelse");  // no final newline
  EXPECT_EQ(exit_code(result.status), 0) << result.err;
  EXPECT_NE(result.out.find("The currently online users are:\nbob\nCommand: Logging off\n"), std::string::npos)
      << result.out;
  EXPECT_NE(bob.expect("alice: one <private message>"), "");
  EXPECT_FALSE(server().wait_for_log("logout user=alice").empty()) << server().log();
  EXPECT_FALSE(server().log_contains("disconnect user=alice")) << server().log();
}

TEST_F(ClientScripted, IntroductionTakesTheNextLine) {
  auto result = run_command(client_command(), "alice\nsecret\npersonalintro\nscripted\nwhoelse\n");
  EXPECT_EQ(exit_code(result.status), 0) << result.err;
  EXPECT_NE(result.out.find("Command: Please enter your personal introduction:\nPersonal introduction saved.\n"
                            "Command: The currently online users are:\n"),
            std::string::npos)
      << result.out;
  LineClient bob(port());
  bob.login("bob", "hunter2");
  EXPECT_NE(bob.command("wholast 5").find("alice   <scripted>"), std::string::npos);
}

TEST_F(ClientScripted, PrintsMessagesAsTheyCome) {
  {
    LineClient bob(port());
    bob.login("bob", "hunter2");
    bob.command("message alice sent while you were away");
  }
  auto result = run_command(client_command(), "alice\nsecret\n");
  EXPECT_EQ(exit_code(result.status), 0) << result.err;
  EXPECT_NE(result.out.find("Your offline messages:\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("bob: sent while you were away <private message>\n"), std::string::npos) << result.out;
}

TEST_F(ClientScripted, UserOptionWithPasswordFromTheEnvironment) {
  auto result = run_command(client_command({"--user", "alice"}), "whoelse\n", kWait, {"PARLEY_PASSWORD=secret"});
  EXPECT_EQ(exit_code(result.status), 0) << result.err;
  EXPECT_NE(result.out.find("Login successful"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("The currently online users are:\n(Not found)\n"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("secret"), std::string::npos) << result.out;
}

TEST_F(ClientScripted, UserOptionTakesThePasswordFromInput) {
  auto result = run_command(client_command({"--user", "alice"}), "secret\nwhoelse\n");
  EXPECT_EQ(exit_code(result.status), 0) << result.err;
  EXPECT_NE(result.out.find("Username: Password: Login successful"), std::string::npos) << result.out;
}

TEST_F(ClientScripted, InputEndingBeforeLoginFails) {
  auto result = run_command(client_command(), "alice\nwrong\n");
  EXPECT_EQ(exit_code(result.status), 1);
  EXPECT_NE(result.out.find("Error: invalid username or password"), std::string::npos) << result.out;
  EXPECT_EQ(result.err, "parley: the input ended before the login was complete\n");
}

// A server that closes after the first failed login.
class ClientScriptedStrictServer : public ClientTest {
 protected:
  void SetUp() override { start_server({"--login-times", "1"}); }
};

TEST_F(ClientScriptedStrictServer, ServerClosingTheConnectionIsReported) {
  auto result = run_command(client_command(), "alice\nwrong\nalice\nsecret\n");
  EXPECT_EQ(exit_code(result.status), 1);
  EXPECT_NE(result.out.find("Error: too many failed attempts"), std::string::npos) << result.out;
  EXPECT_EQ(result.err, "Disconnected\n");
}

TEST_F(ClientScripted, EmptyInputJustLeaves) {
  auto result = run_command(client_command(), "");
  EXPECT_EQ(exit_code(result.status), 1);
  EXPECT_EQ(result.out, "Username: ");
}

TEST_F(ClientScripted, ConnectsOverIpv6AndByName) {
  for (const char* host : {"::1", "[::1]", "localhost"}) {
    auto result = run_parley({host, std::to_string(port())}, "alice\nsecret\nlogout\n");
    if (std::string(host).find(':') != std::string::npos && result.err.find("cannot connect") != std::string::npos) {
      GTEST_SKIP() << "no IPv6 loopback here: " << result.err;
    }
    EXPECT_EQ(exit_code(result.status), 0) << host << ": " << result.err;
    EXPECT_NE(result.out.find("Logging off"), std::string::npos) << host << ": " << result.out;
  }
}

}  // namespace
}  // namespace parley::test
