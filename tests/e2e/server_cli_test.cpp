// parleyd's command line, config file, accounts file, listening addresses,
// logging and signal handling.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using support::count_of;

bool exited_with(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Runs parleyd with `args` (no port added) to completion.
CommandResult run_parleyd(std::vector<std::string> args) {
  args.insert(args.begin(), binary_path("parleyd"));
  return run_command(args, "");
}

TEST(ServerCli, HelpDocumentsEveryOptionAndExitsZero) {
  auto r = run_parleyd({"--help"});
  EXPECT_TRUE(exited_with(r.status, 0)) << describe_status(r.status);
  for (const char* flag : {"--bind", "--users", "--db", "--login-times", "--block-time", "--timeout", "--last-hour",
                           "--login-timeout", "--welcome", "--threads", "--max-queue", "--config", "--help"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << "--help does not mention " << flag << ":\n" << r.out;
  }
  EXPECT_NE(r.out.find("port"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("user_pass.txt"), std::string::npos) << "default users file not documented:\n" << r.out;
}

struct BadArgs {
  std::vector<std::string> args;
  const char* why;
};

TEST(ServerCli, BadFlagOrValueIsOneLineErrorAndExitTwo) {
  TempDir dir;
  std::vector<BadArgs> cases{
      {{"--no-such-flag", "0"}, "unknown flag"},
      {{"--timeout", "abc", "0"}, "non-numeric value"},
      {{"--timeout", "0", "0"}, "timeout out of range"},
      {{"--login-times", "0", "0"}, "login-times out of range"},
      {{"--block-time", "-1", "0"}, "negative block time"},
      {{"--max-queue", "100", "0"}, "max-queue below the minimum"},
      {{"70000"}, "port out of range"},
      {{"notaport"}, "port not a number"},
      {{}, "missing port"},
      {{"--welcome", "two\nlines", "0"}, "multi-line welcome"},
  };
  for (auto& c : cases) {
    std::vector<std::string> args{"--users", (dir / "none.txt").string(), "--db", (dir / "x.db").string()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_parleyd(args);
    EXPECT_TRUE(exited_with(r.status, 2)) << c.why << ": " << describe_status(r.status) << " stderr: " << r.err;
    EXPECT_EQ(count_of(r.err, "\n"), 1u) << c.why << ": not a one-line error: \"" << r.err << "\"";
    EXPECT_FALSE(r.err.empty()) << c.why;
    EXPECT_TRUE(r.out.empty()) << c.why << ": unexpected stdout: " << r.out;
  }
}

TEST(ServerCli, TomlConfigIsReadAndCommandLineOverridesIt) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  dir.write("parley.toml", "welcome = \"Hello from the config file\"\nlast-hour = 7\n");
  {
    ServerProcess server(dir.path(), {"--config", (dir / "parley.toml").string()});
    LineClient c(server.port());
    EXPECT_NE(c.login("alice", "secret").find("Login successful, Hello from the config file\n"), std::string::npos);
    EXPECT_EQ(c.command("wholast 8"), "Error: wholast takes a whole number of minutes from 0 to 7\nCommand: ");
  }
  {
    ServerProcess server(dir.path(), {"--config", (dir / "parley.toml").string(), "--welcome", "CLI wins"});
    LineClient c(server.port());
    auto out = c.login("alice", "secret");
    EXPECT_NE(out.find("Login successful, CLI wins\n"), std::string::npos) << out;
    EXPECT_EQ(out.find("Hello from the config file"), std::string::npos) << out;
    // Settings the command line does not give still come from the file.
    EXPECT_EQ(c.command("wholast 8"), "Error: wholast takes a whole number of minutes from 0 to 7\nCommand: ");
  }
}

TEST(ServerCli, BadConfigFileIsOneLineErrorAndExitTwo) {
  TempDir dir;
  for (const char* toml : {"timeout = \"abc\"\n", "welcome = \n", "timeout = 0\n", "welcome = 5\n"}) {
    dir.write("bad.toml", toml);
    auto r = run_parleyd({"--users", (dir / "none.txt").string(), "--db", (dir / "x.db").string(), "--config",
                          (dir / "bad.toml").string(), "0"});
    EXPECT_TRUE(exited_with(r.status, 2)) << toml << describe_status(r.status) << " " << r.err;
    EXPECT_EQ(count_of(r.err, "\n"), 1u) << toml << "\"" << r.err << "\"";
  }
}

TEST(ServerCli, UnknownConfigSettingIsOneLineErrorAndExitTwo) {
  TempDir dir;
  dir.write("bad.toml", "no-such-setting = 1\n");
  auto r = run_parleyd({"--users", (dir / "none.txt").string(), "--db", (dir / "x.db").string(), "--config",
                        (dir / "bad.toml").string(), "0"});
  EXPECT_TRUE(exited_with(r.status, 2)) << describe_status(r.status) << " " << r.err;
  EXPECT_EQ(count_of(r.err, "\n"), 1u) << "\"" << r.err << "\"";
  EXPECT_NE(r.err.find("no-such-setting"), std::string::npos) << r.err;
}

TEST(ServerCli, MalformedUsersFileNamesFileAndLine) {
  TempDir dir;
  auto users = (dir / "accounts.txt").string();
  dir.write("accounts.txt", "alice secret\n# a comment\nbob has two words\ncarol swordfish\n");
  auto r = run_parleyd({"--password-hash-cost", "min", "--users", users, "--db", (dir / "x.db").string(), "0"});
  EXPECT_FALSE(exited_with(r.status, 0)) << describe_status(r.status);
  EXPECT_FALSE(WIFSIGNALED(r.status)) << "crashed: " << describe_status(r.status);
  EXPECT_NE(r.err.find(users + ":3"), std::string::npos) << "error should name " << users << ":3; got: " << r.err;
  EXPECT_EQ(r.err.find("listening on"), std::string::npos) << r.err;

  dir.write("accounts.txt", "alice secret\nbad/name pw\n");
  r = run_parleyd({"--password-hash-cost", "min", "--users", users, "--db", (dir / "x.db").string(), "0"});
  EXPECT_FALSE(exited_with(r.status, 0)) << describe_status(r.status);
  EXPECT_NE(r.err.find(users + ":2"), std::string::npos) << r.err;
}

TEST(ServerCli, MalformedDefaultUsersFileNamesItAndLine) {
  TempDir dir;
  dir.write("user_pass.txt", "alice secret\nbob\n");
  // parleyd reads user_pass.txt from its working directory.
  auto r = run_command({"/bin/sh", "-c", "cd \"$0\" && exec \"$1\" --password-hash-cost min 0", dir.path().string(),
                        binary_path("parleyd")},
                       "");
  EXPECT_FALSE(exited_with(r.status, 0)) << describe_status(r.status);
  EXPECT_FALSE(WIFSIGNALED(r.status)) << describe_status(r.status);
  EXPECT_NE(r.err.find("user_pass.txt:2"), std::string::npos) << r.err;
}

TEST(ServerCli, MissingUsersFileGivenWithFlagIsAnError) {
  TempDir dir;
  auto r = run_parleyd(
      {"--password-hash-cost", "min", "--users", (dir / "absent.txt").string(), "--db", (dir / "x.db").string(), "0"});
  EXPECT_FALSE(exited_with(r.status, 0)) << describe_status(r.status);
  EXPECT_NE(r.err.find("absent.txt"), std::string::npos) << r.err;
}

TEST(ServerCli, UsersFileWithCommentsBlankLinesAndCrLf) {
  TempDir dir;
  dir.write("user_pass.txt", "# accounts\r\n\r\nalice secret\r\n  bob\thunter2  \r\n\ncarol swordfish");
  ServerProcess server(dir.path());
  for (auto [user, password] : {std::pair{"alice", "secret"}, {"bob", "hunter2"}, {"carol", "swordfish"}}) {
    LineClient c(server.port());
    EXPECT_NE(c.login(user, password).find("Login successful"), std::string::npos) << user;
  }
}

TEST(ServerCli, DuplicateUsernameInUsersFileIsAnError) {
  TempDir dir;
  auto users = (dir / "u.txt").string();
  dir.write("u.txt", "alice secret\nbob hunter2\nalice other\n");
  auto r = run_parleyd({"--password-hash-cost", "min", "--users", users, "--db", (dir / "x.db").string(), "0"});
  EXPECT_FALSE(exited_with(r.status, 0)) << describe_status(r.status);
  EXPECT_NE(r.err.find(users + ":3"), std::string::npos) << r.err;
}

TEST(ServerCli, UsersFlagReadsAnotherFile) {
  TempDir dir;
  dir.write("user_pass.txt", "alice secret\n");
  dir.write("other.txt", "zed zebra99\n");
  ServerProcess server(dir.path(), {"--users", "other.txt"});
  LineClient c(server.port());
  EXPECT_NE(c.login("zed", "zebra99").find("Login successful"), std::string::npos);
  LineClient d(server.port());
  d.expect("Username: ");
  d.send_line("alice");
  d.expect("Password: ");
  d.send_line("secret");
  EXPECT_EQ(d.expect("\n"), "Error: invalid username or password\n");
}

TEST(ServerCli, PasswordsAreNotStoredInPlaintext) {
  TempDir dir;
  const std::string password = "Plain7extPassw0rdMarker";
  dir.write("user_pass.txt", "alice " + password + "\nbob hunter2\n");
  ServerProcess server(dir.path());
  {
    LineClient c(server.port());
    EXPECT_NE(c.login("alice", password).find("Login successful"), std::string::npos);
    c.command("personalintro something to write");
    c.send_line("logout");
    c.read_until_closed();
  }
  int status = server.stop(SIGTERM);
  EXPECT_TRUE(exited_with(status, 0)) << describe_status(status);
  int files = 0;
  for (auto& entry : std::filesystem::directory_iterator(dir.path())) {
    auto name = entry.path().filename().string();
    if (name.rfind("parley.db", 0) != 0) continue;  // the db and its -wal / -shm files
    ++files;
    auto bytes = support::read_file(entry.path().string());
    EXPECT_EQ(bytes.find(password), std::string::npos) << name << " contains the plaintext password";
  }
  EXPECT_GE(files, 1) << "no parley.db written in the working directory";
  EXPECT_FALSE(server.log_contains(password)) << server.log();
}

TEST(ServerCli, ChangedPasswordInUsersFileReplacesStoredOneAfterRestart) {
  TempDir dir;
  dir.write("user_pass.txt", "alice oldpass1\nbob hunter2\n");
  {
    ServerProcess server(dir.path());
    LineClient c(server.port());
    EXPECT_NE(c.login("alice", "oldpass1").find("Login successful"), std::string::npos);
    server.stop(SIGTERM);
  }
  dir.write("user_pass.txt", "alice newpass2\nbob hunter2\n");
  ServerProcess server(dir.path());
  LineClient c(server.port());
  c.expect("Username: ");
  c.send_line("alice");
  c.expect("Password: ");
  c.send_line("oldpass1");
  EXPECT_EQ(c.expect("Username: "), "Error: invalid username or password\nUsername: ");
  c.send_line("alice");
  c.expect("Password: ");
  c.send_line("newpass2");
  EXPECT_NE(c.expect("Command: ").find("Login successful"), std::string::npos);
}

TEST(ServerCli, ListensOnIpv4AndIpv6ByDefault) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  ServerProcess server(dir.path());
  EXPECT_TRUE(server.log_contains("listening on [::]:")) << server.log();
  LineClient v4(server.port(), "127.0.0.1");
  EXPECT_NE(v4.login("alice", "secret").find("Login successful"), std::string::npos);
  if (!support::ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback here";
  LineClient v6(server.port(), "::1");
  EXPECT_NE(v6.login("bob", "hunter2").find("Login successful"), std::string::npos);
  EXPECT_EQ(v4.command("whoelse"), "The currently online users are:\nbob\nCommand: ");
}

TEST(ServerCli, BindRestrictsTheListeningAddress) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  ServerProcess server(dir.path(), {"--bind", "127.0.0.1"});
  EXPECT_TRUE(server.log_contains("listening on 127.0.0.1:")) << server.log();
  EXPECT_FALSE(server.log_contains("listening on [::]")) << server.log();
  LineClient v4(server.port(), "127.0.0.1");
  EXPECT_NE(v4.login("alice", "secret").find("Login successful"), std::string::npos);
  if (support::ipv6_loopback_available()) {
    EXPECT_THROW(LineClient(server.port(), "::1"), std::runtime_error);
  }
}

TEST(ServerCli, ListenersFromTheConfigFileServeTheSameChat) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  dir.write("parley.toml", "[[listener]]\naddress = \"127.0.0.2\"\nport = 0\nprotocol = \"classic\"\n");
  ServerProcess server(dir.path(), {"--bind", "127.0.0.1", "--config", (dir / "parley.toml").string()});
  std::string line = server.wait_for_log("listening on 127.0.0.2:");
  ASSERT_FALSE(line.empty()) << server.log();
  auto second = static_cast<unsigned short>(std::stoi(line.substr(line.rfind(':') + 1)));
  LineClient first(server.port(), "127.0.0.1");
  first.login("alice", "secret");
  LineClient other(second, "127.0.0.2");
  EXPECT_NE(other.login("bob", "hunter2").find("Login successful"), std::string::npos);
  EXPECT_EQ(other.command("message alice hi"), "Command: ");
  EXPECT_EQ(first.expect("\n"), "bob: hi <private message>\n");
}

TEST(ServerCli, BindToBadAddressFails) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  auto r = run_parleyd({"--password-hash-cost", "min", "--users", (dir / "user_pass.txt").string(), "--db",
                        (dir / "x.db").string(), "--bind", "not-an-address", "0"});
  EXPECT_FALSE(exited_with(r.status, 0)) << describe_status(r.status);
  EXPECT_FALSE(WIFSIGNALED(r.status)) << describe_status(r.status);
  EXPECT_NE(r.err.find("not-an-address"), std::string::npos) << r.err;
}

