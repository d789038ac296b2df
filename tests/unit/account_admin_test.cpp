// Account administration and the users file's rules, through the chat
// rules and a real SQLite store: file and parleyctl accounts, disabling,
// deleting, and what online users see.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <future>

#include "core/chat_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace parley;
using core::AccountManager;
using core::AdminEnd;
using core::AdminStatus;

namespace {

class Recorder : public core::Participant {
 public:
  void deliver(core::EnvelopePtr envelope) override {
    std::lock_guard lock(mutex);
    messages.push_back(envelope->message().sender + ": " + envelope->message().text);
  }
  void notice(std::shared_ptr<const std::string> text) override {
    std::lock_guard lock(mutex);
    notices.push_back(*text);
  }
  void end_by_admin(AdminEnd why) override {
    std::lock_guard lock(mutex);
    ended.push_back(why);
  }
  std::string peer() const override { return "127.0.0.1:5555"; }
  core::TimePoint since() const override { return core::TimePoint{std::chrono::seconds(1000)}; }
  std::mutex mutex;
  std::vector<std::string> messages;
  std::vector<std::string> notices;
  std::vector<AdminEnd> ended;
};

class AccountAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "parley-unit-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    open();
  }
  void TearDown() override {
    chat_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string db() const { return (dir_ / "test.db").string(); }
  void open() {
    chat_.reset();
    store_.reset();
    store_ = std::make_unique<store::SqliteStore>(db());
    core::ChatSettings settings;
    settings.hash_cost = core::HashCost::minimal;
    chat_ = std::make_unique<core::ChatService>(*store_, clock_, settings);
    chat_->load();
  }
  std::shared_ptr<Recorder> join(const std::string& user, std::vector<std::string>* mailbox = nullptr) {
    auto p = std::make_shared<Recorder>();
    std::promise<store::Result<store::MailboxPage>> page;
    EXPECT_TRUE(chat_->join(user, p, 100, [&](store::Result<store::MailboxPage> r) { page.set_value(std::move(r)); }));
    auto r = page.get_future().get();
    EXPECT_TRUE(r.ok());
    if (mailbox)
      for (auto& m : r.value().messages) mailbox->push_back(m.message.sender + ": " + m.message.text);
    return p;
  }
  void store_for(const std::string& from, const std::string& to, const std::string& text) {
    std::promise<void> stored;
    ASSERT_EQ(chat_->send_private(from, to, text, [&](auto) { stored.set_value(); }), core::SendStatus::storing);
    stored.get_future().wait();
  }
  const core::AccountInfo* info(const std::string& name, const std::vector<core::AccountInfo>& list) {
    for (auto& a : list)
      if (a.name == name) return &a;
    return nullptr;
  }

  std::filesystem::path dir_;
  core::ManualClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<core::ChatService> chat_;
};

}  // namespace

TEST_F(AccountAdminTest, AddedAccountsLogInAndBelongToParleyctl) {
  auto r = chat_->add_account("Alice", "a-pass");
  EXPECT_EQ(r.status, AdminStatus::ok);
  EXPECT_TRUE(chat_->check_password("alice", "a-pass"));
  EXPECT_EQ(chat_->add_account("ALICE", "other").status, AdminStatus::exists);
  EXPECT_EQ(chat_->add_account("bad name", "x").status, AdminStatus::bad_name);
  EXPECT_EQ(chat_->add_account("", "x").status, AdminStatus::bad_name);
  EXPECT_EQ(chat_->add_account(std::string(33, 'a'), "x").status, AdminStatus::bad_name);
  EXPECT_EQ(chat_->add_account("bob", "").status, AdminStatus::bad_password);
  EXPECT_EQ(chat_->add_account("bob", "has space").status, AdminStatus::bad_password);
  EXPECT_EQ(chat_->add_account("bob", "bell\a").status, AdminStatus::bad_password);
  open();  // durable, with its manager
  auto list = chat_->list_accounts();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "Alice");
  EXPECT_EQ(list[0].manager, AccountManager::parleyctl);
  EXPECT_FALSE(list[0].disabled);
  EXPECT_TRUE(chat_->check_password("alice", "a-pass"));
}

