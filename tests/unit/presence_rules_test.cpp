// Presence beyond logging in: who is told when a user comes, goes or is
// away (watchers of its name, the connections of its rooms that want it),
// away messages, and what a lookup of one user shows.
#include <gtest/gtest.h>

#include "chat_fixture.hpp"
#include "core/chat_service.hpp"

using namespace std::chrono_literals;
using namespace parley;
using core::Actor;

namespace {

using unit::RecordingParticipant;
using unit::Waiter;
using Strings = std::vector<std::string>;

// The presence messages a participant got: "online alice", "away alice: lunch".
Strings presence(RecordingParticipant& p) {
  static const char* const kChanges[] = {"online", "offline", "away", "back"};
  std::lock_guard lock(p.mutex);
  Strings out;
  for (const auto& e : p.received) {
    const auto& m = e->message();
    if (m.kind != core::MessageKind::presence) continue;
    std::string line = std::string(kChanges[static_cast<int>(m.presence)]) + " " + m.sender;
    if (!m.text.empty()) line += ": " + m.text;
    out.push_back(line);
  }
  return out;
}

class PresenceRulesTest : public unit::ChatFixture {
 protected:
  // A connection that logs in as `user`, wanting presence or not.
  std::shared_ptr<RecordingParticipant> connect(const std::string& user, bool wants_presence) {
    auto p = std::make_shared<RecordingParticipant>(wants_presence);
    Waiter<store::MailboxPage> w;
    EXPECT_TRUE(chat_->join(user, p, 100, w.callback()));
    EXPECT_TRUE(w.get().ok());
    return p;
  }
  void join_room(const std::string& user, const std::string& room) {
    Waiter<store::Done> w;
    auto r = chat_->join_room(user, room, nullptr, w.callback());
    ASSERT_TRUE(r.status == core::RoomStatus::ok || r.status == core::RoomStatus::created);
    EXPECT_TRUE(w.get().ok());
  }
};

}  // namespace

TEST_F(PresenceRulesTest, WatchersHearTheFirstConnectionAndTheLast) {
  auto watcher = connect("carol", false);
  chat_->watch(watcher, "ALICE");
  auto a1 = connect("alice", false);
  auto a2 = connect("alice", false);  // already online: nothing new
  EXPECT_EQ(presence(*watcher), Strings{"online alice"});
  chat_->leave("alice", a1.get());
  EXPECT_EQ(presence(*watcher), Strings{"online alice"});
  chat_->leave("alice", a2.get());
  EXPECT_EQ(presence(*watcher), (Strings{"online alice", "offline alice"}));
  EXPECT_TRUE(presence(*a1).empty());
}

TEST_F(PresenceRulesTest, ANameCanBeWatchedBeforeItExists) {
  auto watcher = connect("carol", false);
  chat_->watch(watcher, "dave");
  EXPECT_FALSE(chat_->is_online("dave"));
  ASSERT_EQ(chat_->add_account("Dave", "d-pass").status, core::AdminStatus::ok);
  auto d = connect("dave", false);
  EXPECT_TRUE(chat_->is_online("DAVE"));
  EXPECT_EQ(presence(*watcher), Strings{"online Dave"});  // the account's spelling
}

TEST_F(PresenceRulesTest, RoomConnectionsHearItOnlyWhenTheyWantIt) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  join_room("carol", "#lobby");
  auto b = connect("bob", true);
  auto c = connect("carol", false);
  auto a = connect("alice", false);
  chat_->set_away("alice", "lunch");
  chat_->leave("alice", a.get());
  EXPECT_EQ(presence(*b), (Strings{"online carol", "online alice", "away alice: lunch", "offline alice"}));
  EXPECT_TRUE(presence(*c).empty());
  std::lock_guard lock(c->mutex);
  EXPECT_TRUE(c->received.empty());  // nothing else either
}

TEST_F(PresenceRulesTest, EachParticipantHearsItOnce) {
  join_room("alice", "#one");
  join_room("alice", "#two");
  join_room("bob", "#one");
  join_room("bob", "#two");
  auto b = connect("bob", true);
  chat_->watch(b, "alice");
  chat_->watch(b, "Alice");  // the same name
  connect("alice", false);
  EXPECT_EQ(presence(*b), Strings{"online alice"});
}

TEST_F(PresenceRulesTest, NeverToTheUsersOwnConnections) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  auto b = connect("bob", true);
  auto a1 = connect("alice", true);
  chat_->watch(a1, "alice");
  auto a2 = connect("alice", true);
  chat_->set_away("alice", "out");
  chat_->set_away("alice", "");
  chat_->leave("alice", a1.get());
  chat_->leave("alice", a2.get());
  EXPECT_TRUE(presence(*a1).empty());
  EXPECT_TRUE(presence(*a2).empty());
  EXPECT_EQ(presence(*b), (Strings{"online alice", "away alice: out", "back alice", "offline alice"}));
}

