// The SQLite store's files on disk: owner-only whatever the umask, older
// loose modes tightened, an empty file taken as a new database, one process
// at a time through DatabaseLock, and a full disk (RLIMIT_FSIZE) that fails
// writes without failing the reads that share their transaction.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>

#include "store/database_lock.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

template <class T>
struct Waiter {
  std::promise<store::Result<T>> promise;
  store::Callback<T> callback() {
    return [this](store::Result<T> r) { promise.set_value(std::move(r)); };
  }
  store::Result<T> get() { return promise.get_future().get(); }
};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  for (auto& l : lines)
    if (l.find(text) != std::string::npos) return true;
  return false;
}

core::ChatMessage message(const std::string& text) {
  core::ChatMessage m;
  m.sender = "bob";
  m.text = text;
  m.kind = core::MessageKind::private_message;
  m.sent_at = core::TimePoint{std::chrono::seconds(1'800'000'000)};
  return m;
}

// Sets the umask for one scope.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t old_;
};

class SqliteStoreFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "parley-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_ = (dir_ / "test.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Two accounts, alice (the first) and bob.
  static std::vector<store::AccountRecord> add_accounts(store::SqliteStore& s) {
    return s.save_accounts({{"alice", "hash-a"}, {"bob", "hash-b"}}, {});
  }
  static bool save(store::SqliteStore& s, store::AccountId to, store::AccountId from, const std::string& text) {
    Waiter<store::Done> w;
    s.save_direct({to}, from, message(text), w.callback());
    return w.get().ok();
  }

  fs::path dir_;
  std::string db_;
};

void expect_owner_only(const std::string& db) {
  store::SqliteStore s(db);
  auto accounts = s.save_accounts({{"alice", "hash"}}, {});
  s.flush();
  // While the store is open its WAL and shared-memory files exist.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    ASSERT_TRUE(fs::exists(db + suffix)) << db + suffix;
    EXPECT_EQ(mode_of(db + suffix), 0600u) << db + suffix;
  }
}

TEST_F(SqliteStoreFilesTest, FilesAreOwnerOnlyUnderUmask022) {
  Umask mask(022);
  expect_owner_only(db_);
}

TEST_F(SqliteStoreFilesTest, FilesAreOwnerOnlyUnderUmask000) {
  Umask mask(0);
  expect_owner_only(db_);
}

TEST_F(SqliteStoreFilesTest, LooserModesOfAnExistingDatabaseAreTightened) {
  { store::SqliteStore s(db_); }
  ASSERT_EQ(::chmod(db_.c_str(), 0644), 0);
  std::ofstream(db_ + "-wal").close();  // an empty WAL, as a crash may leave
  ASSERT_EQ(::chmod((db_ + "-wal").c_str(), 0666), 0);
  store::SqliteStore s(db_);
  EXPECT_TRUE(contains(s.open_notes(), db_ + " was readable by others (mode 0644); it is now 0600"));
  EXPECT_TRUE(contains(s.open_notes(), db_ + "-wal was readable by others (mode 0666); it is now 0600"));
  EXPECT_EQ(mode_of(db_), 0600u);
  EXPECT_EQ(mode_of(db_ + "-wal"), 0600u);
}

TEST_F(SqliteStoreFilesTest, PrivateDatabaseNeedsNoNote) {
  { store::SqliteStore s(db_); }
  store::SqliteStore s(db_);
  EXPECT_TRUE(s.open_notes().empty());
}

TEST_F(SqliteStoreFilesTest, EmptyFileIsANewDatabase) {
  std::ofstream(db_).close();
  ASSERT_EQ(fs::file_size(db_), 0u);
  store::SqliteStore s(db_);
  EXPECT_TRUE(contains(s.open_notes(), db_ + " is empty (0 bytes); it is set up as a new database"));
  add_accounts(s);
  EXPECT_EQ(s.load_accounts().size(), 2u);
}