TEST_F(AccountAdminTest, ChangingAPasswordEndsTheSessionsAndTheOldOneFails) {
  chat_->import_users({{"alice", "old", 1}});
  auto phone = join("alice");
  auto laptop = join("alice");
  auto r = chat_->change_password("ALICE", "new");
  EXPECT_EQ(r.status, AdminStatus::ok);
  EXPECT_EQ(r.name, "alice");
  EXPECT_EQ(r.manager, AccountManager::file);  // what it was
  EXPECT_EQ(r.ended, 2u);
  EXPECT_EQ(phone->ended, std::vector<AdminEnd>{AdminEnd::password_changed});
  EXPECT_EQ(laptop->ended, std::vector<AdminEnd>{AdminEnd::password_changed});
  EXPECT_EQ(chat_->online_count(), 0u);  // offline at once
  EXPECT_FALSE(chat_->check_password("alice", "old"));
  EXPECT_TRUE(chat_->check_password("alice", "new"));
  EXPECT_EQ(chat_->list_accounts()[0].manager, AccountManager::parleyctl);
  EXPECT_EQ(chat_->change_password("nobody", "x").status, AdminStatus::unknown_user);
  EXPECT_EQ(chat_->change_password("alice", "two words").status, AdminStatus::bad_password);
  open();
  EXPECT_TRUE(chat_->check_password("alice", "new"));
}

// A login whose check verified the old password before `user passwd`, or
// an account deleted and made again meanwhile, does not get in.
TEST_F(AccountAdminTest, ALoginCheckedBeforeAPasswordChangeDoesNotJoin) {
  ASSERT_EQ(chat_->add_account("alice", "old").status, AdminStatus::ok);
  core::Credential checked = 0;
  ASSERT_TRUE(chat_->check_password("alice", "old", &checked));
  ASSERT_EQ(chat_->change_password("alice", "new").status, AdminStatus::ok);
  EXPECT_FALSE(chat_->join("alice", std::make_shared<Recorder>(), 10, nullptr, checked));

  ASSERT_TRUE(chat_->check_password("alice", "new", &checked));
  ASSERT_EQ(chat_->delete_account("alice").status, AdminStatus::ok);
  ASSERT_EQ(chat_->add_account("alice", "new").status, AdminStatus::ok);
  EXPECT_FALSE(chat_->join("alice", std::make_shared<Recorder>(), 10, nullptr, checked));

  // A check of the password as it is now joins.
  ASSERT_TRUE(chat_->check_password("alice", "new", &checked));
  std::promise<void> page;
  EXPECT_TRUE(chat_->join(
      "alice", std::make_shared<Recorder>(), 10, [&](auto) { page.set_value(); }, checked));
  page.get_future().wait();
}

