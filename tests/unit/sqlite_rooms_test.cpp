// Rooms and history in the SQLite store: rooms, members and invitations
// across reopening, ids handed out ahead of their rows and never reused, one
// row per room message, unread counts, read positions, history pages, the
// retention sweep, and a version-3 database upgraded to hold them.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <future>

#include "metrics/registry.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace parley;
using store::AccountId;
using store::MessageId;
using store::RoomId;

namespace {

template <class T>
T wait(const std::function<void(store::Callback<T>)>& start) {
  std::promise<store::Result<T>> promise;
  start([&promise](store::Result<T> r) { promise.set_value(std::move(r)); });
  auto r = promise.get_future().get();
  if (!r.ok()) throw std::runtime_error(r.error());
  return std::move(r.value());
}

core::TimePoint at(std::int64_t seconds) { return core::TimePoint{std::chrono::seconds(seconds)}; }

core::ChatMessage said(const std::string& sender, const std::string& text, std::int64_t seconds = 1'800'000'000) {
  core::ChatMessage m;
  m.sender = sender;
  m.text = text;
  m.kind = core::MessageKind::room;
  m.sent_at = at(seconds);
  return m;
}

std::vector<std::string> texts(const std::vector<store::StoredMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.message.text);
  return out;
}

class SqliteRoomsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "parley-rooms-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "test.db").string();
    open();
    auto accounts = store_->save_accounts({{"alice", "ha"}, {"bob", "hb"}, {"carol", "hc"}}, {});
    alice_ = accounts[0].id;
    bob_ = accounts[1].id;
    carol_ = accounts[2].id;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void open() {
    store_.reset();
    store_ = std::make_unique<store::SqliteStore>(path_);
  }

  RoomId create(const std::string& name, AccountId owner, MessageId read_upto = 0) {
    RoomId id = 0;
    wait<store::Done>([&](auto done) { id = store_->create_room(name, owner, at(1000), read_upto, done); });
    return id;
  }
  MessageId say(RoomId room, AccountId sender, const std::string& text, std::int64_t seconds = 1'800'000'000) {
    MessageId id = 0;
    wait<store::Done>([&](auto done) { id = store_->save_room_message(room, sender, said("x", text, seconds), done); });
    return id;
  }
  void say_privately(AccountId from, AccountId to, const std::string& text, std::int64_t seconds = 1'800'000'000) {
    auto m = said("x", text, seconds);
    m.kind = core::MessageKind::private_message;
    wait<store::Done>([&](auto done) { store_->save_private_history(from, to, m, done); });
  }
  void join(RoomId room, AccountId account, MessageId read_upto = 0, std::int64_t since = 1) {
    wait<store::Done>([&](auto done) { store_->add_member(room, account, false, read_upto, since, done); });
  }
  store::HistoryPage history(store::Conversation c, MessageId before, std::size_t limit) {
    return wait<store::HistoryPage>([&](auto done) { store_->fetch_history(c, before, limit, done); });
  }
  std::vector<store::UnreadRoom> unread(std::vector<store::UnreadQuery> queries, std::size_t limit) {
    return wait<std::vector<store::UnreadRoom>>([&](auto done) { store_->fetch_unread(queries, limit, done); });
  }
  const store::MembershipRecord* membership(const store::RoomsSnapshot& s, RoomId room, AccountId account) {
    for (const auto& m : s.memberships)
      if (m.room == room && m.account == account) return &m;
    return nullptr;
  }
  std::int64_t count_rows(const std::string& table) {
    store_->flush();
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &st, nullptr), SQLITE_OK);
    sqlite3_step(st);
    std::int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<store::SqliteStore> store_;
  AccountId alice_ = 0, bob_ = 0, carol_ = 0;
};

}  // namespace

