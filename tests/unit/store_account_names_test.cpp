// The accounts table keeps names unique without regard to case, and a
// database from before that rule is upgraded, or refused when it holds two
// accounts that differ only in case.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>

#include "store/sqlite/sqlite_store.hpp"

using namespace parley;

namespace {

class StoreAccountNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "parley-unit-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "test.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A database as the first schema left it (no index on the folded name,
  // version 1), holding `names`.
  void make_version_1(const std::vector<std::string>& names) {
    { store::SqliteStore store(path_); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::string sql = "DROP INDEX accounts_by_folded_name; PRAGMA user_version = 1;";
    for (auto& n : names) sql += "INSERT INTO accounts(name, password_hash) VALUES('" + n + "', 'h');";
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  int user_version() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
    sqlite3_step(st);
    int version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return version;
  }

  std::filesystem::path dir_;
  std::string path_;
};

}  // namespace

TEST_F(StoreAccountNamesTest, TheTableRefusesASecondSpelling) {
  store::SqliteStore store(path_);
  store.save_accounts({{"Alice", "h1"}}, {});
  EXPECT_THROW(store.save_accounts({{"aLICE", "h2"}}, {}), store::sqlite::Error);
  auto accounts = store.load_accounts();
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].name, "Alice");
  EXPECT_EQ(user_version(), 4);  // the current schema
}

TEST_F(StoreAccountNamesTest, AnOlderDatabaseIsUpgraded) {
  make_version_1({"Alice", "bob"});
  ASSERT_EQ(user_version(), 1);
  store::SqliteStore store(path_);
  EXPECT_EQ(user_version(), 4);
  EXPECT_EQ(store.load_accounts().size(), 2u);
  EXPECT_THROW(store.save_accounts({{"alice", "h2"}}, {}), store::sqlite::Error);
}

TEST_F(StoreAccountNamesTest, AnOlderDatabaseWithTwoSpellingsIsRefusedNamingBoth) {
  make_version_1({"Alice", "bob", "alice", "Carol", "CAROL"});
  try {
    store::SqliteStore store(path_);
    ADD_FAILURE() << "the database was opened";
  } catch (const store::sqlite::Error& e) {
    EXPECT_EQ(std::string(e.what()), "database " + path_ +
                                         ": the accounts 'Alice' and 'alice' differ only in case (and 1 more such "
                                         "names); account names ignore case, so rename or delete all but one of "
                                         "them in its accounts table and start again");
  }
  EXPECT_EQ(user_version(), 1);  // nothing was changed
}
