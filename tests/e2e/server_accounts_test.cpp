// Account names ignore case, and the users file's rules: one account given
// in two spellings, and the size limit.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

bool exited_with(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

CommandResult run_parleyd(std::vector<std::string> args) {
  args.insert(args.begin(), {binary_path("parleyd"), "--password-hash-cost", "min"});
  args.push_back("0");
  return run_command(args, "");
}

class ServerAccounts : public ::testing::Test {
 protected:
  void start() {
    dir_.write("user_pass.txt", "Alice secret\nbob hunter2\n");
    server_ = std::make_unique<ServerProcess>(dir_.path());
  }
  std::unique_ptr<LineClient> user(const std::string& name, const std::string& password) {
    auto c = std::make_unique<LineClient>(server_->port());
    EXPECT_NE(c->login(name, password).find("Login successful"), std::string::npos) << name;
    return c;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServerAccounts, EverySpellingLogsIntoTheOneAccountShownAsStored) {
  start();
  auto lower = user("alice", "secret");
  auto upper = user("ALICE", "secret");
  auto bob = user("bob", "hunter2");
  EXPECT_FALSE(server_->wait_for_log("login user=Alice").empty()) << server_->log();
  EXPECT_FALSE(server_->log_contains("user=alice")) << server_->log();
  EXPECT_FALSE(server_->log_contains("user=ALICE")) << server_->log();

  EXPECT_EQ(bob->command("whoelse"), "The currently online users are:\nAlice\nCommand: ");
  EXPECT_EQ(bob->command("wholast 5"), "The users that are online in the last 5 minutes are:\nAlice\nCommand: ");
  EXPECT_EQ(upper->command("whoelse"), "The currently online users are:\nbob\nCommand: ");

  EXPECT_EQ(bob->command("message aLiCe hi"), "Command: ");
  EXPECT_EQ(lower->expect("\n"), "bob: hi <private message>\n");
  EXPECT_EQ(upper->expect("\n"), "bob: hi <private message>\n");
  EXPECT_EQ(upper->command("message BOB yo"), "Command: ");
  EXPECT_EQ(bob->expect("\n"), "Alice: yo <private message>\n");
  EXPECT_EQ(lower->command("message ALICE me"), "Error: you cannot send a message to yourself\nCommand: ");

  EXPECT_EQ(bob->command("broadcast user ALICE alice message both"), "Command: ");
  EXPECT_EQ(lower->expect("\n"), "bob: both <broadcast message>\n");  // once, though named twice
  EXPECT_EQ(upper->expect("\n"), "bob: both <broadcast message>\n");
  EXPECT_EQ(lower->command("whoelse"), "The currently online users are:\nbob\nCommand: ");

  lower->send_line("logout");
  lower->read_until_closed();
  upper->send_line("logout");
  upper->read_until_closed();
  EXPECT_EQ(bob->command("message ALICE later"),
            "(Receiver Alice is currently offline, message will be delivered when they log in next time)\n"
            "Command: ");
  auto again = std::make_unique<LineClient>(server_->port());
  EXPECT_NE(again->login("aLICE", "secret").find("] bob: later <private message>\n"), std::string::npos);
}

TEST_F(ServerAccounts, LockoutCountsEverySpellingFromOneAddressTogether) {
  start();
  LineClient c(server_->port());
  for (const char* name : {"Alice", "alice"}) {
    c.expect("Username: ");
    c.send_line(name);
    c.expect("Password: ");
    c.send_line("wrong");
    EXPECT_EQ(c.expect("\n"), "Error: invalid username or password\n") << name;
  }
  c.expect("Username: ");
  c.send_line("ALICE");
  c.expect("Password: ");
  c.send_line("wrong");
  EXPECT_EQ(c.expect("\n"), "Error: too many failed attempts; Alice is blocked from this address for 60 seconds\n");
  LineClient d(server_->port());
  d.expect("Username: ");
  d.send_line("aLiCe");
  std::string rest = d.read_until_closed();
  EXPECT_EQ(rest.rfind("Error: Alice is blocked from this address; try again in ", 0), 0u) << rest;
}

TEST(ServerUsersFile, OneAccountInTwoSpellingsIsRefusedNamingBothLines) {
  TempDir dir;
  auto users = (dir / "u.txt").string();
  dir.write("u.txt", "Alice secret\nbob hunter2\nalice other\n");
  auto r = run_parleyd({"--users", users, "--db", (dir / "x.db").string()});
  EXPECT_TRUE(exited_with(r.status, 1)) << r.err;
  EXPECT_NE(r.err.find(users + ":3: username 'alice' is the same account as 'Alice' on line 1 (names ignore case)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("listening on"), std::string::npos) << r.err;
}

TEST(ServerUsersFile, PasswordLongerThanALineIsRefused) {
  TempDir dir;
  auto users = (dir / "u.txt").string();
  dir.write("u.txt", "alice secret\nbob " + std::string(8193, 'p') + "\n");
  auto r = run_parleyd({"--users", users, "--db", (dir / "x.db").string()});
  EXPECT_TRUE(exited_with(r.status, 1)) << r.err;
  EXPECT_NE(r.err.find(users + ":2: password longer than 8192 bytes"), std::string::npos) << r.err;
}

TEST(ServerUsersFile, LargerThanTheLimitIsRefused) {
  TempDir dir;
  auto users = (dir / "u.txt").string();
  dir.write("u.txt", "alice secret\nbob hunter2\n");  // 25 bytes
  auto r = run_parleyd({"--users", users, "--db", (dir / "x.db").string(), "--users-file-max", "24"});
  EXPECT_TRUE(exited_with(r.status, 1)) << r.err;
  EXPECT_NE(r.err.find(users + ": the file is larger than 24 bytes (users-file-max)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("listening on"), std::string::npos) << r.err;

  dir.write("parley.toml", "users-file-max = 24\n");
  r = run_parleyd({"--users", users, "--db", (dir / "x.db").string(), "--config", (dir / "parley.toml").string()});
  EXPECT_TRUE(exited_with(r.status, 1)) << r.err;
  EXPECT_NE(r.err.find("larger than 24 bytes"), std::string::npos) << r.err;

  ServerProcess fits(dir.path(), {"--users", "u.txt", "--users-file-max", "25"});
  LineClient c(fits.port());
  EXPECT_NE(c.login("bob", "hunter2").find("Login successful"), std::string::npos);
}

TEST(ServerUsersFile, DefaultLimitIs64MiB) {
  TempDir dir;
  auto users = (dir / "u.txt").string();
  {
    std::ofstream out(users, std::ios::binary);
    out << "alice secret\n";
    std::string comment = "# " + std::string(4093, 'x') + "\n";  // 4 KiB
    for (int i = 0; i < 16 * 1024; ++i) out << comment;          // 64 MiB of comments, then one byte more
  }
  auto r = run_parleyd({"--users", users, "--db", (dir / "x.db").string()});
  EXPECT_TRUE(exited_with(r.status, 1)) << r.err;
  EXPECT_NE(r.err.find("larger than 67108864 bytes (users-file-max)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace parley::test