TEST_F(SqliteRoomsTest, RoomsMembersAndInvitationsSurviveReopening) {
  RoomId lobby = create("#Lobby", alice_, 0);
  RoomId quiet = create("#quiet", bob_, 0);
  wait<store::Done>([&](auto done) { store_->set_topic(lobby, "all welcome", done); });
  wait<store::Done>([&](auto done) { store_->set_invite_only(quiet, true, done); });
  join(lobby, bob_, 0, 1);
  wait<store::Done>([&](auto done) { store_->set_owner(lobby, bob_, true, done); });
  wait<store::Done>([&](auto done) { store_->add_invite(quiet, carol_, "Bob", done); });
  wait<store::Done>([&](auto done) { store_->add_invite(quiet, alice_, "bob", done); });
  wait<store::Done>([&](auto done) { store_->remove_invite(quiet, alice_, done); });
  MessageId hello = say(lobby, alice_, "hello");
  open();

  auto s = store_->load_rooms();
  ASSERT_EQ(s.rooms.size(), 2u);
  EXPECT_EQ(s.rooms[0].id, lobby);
  EXPECT_EQ(s.rooms[0].name, "#Lobby");
  EXPECT_EQ(s.rooms[0].topic, "all welcome");
  EXPECT_FALSE(s.rooms[0].invite_only);
  EXPECT_EQ(s.rooms[0].created, at(1000));
  EXPECT_EQ(s.rooms[0].last_message, hello);
  EXPECT_EQ(s.rooms[1].name, "#quiet");
  EXPECT_TRUE(s.rooms[1].invite_only);
  EXPECT_EQ(s.rooms[1].last_message, 0);
  ASSERT_EQ(s.memberships.size(), 3u);
  ASSERT_NE(membership(s, lobby, alice_), nullptr);
  EXPECT_TRUE(membership(s, lobby, alice_)->owner);
  EXPECT_EQ(membership(s, lobby, alice_)->since, 0);
  ASSERT_NE(membership(s, lobby, bob_), nullptr);
  EXPECT_TRUE(membership(s, lobby, bob_)->owner);
  EXPECT_EQ(membership(s, lobby, bob_)->since, 1);
  ASSERT_NE(membership(s, quiet, bob_), nullptr);
  ASSERT_EQ(s.invites.size(), 1u);
  EXPECT_EQ(s.invites[0].room, quiet);
  EXPECT_EQ(s.invites[0].account, carol_);
  EXPECT_EQ(s.invites[0].by, "Bob");

  // Joining takes the invitation away; leaving and demotion are kept.
  join(quiet, carol_, 0, 2);
  wait<store::Done>([&](auto done) { store_->set_owner(lobby, bob_, false, done); });
  wait<store::Done>([&](auto done) { store_->remove_member(lobby, alice_, done); });
  open();
  s = store_->load_rooms();
  EXPECT_TRUE(s.invites.empty());
  EXPECT_EQ(membership(s, lobby, alice_), nullptr);
  ASSERT_NE(membership(s, lobby, bob_), nullptr);
  EXPECT_FALSE(membership(s, lobby, bob_)->owner);
  EXPECT_NE(membership(s, quiet, carol_), nullptr);
}

TEST_F(SqliteRoomsTest, ANameTakenInAnyCaseIsRefused) {
  create("#Lobby", alice_);
  EXPECT_THROW(create("#lobby", bob_), std::runtime_error);
  EXPECT_EQ(store_->load_rooms().rooms.size(), 1u);
}

TEST_F(SqliteRoomsTest, IdsComeAtOnceInOrderAndAreNeverReused) {
  // Ids come back before the rows are written, in submission order.
  std::vector<std::future<store::Result<store::Done>>> pending;
  std::vector<RoomId> rooms;
  for (int i = 0; i < 5; ++i) {
    auto promise = std::make_shared<std::promise<store::Result<store::Done>>>();
    pending.push_back(promise->get_future());
    rooms.push_back(store_->create_room("#r" + std::to_string(i), alice_, at(1), 0,
                                        [promise](store::Result<store::Done> r) { promise->set_value(r); }));
  }
  for (std::size_t i = 1; i < rooms.size(); ++i) EXPECT_GT(rooms[i], rooms[i - 1]);
  for (auto& p : pending) EXPECT_TRUE(p.get().ok());
  MessageId first = say(rooms[4], alice_, "one");
  MessageId second = say(rooms[0], alice_, "two");
  EXPECT_GT(second, first);

  // The newest room and message go, and after reopening their ids stay used.
  wait<store::Done>([&](auto done) { store_->delete_room(rooms[4], done); });
  wait<store::Done>([&](auto done) { store_->delete_room(rooms[0], done); });
  open();
  RoomId next_room = create("#r4", alice_);
  EXPECT_GT(next_room, rooms[4]);
  MessageId next_message = say(next_room, alice_, "three");
  EXPECT_GT(next_message, second);
}