TEST_F(PresenceRulesTest, UnwatchedNamesAndLeftParticipantsHearNothing) {
  auto b = connect("bob", false);
  auto c = connect("carol", false);
  chat_->watch(b, "alice");
  chat_->watch(b, "dave");
  chat_->watch(c, "alice");
  chat_->unwatch(b.get(), "ALICE");
  chat_->unwatch_all(c.get());
  auto a = connect("alice", false);
  EXPECT_TRUE(presence(*b).empty());
  EXPECT_TRUE(presence(*c).empty());
  // Leaving drops a participant's watches: it is not kept alive by them.
  chat_->watch(b, "alice");
  chat_->leave("bob", b.get());
  EXPECT_EQ(b.use_count(), 1);
  chat_->leave("alice", a.get());
  EXPECT_TRUE(presence(*b).empty());
}

TEST_F(PresenceRulesTest, KicksAndDeletionsAreOffline) {
  auto watcher = connect("carol", false);
  chat_->watch(watcher, "alice");
  chat_->watch(watcher, "bob");
  connect("alice", false);
  connect("bob", false);
  chat_->kick("alice");
  chat_->delete_account("bob");
  EXPECT_EQ(presence(*watcher), (Strings{"online alice", "online bob", "offline alice", "offline bob"}));
  EXPECT_FALSE(chat_->is_online("alice"));
}

TEST_F(PresenceRulesTest, AwayIsCleanedCutAndForgottenOffline) {
  EXPECT_EQ(chat_->away("alice"), std::nullopt);
  chat_->set_away("alice", "not online");  // nothing to do
  EXPECT_EQ(chat_->away("alice"), std::nullopt);
  auto b = connect("bob", false);
  chat_->watch(b, "alice");
  auto a = connect("alice", false);
  chat_->set_away("alice", "  gone\x1b[31m fishing\x07  ");
  EXPECT_EQ(chat_->away("ALICE"), "gone fishing");
  chat_->set_away("alice", "gone fishing");  // no change: no message
  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += "\xc3\xa9";  // é, two bytes each
  chat_->set_away("alice", long_text);
  EXPECT_EQ(chat_->away("alice")->size(), core::kAwayMax * 2);
  chat_->set_away("alice", "back soon");
  auto others = chat_->who_else("bob");
  ASSERT_EQ(others.size(), 1u);
  EXPECT_EQ(others[0].away, "back soon");
  chat_->leave("alice", a.get());
  EXPECT_EQ(chat_->away("alice"), std::nullopt);
  connect("alice", false);
  EXPECT_EQ(chat_->away("alice"), std::nullopt);
  chat_->set_away("alice", "");  // not away: no message
  auto got = presence(*b);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[1], "away alice: gone fishing");
  EXPECT_EQ(got[2].substr(0, 12), "away alice: ");
  EXPECT_EQ(got[3], "away alice: back soon");
  EXPECT_EQ(got[4], "offline alice");
  EXPECT_EQ(got[5], "online alice");
}

TEST_F(PresenceRulesTest, DetailsShowPublicRoomsAndSharedOnes) {
  join_room("alice", "#open");
  join_room("alice", "#secret");
  join_room("bob", "#secret");
  Waiter<store::Done> w;
  chat_->set_access(Actor{"alice"}, "#secret", true, nullptr, w.callback());
  EXPECT_TRUE(w.get().ok());
  Waiter<store::Done> intro;
  chat_->set_intro("alice", "hello", intro.callback());
  EXPECT_TRUE(intro.get().ok());

  auto offline = chat_->details("carol", "ALICE");
  ASSERT_TRUE(offline);
  EXPECT_EQ(offline->name, "alice");
  EXPECT_EQ(offline->intro, "hello");
  EXPECT_FALSE(offline->online);
  EXPECT_FALSE(offline->guest);
  EXPECT_FALSE(offline->last_seen);  // never logged in
  EXPECT_EQ(offline->rooms, Strings{"#open"});
  EXPECT_EQ(chat_->details("bob", "alice")->rooms, (Strings{"#open", "#secret"}));

  connect("alice", false);
  chat_->set_away("alice", "busy");
  auto online = chat_->details("carol", "alice");
  EXPECT_TRUE(online->online);
  EXPECT_EQ(online->connections, 1u);
  EXPECT_EQ(online->away, "busy");
  EXPECT_TRUE(online->last_seen);
  EXPECT_EQ(chat_->details("carol", "nobody"), std::nullopt);
}