void check_graceful_shutdown(int sig) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  ServerProcess server(dir.path());
  LineClient alice(server.port());
  alice.login("alice", "secret");
  LineClient bob(server.port());
  bob.login("bob", "hunter2");
  int status = server.stop(sig);
  EXPECT_TRUE(exited_with(status, 0)) << describe_status(status);
  EXPECT_NE(alice.read_until_closed().find("Server is shutting down\n"), std::string::npos);
  EXPECT_NE(bob.read_until_closed().find("Server is shutting down\n"), std::string::npos);
  EXPECT_TRUE(server.log_contains("shutting down on signal")) << server.log();
  EXPECT_TRUE(server.log_contains("shutdown complete")) << server.log();
}

TEST(ServerCli, SigtermTellsOnlineUsersAndExitsZero) { check_graceful_shutdown(SIGTERM); }
TEST(ServerCli, SigintTellsOnlineUsersAndExitsZero) { check_graceful_shutdown(SIGINT); }

TEST(ServerCli, LogsEventsButNeverPasswordsOrMessageText) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  ServerProcess server(dir.path(), {"--login-times", "2"});
  const std::string wrong = "Wr0ngPassw0rdMarker";
  const std::string secret_text = "TopSecretMessageMarker";
  EXPECT_TRUE(server.log_contains("listening on")) << server.log();
  EXPECT_TRUE(server.log_contains("imported user_pass.txt")) << server.log();
  {
    LineClient bob(server.port());
    bob.login("bob", "hunter2");
    LineClient alice(server.port());
    alice.login("alice", "secret");
    EXPECT_FALSE(server.wait_for_log("login user=alice from=127.0.0.1:").empty()) << server.log();
    alice.command("message bob " + secret_text + " one");
    bob.expect(secret_text);
    alice.command("message carol " + secret_text + " two");
    alice.command("broadcast message " + secret_text + " three");
    alice.command("personalintro " + secret_text + " four");
    alice.send_line("logout");
    alice.read_until_closed();
    EXPECT_FALSE(server.wait_for_log("logout user=alice").empty()) << server.log();
  }
  {
    LineClient c(server.port());
    c.expect("Username: ");
    c.send_line("carol");
    c.expect("Password: ");
    c.send_line(wrong);
    c.expect("Username: ");
    EXPECT_FALSE(server.wait_for_log("login failed user=carol").empty()) << server.log();
    c.send_line("carol");
    c.expect("Password: ");
    c.send_line(wrong + "2");
    EXPECT_NE(c.read_until_closed().find("blocked"), std::string::npos);
    EXPECT_FALSE(server.wait_for_log("blocked user=carol").empty()) << server.log();
  }
  {
    LineClient c(server.port());
    c.login("google", "hasglasses");
    server.stop(SIGTERM);
  }
  EXPECT_TRUE(server.log_contains("shutting down on signal")) << server.log();
  EXPECT_TRUE(server.log_contains("shutdown complete")) << server.log();
  auto log = server.log();
  for (const std::string& forbidden :
       {secret_text, wrong, std::string("hunter2"), std::string("hasglasses"), std::string("swordfish")}) {
    EXPECT_EQ(log.find(forbidden), std::string::npos) << "log contains \"" << forbidden << "\":\n" << log;
  }
  // The password of alice's successful login must not show up either.
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
}

}  // namespace
}  // namespace parley::test