TEST_F(SqliteRoomsTest, AnIdAMemberHasReadIsNeverGivenAgain) {
  RoomId room = create("#r", alice_);
  // A member's position past every stored message (say, its row failed).
  join(room, bob_, 50, 1);
  open();
  EXPECT_EQ(store_->load_rooms().rooms[0].last_message, 50);
  EXPECT_GT(say(room, alice_, "hi"), 50);
}

TEST_F(SqliteRoomsTest, ARoomMessageIsOneRowWhateverTheRoomsSize) {
  RoomId room = create("#big", alice_);
  std::vector<store::Store::NewAccount> many;
  for (int i = 0; i < 200; ++i) many.push_back({"user" + std::to_string(i), "h"});
  for (const auto& a : store_->save_accounts(many, {})) store_->add_member(room, a.id, false, 0, a.id, nullptr);
  store_->flush();
  ASSERT_EQ(store_->load_rooms().memberships.size(), 201u);

  auto figure_before = metrics::process_registry().snapshot()[metrics::Figure::store_rows_written];
  auto rows_before = store_->rows_written();
  for (int i = 0; i < 10; ++i) say(room, alice_, "m" + std::to_string(i));
  EXPECT_EQ(store_->rows_written() - rows_before, 10u);
  EXPECT_EQ(metrics::process_registry().snapshot()[metrics::Figure::store_rows_written] - figure_before, 10);
  EXPECT_EQ(count_rows("room_messages"), 10);
}