TEST_F(SqliteStoreFilesTest, LockIsExclusiveAndOwnerOnly) {
  Umask mask(0);
  {
    store::DatabaseLock first(db_);
    EXPECT_EQ(mode_of(store::DatabaseLock::lock_path(db_)), 0600u);
    try {
      store::DatabaseLock second(db_);
      ADD_FAILURE() << "a second lock was granted";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "database " + db_ + " is in use by another parleyd (" + db_ +
                                           ".lock is locked); only one server may use a database");
    }
  }
  store::DatabaseLock again(db_);  // released with its holder
}

TEST_F(SqliteStoreFilesTest, LooseLockFileIsTightened) {
  std::ofstream(store::DatabaseLock::lock_path(db_)).close();
  ASSERT_EQ(::chmod(store::DatabaseLock::lock_path(db_).c_str(), 0644), 0);
  store::DatabaseLock lock(db_);
  EXPECT_EQ(mode_of(store::DatabaseLock::lock_path(db_)), 0600u);
}

// Every write that would grow a file fails, as on a full disk, while the
// process lives: writes are refused with EFBIG instead of SIGXFSZ.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    old_signal_ = std::signal(SIGXFSZ, SIG_IGN);
    EXPECT_EQ(::getrlimit(RLIMIT_FSIZE, &old_), 0);
    rlimit limit = old_;
    limit.rlim_cur = bytes;
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  }
  ~FileSizeLimit() { lift(); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  void lift() {
    if (lifted_) return;
    lifted_ = true;
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &old_), 0);
    std::signal(SIGXFSZ, old_signal_);
  }

 private:
  rlimit old_{};
  void (*old_signal_)(int) = SIG_DFL;
  bool lifted_ = false;
};

// A login's writes and mailbox read on a full disk, in one group commit: the
// writes fail, the read still answers (and says writes are failing), and
// everything works again once there is room.
TEST_F(SqliteStoreFilesTest, FailedGroupCommitDoesNotFailItsReads) {
  store::SqliteStore s(db_);
  auto accounts = add_accounts(s);
  auto alice = accounts[0].id;
  auto bob = accounts[1].id;
  ASSERT_TRUE(save(s, alice, bob, "one"));
  ASSERT_TRUE(save(s, alice, bob, "two"));
  s.flush();
  ASSERT_TRUE(fs::exists(db_ + "-wal"));
  auto size = fs::file_size(db_ + "-wal");  // the file a commit grows

  // Hold the store thread so that what follows is queued and committed together.
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  s.set_intro(bob, "busy", [&entered, released](store::Result<store::Done>) {
    entered.set_value();
    released.wait();
  });
  entered.get_future().wait();
  Waiter<store::Done> seen, sent;
  Waiter<store::MailboxPage> page;
  FileSizeLimit full(static_cast<rlim_t>(size));
  s.set_last_seen(alice, core::TimePoint{std::chrono::seconds(1'800'000'100)}, seen.callback());
  s.fetch_mailbox(alice, 0, 10, page.callback());
  s.save_direct({alice}, bob, message("three"), sent.callback());
  release.set_value();

  EXPECT_FALSE(seen.get().ok());
  EXPECT_FALSE(sent.get().ok()) << "a write on a full disk was reported stored";
  auto first = page.get();
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first.value().messages.size(), 2u);
  EXPECT_TRUE(first.value().writes_failing);

  full.lift();
  ASSERT_TRUE(save(s, alice, bob, "four"));
  Waiter<store::MailboxPage> again;
  s.fetch_mailbox(alice, 0, 10, again.callback());
  auto second = again.get();
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_FALSE(second.value().writes_failing);
  std::vector<std::string> texts;
  for (auto& m : second.value().messages) texts.push_back(m.message.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"one", "two", "four"}));
  Waiter<store::Done> ack;
  s.ack_mailbox(alice, second.value().upto, ack.callback());
  ASSERT_TRUE(ack.get().ok());
  Waiter<store::MailboxPage> empty;
  s.fetch_mailbox(alice, 0, 10, empty.callback());
  EXPECT_TRUE(empty.get().value().messages.empty());
}

}  // namespace
