// Reload on SIGHUP: the config file, the users file and the TLS files are
// read again; what can change at run time changes for new and open
// connections, nobody is dropped, and a bad file changes nothing.
#include <gtest/gtest.h>
#include <signal.h>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using support::count_of;

class ServerReload : public ServerFixture {
 protected:
  void start_with_config(const std::string& toml, std::vector<std::string> more = {}) {
    dir_.write("parley.toml", toml);
    std::vector<std::string> args{"--config", (dir_ / "parley.toml").string()};
    args.insert(args.end(), more.begin(), more.end());
    start(std::move(args));
  }
  // Sends SIGHUP and returns the end of the reload, the n-th since the
  // start: "SIGHUP: reload done: ..." or "SIGHUP: reload refused: ...".
  std::string reload(std::size_t nth) {
    kill(server_->pid(), SIGHUP);
    auto line = server_->wait_for_nth_log("SIGHUP: reload ", nth);
    EXPECT_FALSE(line.empty()) << "no end of reload " << nth << " in the log:\n" << server_->log();
    auto at = line.find("SIGHUP: reload ");
    return at == std::string::npos ? line : line.substr(at);
  }
  std::string config_path() const { return (dir_ / "parley.toml").string(); }
  std::string welcome_of_new_login(const std::string& name, const std::string& password) {
    LineClient c(port());
    auto out = c.login(name, password);
    logout(c);
    return out;
  }
  // The connection still chats both ways.
  static void expect_chatting(LineClient& from, LineClient& to, const std::string& text) {
    EXPECT_EQ(from.command("message bob " + text), kPrompt);
    EXPECT_EQ(to.expect("\n"), "alice: " + text + " <private message>\n");
  }
};

TEST_F(ServerReload, ChangedSettingsTakeEffectAndNobodyIsDropped) {
  start_with_config("welcome = \"first\"\nlast-hour = 60\nmax-connections-per-address = 50\n");
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  EXPECT_EQ(alice->command("wholast 8").find("Error"), std::string::npos);

  dir_.write("parley.toml", "welcome = \"second\"\nlast-hour = 7\nmax-connections-per-address = 3\n");
  EXPECT_EQ(reload(1), "SIGHUP: reload done: 3 settings changed, 0 need a restart");
  EXPECT_TRUE(server_->log_contains("SIGHUP: welcome: \"first\" -> \"second\"")) << server_->log();
  EXPECT_TRUE(server_->log_contains("SIGHUP: last-hour: 60 -> 7")) << server_->log();
  EXPECT_TRUE(server_->log_contains("SIGHUP: max-connections-per-address: 50 -> 3")) << server_->log();

  // Open connections stay, and take what applies to them.
  expect_chatting(*alice, *bob, "still here");
  EXPECT_EQ(alice->command("wholast 8"), "Error: wholast takes a whole number of minutes from 0 to 7\nCommand: ");
  // New logins get the new welcome; a fourth connection from the address is refused.
  std::string out;
  auto carol = user("carol", "swordfish", &out);
  EXPECT_NE(out.find("Login successful, second\n"), std::string::npos) << out;
  LineClient fourth(port());
  EXPECT_EQ(fourth.read_until_closed(), "Error: too many connections from your address\n");
  expect_chatting(*alice, *bob, "and still");
  EXPECT_FALSE(server_->log_contains("disconnect user=alice")) << server_->log();
}

TEST_F(ServerReload, AShorterIdleTimeoutReachesOpenSessions) {
  start_with_config("timeout = 1800\n");
  auto alice = user("alice", "secret");
  dir_.write("parley.toml", "timeout = 1\n");
  EXPECT_EQ(reload(1), "SIGHUP: reload done: 1 setting changed, 0 need a restart");
  EXPECT_EQ(alice->read_until_closed(),
            "You will be logged out in 1 seconds unless you send something\n"
            "You have been logged out after 1 seconds of inactivity\n");
}

TEST_F(ServerReload, FloodPacingChangesForOpenSessions) {
  start_with_config("flood-rate = 0\n");
  auto alice = user("alice", "secret");
  dir_.write("parley.toml", "flood-rate = 1\nflood-burst = 1\n");
  EXPECT_EQ(reload(1), "SIGHUP: reload done: 2 settings changed, 0 need a restart");
  for (int i = 0; i < 3; ++i) alice->command("whoelse");
  EXPECT_FALSE(server_->wait_for_log("flood pacing user=alice").empty()) << server_->log();
}