TEST_F(AccountAdminTest, DeletingRemovesTheAccountAndItsMailboxButNotWhatItSent) {
  chat_->import_users({{"alice", "a", 1}, {"bob", "b", 2}, {"carol", "c", 3}});
  store_for("bob", "alice", "for alice");
  store_for("alice", "carol", "from alice");
  std::promise<void> stored;
  chat_->broadcast_all("carol", "to all", [&](auto) { stored.set_value(); });
  stored.get_future().wait();
  auto session = join("alice");
  auto r = chat_->delete_account("alice");
  EXPECT_EQ(r.status, AdminStatus::ok);
  EXPECT_EQ(r.manager, AccountManager::file);
  EXPECT_EQ(session->ended, std::vector<AdminEnd>{AdminEnd::deleted});
  EXPECT_FALSE(chat_->exists("alice"));
  EXPECT_FALSE(chat_->check_password("alice", "a"));
  EXPECT_EQ(chat_->delete_account("alice").status, AdminStatus::unknown_user);
  // What alice's session may still do does not reach a deleted account.
  EXPECT_FALSE(chat_->join("alice", std::make_shared<Recorder>(), 10, nullptr));
  chat_->leave("alice", session.get());

  // A new alice is a new account: nothing waits for her, not even the broadcast.
  EXPECT_EQ(chat_->add_account("alice", "a2").status, AdminStatus::ok);
  std::vector<std::string> mailbox;
  join("alice", &mailbox);
  EXPECT_TRUE(mailbox.empty());
  std::vector<std::string> carols;
  join("carol", &carols);
  EXPECT_EQ(carols, std::vector<std::string>{"alice: from alice"});

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(this->db().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  // No row waits for a deleted account's id, and ids are not reused.
  sqlite3_prepare_v2(db,
                     "SELECT (SELECT count(*) FROM messages WHERE recipient_id NOT IN (SELECT id FROM accounts)), "
                     "(SELECT count(*) FROM broadcast_seen WHERE account_id NOT IN (SELECT id FROM accounts)), "
                     "(SELECT id FROM accounts WHERE name = 'alice')",
                     -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);
  EXPECT_EQ(sqlite3_column_int(st, 1), 0);
  EXPECT_EQ(sqlite3_column_int(st, 2), 4);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(AccountAdminTest, ADeletedUsersLateCallsDoNotThrow) {
  chat_->import_users({{"alice", "a", 1}, {"bob", "b", 2}});
  auto session = join("alice");
  chat_->delete_account("alice");
  std::promise<void> answered;
  EXPECT_EQ(chat_->send_private("alice", "bob", "late", [&](auto) { answered.set_value(); }),
            core::SendStatus::storing);
  answered.get_future().wait();
  std::promise<bool> intro;
  chat_->set_intro("alice", "hi", [&](store::Result<store::Done> r) { intro.set_value(r.ok()); });
  EXPECT_FALSE(intro.get_future().get());
  chat_->ack_mailbox("alice", 10, nullptr);
  chat_->leave("alice", session.get());
  std::vector<std::string> mailbox;
  join("bob", &mailbox);
  EXPECT_EQ(mailbox, std::vector<std::string>{"alice: late"});
}

TEST_F(AccountAdminTest, ListWhoKickAndNotice) {
  chat_->import_users({{"bob", "b", 1}, {"alice", "a", 2}});
  chat_->add_account("Carol", "c");
  auto a = join("alice");
  auto b1 = join("bob");
  auto b2 = join("bob");
  auto list = chat_->list_accounts();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].name, "alice");
  EXPECT_EQ(list[1].name, "bob");
  EXPECT_EQ(list[2].name, "Carol");
  EXPECT_TRUE(list[0].online);
  EXPECT_FALSE(list[2].online);
  EXPECT_TRUE(list[0].last_seen.has_value());
  EXPECT_FALSE(list[2].last_seen.has_value());
  EXPECT_EQ(list[2].manager, AccountManager::parleyctl);

  auto who = chat_->who();
  ASSERT_EQ(who.size(), 3u);
  EXPECT_EQ(who[0].name, "alice");
  EXPECT_EQ(who[1].name, "bob");
  EXPECT_EQ(who[0].peer, "127.0.0.1:5555");
  EXPECT_EQ(chat_->connection_count(), 3u);

  EXPECT_EQ(chat_->notice("  the server \x1b[31mrestarts\a at noon  "), 3u);
  EXPECT_EQ(a->notices, std::vector<std::string>{"the server restarts at noon"});
  EXPECT_EQ(b2->notices, a->notices);
  EXPECT_EQ(chat_->notice(" \a "), std::nullopt);

  auto k = chat_->kick("BOB");
  EXPECT_EQ(k.status, AdminStatus::ok);
  EXPECT_EQ(k.ended, 2u);
  EXPECT_EQ(b1->ended, std::vector<AdminEnd>{AdminEnd::kicked});
  EXPECT_TRUE(a->ended.empty());
  EXPECT_EQ(chat_->kick("bob").ended, 0u);
  EXPECT_EQ(chat_->kick("nobody").status, AdminStatus::unknown_user);
  EXPECT_TRUE(chat_->check_password("bob", "b"));  // a kick is not a ban
}