TEST_F(SqliteRoomsTest, UnreadCountsAllAndReturnsTheNewestUpToTheLimit) {
  RoomId lobby = create("#lobby", alice_);
  RoomId other = create("#other", alice_);
  std::vector<MessageId> ids;
  MessageId newest_other = 0;
  for (int i = 1; i <= 6; ++i) {
    ids.push_back(say(lobby, alice_, "l" + std::to_string(i), 1'800'000'000 + i));
    newest_other = say(other, alice_, "o" + std::to_string(i));
  }
  // After l1, up to l5: l2..l5 are unread; l6 came after the snapshot.
  auto u = unread({{lobby, ids[0], ids[4]}, {other, 0, newest_other}, {lobby, ids[5], newest_other}}, 3);
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[0].room, lobby);
  EXPECT_EQ(u[0].count, 4);
  EXPECT_EQ(texts(u[0].messages), (std::vector<std::string>{"l3", "l4", "l5"}));
  const auto& m = u[0].messages.front();
  EXPECT_EQ(m.id, ids[2]);
  EXPECT_EQ(m.message.id, ids[2]);
  EXPECT_EQ(m.message.kind, core::MessageKind::room);
  EXPECT_EQ(m.message.room, "#lobby");
  EXPECT_EQ(m.message.sender, "x");
  EXPECT_EQ(m.message.sent_at, at(1'800'000'003));
  EXPECT_EQ(u[1].room, other);
  EXPECT_EQ(u[1].count, 6);
  EXPECT_EQ(texts(u[1].messages), (std::vector<std::string>{"o4", "o5", "o6"}));
  EXPECT_EQ(u[2].count, 0);
  EXPECT_TRUE(u[2].messages.empty());
}

TEST_F(SqliteRoomsTest, ReadPositionsOnlyMoveForward) {
  RoomId a = create("#a", alice_, 10);
  RoomId b = create("#b", alice_, 10);
  wait<store::Done>([&](auto done) { store_->set_read_positions(alice_, {{a, 20}, {b, 5}}, done); });
  wait<store::Done>([&](auto done) { store_->set_read_positions(alice_, {{a, 15}}, done); });
  open();
  auto s = store_->load_rooms();
  EXPECT_EQ(membership(s, a, alice_)->read_upto, 20);
  EXPECT_EQ(membership(s, b, alice_)->read_upto, 10);
}

TEST_F(SqliteRoomsTest, RoomHistoryPagesBackwards) {
  RoomId room = create("#r", alice_);
  RoomId noise = create("#noise", alice_);
  std::vector<MessageId> ids;
  for (int i = 1; i <= 7; ++i) {
    ids.push_back(say(room, i % 2 ? alice_ : bob_, "m" + std::to_string(i)));
    say(noise, alice_, "n");
  }
  auto page = history({room, 0, 0}, 0, 3);
  EXPECT_EQ(texts(page.messages), (std::vector<std::string>{"m5", "m6", "m7"}));
  EXPECT_EQ(page.older, 4);
  EXPECT_EQ(page.messages.front().message.kind, core::MessageKind::room);
  EXPECT_EQ(page.messages.front().message.room, "#r");
  EXPECT_EQ(page.messages.front().id, ids[4]);

  page = history({room, 0, 0}, page.messages.front().id, 3);
  EXPECT_EQ(texts(page.messages), (std::vector<std::string>{"m2", "m3", "m4"}));
  EXPECT_EQ(page.older, 1);
  page = history({room, 0, 0}, page.messages.front().id, 3);
  EXPECT_EQ(texts(page.messages), (std::vector<std::string>{"m1"}));
  EXPECT_EQ(page.older, 0);
  page = history({room, 0, 0}, page.messages.front().id, 3);
  EXPECT_TRUE(page.messages.empty());
  EXPECT_EQ(page.older, 0);
}

TEST_F(SqliteRoomsTest, PrivateHistoryIsOneConversationInBothDirections) {
  say_privately(alice_, bob_, "a1");
  say_privately(bob_, alice_, "b1");
  say_privately(alice_, carol_, "to carol");
  say_privately(alice_, bob_, "a2");
  say_privately(bob_, alice_, "b2");

  auto page = history({0, bob_, alice_}, 0, 3);
  EXPECT_EQ(texts(page.messages), (std::vector<std::string>{"b1", "a2", "b2"}));
  EXPECT_EQ(page.older, 1);
  EXPECT_EQ(page.messages.front().message.kind, core::MessageKind::private_message);
  EXPECT_EQ(page.messages.front().message.sent_at, at(1'800'000'000));
  auto rest = history({0, alice_, bob_}, page.messages.front().id, 3);
  EXPECT_EQ(texts(rest.messages), (std::vector<std::string>{"a1"}));
  EXPECT_EQ(rest.older, 0);
  EXPECT_EQ(texts(history({0, carol_, alice_}, 0, 10).messages), (std::vector<std::string>{"to carol"}));
  EXPECT_TRUE(history({0, bob_, carol_}, 0, 10).messages.empty());
}

TEST_F(SqliteRoomsTest, SweepTakesOldPrivateHistoryAndOldRoomMessagesEveryoneRead) {
  RoomId read = create("#read", alice_);
  RoomId unread_room = create("#unread", alice_);
  MessageId old1 = say(read, alice_, "old1", 100);
  MessageId old2 = say(read, alice_, "old2", 100);
  say(read, alice_, "old3", 100);        // not read by all yet
  say(read, alice_, "new", 500);         // too recent
  say(unread_room, alice_, "old", 100);  // its room is not in read_by_all
  say_privately(alice_, bob_, "old private", 100);
  say_privately(alice_, bob_, "new private", 500);
  (void)old1;

  auto stats = wait<store::SweepStats>([&](auto done) { store_->sweep_history({at(200), {{read, old2}}}, done); });
  EXPECT_EQ(stats.room_messages, 2);
  EXPECT_EQ(stats.private_messages, 1);
  EXPECT_EQ(texts(history({read, 0, 0}, 0, 10).messages), (std::vector<std::string>{"old3", "new"}));
  EXPECT_EQ(texts(history({unread_room, 0, 0}, 0, 10).messages), (std::vector<std::string>{"old"}));
  EXPECT_EQ(texts(history({0, alice_, bob_}, 0, 10).messages), (std::vector<std::string>{"new private"}));
}

TEST_F(SqliteRoomsTest, LastMessageCountsWhatMembersReadAfterASweep) {
  RoomId room = create("#r", alice_);
  MessageId m = say(room, alice_, "old", 100);
  wait<store::Done>([&](auto done) { store_->set_read_positions(alice_, {{room, m}}, done); });
  wait<store::SweepStats>([&](auto done) { store_->sweep_history({at(200), {{room, m}}}, done); });
  EXPECT_TRUE(history({room, 0, 0}, 0, 10).messages.empty());
  open();
  EXPECT_EQ(store_->load_rooms().rooms[0].last_message, m);
}

TEST_F(SqliteRoomsTest, DeletingARoomTakesItsMembersInvitationsAndMessages) {
  RoomId gone = create("#gone", alice_);
  RoomId kept = create("#kept", alice_);
  join(gone, bob_);
  wait<store::Done>([&](auto done) { store_->add_invite(gone, carol_, "alice", done); });
  say(gone, alice_, "bye");
  say(kept, alice_, "stay");
  wait<store::Done>([&](auto done) { store_->delete_room(gone, done); });

  auto s = store_->load_rooms();
  ASSERT_EQ(s.rooms.size(), 1u);
  EXPECT_EQ(s.rooms[0].id, kept);
  EXPECT_EQ(s.memberships.size(), 1u);
  EXPECT_TRUE(s.invites.empty());
  EXPECT_EQ(count_rows("room_messages"), 1);
  // The name is free again.
  EXPECT_GT(create("#gone", bob_), kept);
}

TEST_F(SqliteRoomsTest, DeletingAnAccountTakesItsMembershipsAndInvitationsButNotHistory) {
  RoomId room = create("#r", alice_);
  RoomId other = create("#other", alice_);
  join(room, bob_);
  wait<store::Done>([&](auto done) { store_->add_invite(other, bob_, "alice", done); });
  wait<store::Done>([&](auto done) { store_->add_invite(other, carol_, "alice", done); });
  say(room, bob_, "from bob");
  say_privately(bob_, alice_, "private from bob");
  store_->delete_account(bob_);

  auto s = store_->load_rooms();
  EXPECT_EQ(membership(s, room, bob_), nullptr);
  EXPECT_NE(membership(s, room, alice_), nullptr);
  ASSERT_EQ(s.invites.size(), 1u);
  EXPECT_EQ(s.invites[0].account, carol_);
  EXPECT_EQ(texts(history({room, 0, 0}, 0, 10).messages), (std::vector<std::string>{"from bob"}));
  EXPECT_EQ(texts(history({0, alice_, bob_}, 0, 10).messages), (std::vector<std::string>{"private from bob"}));
}

// A database as version 3 left it, written by hand.
TEST_F(SqliteRoomsTest, AVersion3DatabaseKeepsItsAccountsAndGainsRooms) {
  store_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directory(dir_);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  const char* v3 = R"sql(
    CREATE TABLE accounts(
      id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
      intro TEXT NOT NULL DEFAULT '', last_seen INTEGER, broadcast_cursor INTEGER NOT NULL DEFAULT 0,
      manager TEXT NOT NULL DEFAULT 'file', disabled INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX accounts_by_cursor ON accounts(broadcast_cursor);
    CREATE UNIQUE INDEX accounts_by_folded_name ON accounts(name COLLATE NOCASE);
    CREATE TABLE messages(
      id INTEGER PRIMARY KEY AUTOINCREMENT, recipient_id INTEGER, sender_id INTEGER NOT NULL,
      sender TEXT NOT NULL, body TEXT NOT NULL, kind INTEGER NOT NULL, sent_at INTEGER NOT NULL);
    CREATE INDEX messages_by_recipient ON messages(recipient_id, id);
    CREATE TABLE broadcast_seen(account_id INTEGER NOT NULL, message_id INTEGER NOT NULL,
      PRIMARY KEY(account_id, message_id)) WITHOUT ROWID;
    CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO accounts(id, name, password_hash, intro, manager) VALUES(1, 'Old', 'h1', 'hi', 'file');
    INSERT INTO accounts(id, name, password_hash, manager, disabled) VALUES(2, 'ctl', 'h2', 'parleyctl', 1);
    INSERT INTO messages(recipient_id, sender_id, sender, body, kind, sent_at) VALUES(1, 2, 'ctl', 'waiting', 0, 5);
    PRAGMA user_version = 3;
  )sql";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, v3, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_close(db);

  open();
  auto accounts = store_->load_accounts();
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].name, "Old");
  EXPECT_EQ(accounts[0].intro, "hi");
  EXPECT_EQ(accounts[1].manager, core::AccountManager::parleyctl);
  EXPECT_TRUE(accounts[1].disabled);
  auto mailbox = wait<store::MailboxPage>([&](auto done) { store_->fetch_mailbox(1, 0, 10, done); });
  EXPECT_EQ(texts(mailbox.messages), (std::vector<std::string>{"waiting"}));

  RoomId room = create("#new", 1);
  say(room, 1, "first");
  say_privately(1, 2, "private");
  open();
  EXPECT_EQ(store_->load_rooms().rooms.size(), 1u);
  EXPECT_EQ(history({room, 0, 0}, 0, 10).messages.size(), 1u);
  EXPECT_EQ(history({0, 2, 1}, 0, 10).messages.size(), 1u);
  store_.reset();
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  sqlite3_step(st);
  EXPECT_EQ(sqlite3_column_int(st, 0), 4);
  sqlite3_finalize(st);
  sqlite3_close(db);
}
