// The server's state on disk: owner-only files, one server per database, an
// empty database file, and a full disk at login. A full disk is made real
// for the server with RLIMIT_FSIZE at the size of its WAL, so that every
// write that grows it fails (EFBIG, as ENOSPC would); SIGXFSZ, which would
// kill the server instead, is ignored by this test process and so by the
// servers it starts.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <csignal>
#include <filesystem>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

using support::count_of;
namespace fs = std::filesystem;

const std::string kKept = "Error: your offline messages cannot be shown now; they are kept for your next login\n";
const std::string kNotStored = "Error: the message could not be stored; please try again\n";

std::string offline_line(const std::string& user) {
  return "(Receiver " + user + " is currently offline, message will be delivered when they log in next time)\n";
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t old_;
};

class ServerDisk : public ServerFixture {
 protected:
  // Offline messages from alice to bob, stored.
  void store_for_bob(LineClient& alice, const std::vector<std::string>& texts) {
    for (auto& t : texts) EXPECT_EQ(alice.command("message bob " + t), offline_line("bob") + kPrompt);
  }
  // From now on the server cannot grow its WAL: a full disk.
  void fill_disk() {
    auto wal = dir_ / "parley.db-wal";
    ASSERT_TRUE(fs::exists(wal));
    rlimit limit{};
    ASSERT_EQ(::prlimit(server_->pid(), RLIMIT_FSIZE, nullptr, &limit), 0);
    limit.rlim_cur = fs::file_size(wal);
    ASSERT_EQ(::prlimit(server_->pid(), RLIMIT_FSIZE, &limit, nullptr), 0);
  }
  void free_disk() {
    rlimit limit{};
    ASSERT_EQ(::prlimit(server_->pid(), RLIMIT_FSIZE, nullptr, &limit), 0);
    limit.rlim_cur = limit.rlim_max;
    ASSERT_EQ(::prlimit(server_->pid(), RLIMIT_FSIZE, &limit, nullptr), 0);
  }
  // bob's login on a full disk: told once, then a normal session.
  void expect_kept_login() {
    LineClient bob(port());
    std::string out = bob.login("bob", "hunter2");
    EXPECT_EQ(out, "Login successful, Welcome to simple chat server!\n" + kKept + kPrompt);
    EXPECT_EQ(bob.command("whoelse"), "The currently online users are:\nalice\n" + kPrompt);
    logout(bob);
  }
  // bob's login with room on the disk: each kept message once, then none.
  void expect_delivered_once(const std::vector<std::string>& texts) {
    std::string out;
    auto bob = user("bob", "hunter2", &out);
    EXPECT_EQ(count_of(out, "Your offline messages:\n"), 1u) << out;
    for (auto& t : texts) EXPECT_EQ(count_of(out, "alice: " + t + " <private message>\n"), 1u) << out;
    EXPECT_EQ(count_of(out, "<private message>"), texts.size()) << out;
    logout(*bob);
    auto again = user("bob", "hunter2", &out);
    EXPECT_EQ(out, "Login successful, Welcome to simple chat server!\n" + kPrompt);
    logout(*again);
  }

  void SetUp() override { old_xfsz_ = std::signal(SIGXFSZ, SIG_IGN); }
  void TearDown() override { std::signal(SIGXFSZ, old_xfsz_); }
  void (*old_xfsz_)(int) = SIG_DFL;
};

TEST_F(ServerDisk, FilesAreOwnerOnlyUnderUmask022) {
  Umask mask(022);
  start();
  auto alice = user("alice", "secret");
  store_for_bob(*alice, {"private"});
  for (const char* name : {"parley.db", "parley.db-wal", "parley.db-shm", "parley.db.lock"}) {
    ASSERT_TRUE(fs::exists(dir_ / name)) << name;
    EXPECT_EQ(mode_of(dir_ / name), 0600u) << name;
  }
}

TEST_F(ServerDisk, OpenDatabaseIsTightenedWithALogLine) {
  Umask mask(0);
  start();
  int status = server_->stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_EQ(::chmod((dir_ / "parley.db").c_str(), 0644), 0);
  start();
  EXPECT_NE(server_->wait_for_log("parley.db was readable by others (mode 0644); it is now 0600"), "");
  EXPECT_EQ(mode_of(dir_ / "parley.db"), 0600u);
}

TEST_F(ServerDisk, SecondServerOnTheSameDatabaseRefusesAndTheFirstServes) {
  start();
  auto alice = user("alice", "secret");
  auto bob = user("bob", "hunter2");
  auto db = (dir_ / "parley.db").string();
  auto second = run_command({binary_path("parleyd"), "--password-hash-cost", "min", "--db", db, "--users",
                             (dir_ / "user_pass.txt").string(), "0"},
                            "");
  EXPECT_TRUE(WIFEXITED(second.status) && WEXITSTATUS(second.status) == 1) << second.status;
  EXPECT_NE(second.err.find("database " + db + " is in use by another parleyd (" + db +
                            ".lock is locked); only one server may use a database"),
            std::string::npos)
      << second.err;
  EXPECT_EQ(second.err.find("listening"), std::string::npos) << second.err;
  // The first server's users keep chatting, live and through the store.
  EXPECT_EQ(alice->command("message bob still here"), kPrompt);
  EXPECT_EQ(bob->expect("<private message>\n"), "alice: still here <private message>\n");
  EXPECT_EQ(alice->command("message carol for later"), offline_line("carol") + kPrompt);
  EXPECT_TRUE(server_->running());
}

TEST_F(ServerDisk, EmptyDatabaseFileIsANewDatabase) {
  dir_.write("parley.db", "");
  start();
  EXPECT_NE(server_->wait_for_log("parley.db is empty (0 bytes); it is set up as a new database"), "");
  auto alice = user("alice", "secret");
  EXPECT_EQ(alice->command("message bob hello"), offline_line("bob") + kPrompt);
}

// A sender is told when a message was not stored; the recipient is told
// their messages are kept; after a restart with room they come once.
TEST_F(ServerDisk, FullDiskAtLoginKeepsTheMessagesForTheNextLogin) {
  start();
  auto alice = user("alice", "secret");
  store_for_bob(*alice, {"one", "two"});
  fill_disk();
  EXPECT_EQ(alice->command("message bob three"), kNotStored + kPrompt);
  expect_kept_login();
  EXPECT_NE(server_->wait_for_log("mailbox kept user=bob"), "");
  alice.reset();
  server_->stop(SIGTERM);
  start();
  alice = user("alice", "secret");
  expect_delivered_once({"one", "two"});
}

// Once there is room again the same server stores and delivers: a failed
// commit leaves nothing behind that fails later reads or writes.
TEST_F(ServerDisk, RoomAgainOnTheSameServerDeliversOnce) {
  start();
  auto alice = user("alice", "secret");
  store_for_bob(*alice, {"one"});
  fill_disk();
  EXPECT_EQ(alice->command("message bob two"), kNotStored + kPrompt);
  expect_kept_login();
  free_disk();
  store_for_bob(*alice, {"three"});
  expect_delivered_once({"one", "three"});
}

}  // namespace
}  // namespace parley::test