TEST_F(AccountAdminTest, FileAccountsMissingFromTheFileAreDisabledAndComeBack) {
  chat_->import_users({{"alice", "a", 1}, {"bob", "b", 2}});
  auto bob = join("bob");
  chat_->leave("bob", bob.get());
  store_for("alice", "bob", "waiting");
  std::promise<void> saved;
  chat_->set_intro("bob", "hello", [&](auto) { saved.set_value(); });
  saved.get_future().wait();
  auto online = join("bob");

  auto stats = chat_->import_users({{"alice", "a", 1}});
  EXPECT_EQ(stats.disabled, 1u);
  EXPECT_EQ(stats.ended, 1u);
  EXPECT_EQ(online->ended, std::vector<AdminEnd>{AdminEnd::disabled});
  // Refused exactly like a wrong password.
  EXPECT_FALSE(chat_->check_password("bob", "b"));
  EXPECT_FALSE(chat_->join("bob", std::make_shared<Recorder>(), 10, nullptr));
  EXPECT_TRUE(chat_->exists("bob"));
  open();
  EXPECT_FALSE(chat_->check_password("bob", "b"));
  auto list = chat_->list_accounts();
  EXPECT_TRUE(info("bob", list)->disabled);
  EXPECT_FALSE(info("alice", list)->disabled);

  // Back in the file, with that line's password; intro and mailbox kept.
  stats = chat_->import_users({{"alice", "a", 1}, {"bob", "b2", 2}});
  EXPECT_EQ(stats.enabled, 1u);
  EXPECT_EQ(stats.updated, 1u);
  EXPECT_FALSE(chat_->check_password("bob", "b"));
  EXPECT_TRUE(chat_->check_password("bob", "b2"));
  std::vector<std::string> mailbox;
  join("bob", &mailbox);
  EXPECT_EQ(mailbox, (std::vector<std::string>{"alice: waiting"}));
  auto users = chat_->who_last("alice", 0);
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ(users->front().intro, "hello");

  // The same password back enables without a new hash.
  chat_->import_users({{"alice", "a", 1}});
  stats = chat_->import_users({{"alice", "a", 1}, {"bob", "b2", 2}});
  EXPECT_EQ(stats.enabled, 1u);
  EXPECT_EQ(stats.updated, 0u);
  EXPECT_TRUE(chat_->check_password("bob", "b2"));
}

TEST_F(AccountAdminTest, TheFileLeavesParleyctlsAccountsAlone) {
  chat_->import_users({{"alice", "a", 1}, {"bob", "b", 2}});
  chat_->add_account("carol", "c");
  chat_->change_password("bob", "mine");  // bob becomes parleyctl's
  auto stats = chat_->import_users({{"alice", "a", 1}, {"BOB", "file-pass", 7}, {"carol", "x", 9}});
  ASSERT_EQ(stats.ignored.size(), 2u);
  EXPECT_EQ(stats.ignored[0].line, 7);
  EXPECT_EQ(stats.ignored[0].name, "BOB");
  EXPECT_TRUE(stats.ignored[0].password.empty());
  EXPECT_EQ(stats.ignored[1].line, 9);
  EXPECT_TRUE(chat_->check_password("bob", "mine"));
  EXPECT_TRUE(chat_->check_password("carol", "c"));
  // Missing from the file, still enabled.
  stats = chat_->import_users({{"alice", "a", 1}});
  EXPECT_EQ(stats.disabled, 0u);
  EXPECT_TRUE(chat_->check_password("bob", "mine"));
  EXPECT_TRUE(chat_->check_password("carol", "c"));
  // A deleted file account comes back with its line.
  chat_->delete_account("alice");
  stats = chat_->import_users({{"alice", "a", 1}});
  EXPECT_EQ(stats.created, 1u);
  EXPECT_TRUE(chat_->check_password("alice", "a"));
}

TEST_F(AccountAdminTest, ADisabledAccountBecomesParleyctlsWithANewPassword) {
  chat_->import_users({{"alice", "a", 1}, {"bob", "b", 2}});
  chat_->import_users({{"alice", "a", 1}});
  EXPECT_FALSE(chat_->check_password("bob", "b"));
  EXPECT_EQ(chat_->change_password("bob", "new").status, AdminStatus::ok);
  EXPECT_TRUE(chat_->check_password("bob", "new"));
  open();
  EXPECT_TRUE(chat_->check_password("bob", "new"));
  EXPECT_EQ(chat_->import_users({{"alice", "a", 1}}).disabled, 0u);
}

TEST_F(AccountAdminTest, AccountsOfAnOlderDatabaseBelongToTheFile) {
  chat_.reset();
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(this->db().c_str(), &db), SQLITE_OK);
  // The version 2 schema: no manager, no disabled.
  const char* sql =
      "DROP TABLE accounts;"
      "CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,"
      " intro TEXT NOT NULL DEFAULT '', last_seen INTEGER, broadcast_cursor INTEGER NOT NULL DEFAULT 0);"
      "CREATE UNIQUE INDEX accounts_by_folded_name ON accounts(name COLLATE NOCASE);"
      "INSERT INTO accounts(name, password_hash) VALUES('old', 'h');"
      "PRAGMA user_version = 2;";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_close(db);
  open();
  auto list = chat_->list_accounts();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].manager, AccountManager::file);
  EXPECT_FALSE(list[0].disabled);
  EXPECT_EQ(chat_->import_users({}).disabled, 1u);
}