TEST_F(ServerReload, ABrokenConfigIsRefusedAndTheRunningOneKept) {
  start_with_config("welcome = \"first\"\n");
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  std::size_t reloads = 0;
  for (const char* bad : {"welcome = \"second\"\ntimeout = \"abc\"\n", "welcome = \n",
                          "welcome = \"second\"\ntimeout = 0\n", "welcome = \"second\"\nno-such-setting = 1\n"}) {
    dir_.write("parley.toml", bad);
    auto line = reload(++reloads);
    EXPECT_EQ(line.rfind("SIGHUP: reload refused: ", 0), 0u) << bad << ": " << line;
    EXPECT_NE(line.find("; the running settings are kept"), std::string::npos) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
  }
  EXPECT_TRUE(server_->log_contains("SIGHUP: reload refused: " + config_path() + ": 'timeout' must be an integer"))
      << server_->log();
  EXPECT_TRUE(server_->log_contains("SIGHUP: reload refused: " + config_path() + ":1:")) << server_->log();
  std::filesystem::remove(dir_ / "parley.toml");
  auto line = reload(++reloads);
  EXPECT_NE(line.find("reload refused: cannot read config file " + config_path() + ": No such file or directory"),
            std::string::npos)
      << line;
  // A good config with a broken users file: nothing changes, not even the welcome.
  dir_.write("parley.toml", "welcome = \"second\"\n");
  dir_.write("user_pass.txt", demo_users() + "mallory two words\n");
  line = reload(++reloads);
  EXPECT_NE(line.find("reload refused: user_pass.txt:"), std::string::npos) << line;
  EXPECT_EQ(count_of(server_->log(), "reload refused"), reloads);

  expect_chatting(*alice, *bob, "still here");
  EXPECT_NE(welcome_of_new_login("carol", "swordfish").find("Login successful, first\n"), std::string::npos);
  EXPECT_TRUE(server_->running());

  // Once fixed, the next reload takes it.
  dir_.write("user_pass.txt", demo_users());
  EXPECT_EQ(reload(++reloads), "SIGHUP: reload done: 1 setting changed, 0 need a restart");
  EXPECT_NE(welcome_of_new_login("carol", "swordfish").find("Login successful, second\n"), std::string::npos);
}

TEST_F(ServerReload, TheCommandLineStillWinsOverTheFile) {
  start_with_config("welcome = \"from the file\"\n", {"--welcome", "from the flag"});
  dir_.write("parley.toml", "welcome = \"changed file\"\n");
  EXPECT_EQ(reload(1), "SIGHUP: reload done: 0 settings changed, 0 need a restart");
  EXPECT_NE(welcome_of_new_login("alice", "secret").find("Login successful, from the flag\n"), std::string::npos);
}

TEST_F(ServerReload, SettingsThatNeedARestartAreReportedAndKept) {
  start_with_config("threads = 2\n");
  auto alice = user("alice", "secret");
  dir_.write("parley.toml", "threads = 3\ndb = \"other.db\"\n");
  EXPECT_EQ(reload(1), "SIGHUP: reload done: 0 settings changed, 2 need a restart");
  EXPECT_FALSE(server_->wait_for_log("SIGHUP: threads: 2 -> 3 needs a restart; 2 kept").empty()) << server_->log();
  EXPECT_TRUE(server_->log_contains("SIGHUP: db: \"parley.db\" -> \"other.db\" needs a restart; \"parley.db\" kept"))
      << server_->log();
  EXPECT_NE(alice->command("whoelse").find("online users"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "other.db"));
}

TEST_F(ServerReload, AChangedUsersFileLineChangesThatPassword) {
  start();  // no config file: the users file is read again all the same
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  auto users = demo_users();
  auto at = users.find("alice secret\n");
  ASSERT_NE(at, std::string::npos) << users;
  users.replace(at, std::string("alice secret\n").size(), "alice n3wSecret\n");
  dir_.write("user_pass.txt", users + "zed zebra99\n");
  EXPECT_EQ(reload(1), "SIGHUP: reload done: 0 settings changed, 0 need a restart");
  EXPECT_TRUE(server_->log_contains("SIGHUP: imported user_pass.txt: 1 created, 1 updated")) << server_->log();

  LineClient old_password(port());
  old_password.expect("Username: ");
  old_password.send_line("alice");
  old_password.expect("Password: ");
  old_password.send_line("secret");
  EXPECT_EQ(old_password.expect("Username: "), "Error: invalid username or password\nUsername: ");
  EXPECT_NE(welcome_of_new_login("alice", "n3wSecret").find("Login successful"), std::string::npos);
  EXPECT_NE(welcome_of_new_login("zed", "zebra99").find("Login successful"), std::string::npos);
  // The session that logged in with the old password ends, as after
  // `parleyctl user passwd`; the others stay.
  EXPECT_EQ(alice->read_until_closed(),
            "Your password has been changed by the server administrator; please log in again\n");
  EXPECT_EQ(bob->command("whoelse"), "The currently online users are:\n(Not found)\nCommand: ");

  EXPECT_EQ(reload(2), "SIGHUP: reload done: 0 settings changed, 0 need a restart");
  EXPECT_TRUE(server_->log_contains("SIGHUP: user_pass.txt unchanged since the last import")) << server_->log();
}

}  // namespace
}  // namespace parley::test