namespace parley::test {
namespace {

bool exits_with(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

// A listening socket that holds a port, as another program would.
class PortHolder {
 public:
  explicit PortHolder(bool dual_stack) {
    fd_ = ::socket(dual_stack ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (dual_stack) {
      int off = 0;
      ::setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
      sockaddr_in6 a{};
      a.sin6_family = AF_INET6;
      a.sin6_addr = in6addr_any;
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
    } else {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
    }
    ::listen(fd_, 4);
    sockaddr_storage s{};
    socklen_t len = sizeof s;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&s), &len);
    port_ = ntohs(dual_stack ? reinterpret_cast<sockaddr_in6*>(&s)->sin6_port
                             : reinterpret_cast<sockaddr_in*>(&s)->sin_port);
  }
  ~PortHolder() { ::close(fd_); }
  std::string port() const { return std::to_string(port_); }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

CommandResult parleyd(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {binary_path("parleyd"), "--password-hash-cost", "min", "--db", (dir / "p.db").string()});
  return run_command(args, "");
}

// No file of the users' and no path of Boost's: a plain reason.
void expect_plain_one_line(const CommandResult& r, const std::string& reason) {
  EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
  EXPECT_EQ(count_of(r.err, "critical"), 1u) << r.err;
  EXPECT_EQ(r.err.find("IPv6 unavailable"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("boost"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(".hpp"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("imported"), std::string::npos) << "the users file was hashed first:\n" << r.err;
}

TEST(ServerStartup, VersionIsOneLineAndExitZero) {
  auto r = run_command({binary_path("parleyd"), "--version"}, "");
  EXPECT_TRUE(exits_with(r.status, 0)) << r.err;
  EXPECT_EQ(r.out.rfind("parleyd ", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(ServerStartup, APortInUseIsOneLineAndExitOne) {
  TempDir dir;
  dir.write("u.txt", demo_users());
  {
    PortHolder taken(true);
    auto r = parleyd(dir, {"--users", (dir / "u.txt").string(), taken.port()});
    EXPECT_TRUE(exits_with(r.status, 1)) << r.err;
    expect_plain_one_line(r, "cannot listen on [::]:" + taken.port() + ": Address already in use");
  }
  {
    PortHolder taken(false);
    auto r = parleyd(dir, {"--users", (dir / "u.txt").string(), "--bind", "127.0.0.1", taken.port()});
    EXPECT_TRUE(exits_with(r.status, 1)) << r.err;
    expect_plain_one_line(r, "cannot listen on 127.0.0.1:" + taken.port() + ": Address already in use");
  }
  {
    // The port may come from the config file.
    PortHolder taken(true);
    dir.write("p.toml", "port = " + taken.port() + "\n");
    auto r = parleyd(dir, {"--users", (dir / "u.txt").string(), "--config", (dir / "p.toml").string()});
    EXPECT_TRUE(exits_with(r.status, 1)) << r.err;
    expect_plain_one_line(r, "cannot listen on [::]:" + taken.port() + ": Address already in use");
  }
}

TEST(ServerStartup, ABadBindAddressFailsBeforeAnythingIsHashed) {
  TempDir dir;
  dir.write("u.txt", demo_users());
  auto r = parleyd(dir, {"--users", (dir / "u.txt").string(), "--bind", "not-an-address", "0"});
  EXPECT_TRUE(exits_with(r.status, 2)) << r.err;
  EXPECT_EQ(r.err, "parleyd: bind: not an IP address: 'not-an-address'\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "p.db"));
}

TEST(ServerStartup, AMissingConfigFileIsNamedWithoutAFakePosition) {
  TempDir dir;
  auto missing = (dir / "absent.toml").string();
  auto r = parleyd(dir, {"--config", missing, "0"});
  EXPECT_TRUE(exits_with(r.status, 2)) << r.err;
  EXPECT_EQ(r.err, "parleyd: cannot read config file " + missing + ": No such file or directory\n");
}

TEST(ServerStartup, CheckConfigSaysOkAndTouchesNothing) {
  TempDir dir;
  dir.write("u.txt", demo_users());
  dir.write("p.toml", "port = 4119\nbind = \"127.0.0.1\"\ntimeout = 600\n");
  auto r = parleyd(dir, {"--users", (dir / "u.txt").string(), "--config", (dir / "p.toml").string(), "--check-config"});
  EXPECT_TRUE(exits_with(r.status, 0)) << r.err;
  EXPECT_EQ(r.out, "configuration ok\n");
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "p.db"));
}

TEST(ServerStartup, CheckConfigGivesTheReasonAndExitTwo) {
  TempDir dir;
  dir.write("u.txt", demo_users() + "mallory two words\n");
  dir.write("good.txt", demo_users());
  dir.write("bad.toml", "timeout = \"soon\"\n");
  dir.write("bad.key", "not a key\n");
  auto users = (dir / "u.txt").string();
  auto good = (dir / "good.txt").string();
  struct Case {
    std::vector<std::string> args;
    std::string reason;
  };
  std::vector<Case> cases{
      {{"--users", users}, users + ":9"},
      {{"--users", (dir / "none.txt").string()}, "cannot read users file"},
      {{"--users", good, "--config", (dir / "bad.toml").string()}, "'timeout' must be an integer"},
      {{"--users", good, "--bind", "nowhere"}, "bind: not an IP address"},
      {{"--users", good, "--db", (dir / "no-such-dir" / "p.db").string()}, "does not exist"},
      {{"--users", good, "--tls-port", "0", "--tls-cert", (dir / "bad.key").string(), "--tls-key",
        (dir / "bad.key").string()},
       "cannot load TLS certificate"},
      {{"--users", good, "--control-socket", good}, "the file exists and is not a socket"},
      {{"--users", good, "--control-socket", (dir / std::string(120, 's')).string()}, "the path is longer than"},
  };
  for (auto& c : cases) {
    c.args.insert(c.args.begin(), binary_path("parleyd"));
    if (std::find(c.args.begin(), c.args.end(), "--db") == c.args.end())
      c.args.insert(c.args.end(), {"--db", (dir / "p.db").string()});
    c.args.insert(c.args.end(), {"--check-config", "0"});
    auto r = run_command(c.args, "");
    EXPECT_TRUE(exits_with(r.status, 2)) << c.reason << ": " << r.err;
    EXPECT_NE(r.err.find(c.reason), std::string::npos) << r.err;
    EXPECT_EQ(count_of(r.err, "\n"), 1u) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(ServerStartup, WithNoUsersFileAndNoAccountsItSaysHowToAddOneAndRuns) {
  TempDir dir;
  ServerProcess server(dir.path());
  EXPECT_TRUE(
      server.log_contains("no accounts yet: add one with 'parleyctl user add NAME', or list them in a users "
                          "file (--users FILE"))
      << server.log();
  LineClient c(server.port());
  EXPECT_EQ(c.expect("Username: "), "Username: ");
  EXPECT_TRUE(server.running());
}

}  // namespace
}  // namespace parley::test
