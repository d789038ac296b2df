// The room rules of the chat service on a real store, with a manual clock:
// membership, ownership, invite-only rooms, read positions, history and
// retention.
#include <gtest/gtest.h>

#include "chat_fixture.hpp"
#include "core/chat_service.hpp"

using namespace std::chrono_literals;
using namespace parley;
using core::Actor;
using core::RoomStatus;

namespace {

using unit::RecordingParticipant;
using unit::Waiter;
using Strings = std::vector<std::string>;

// What a participant got, rendered plainly: "[#room] alice: hi",
// "[#room] event <n>", "invited to #room by alice".
Strings lines(RecordingParticipant& p) {
  std::lock_guard lock(p.mutex);
  Strings out;
  for (const auto& e : p.received) {
    const auto& m = e->message();
    switch (m.kind) {
      case core::MessageKind::room:
        out.push_back("[" + m.room + "] " + m.sender + ": " + m.text);
        break;
      case core::MessageKind::room_event:
        out.push_back("[" + m.room + "] event " + std::to_string(static_cast<int>(m.event)) + " " + m.sender + " " +
                      m.target);
        break;
      case core::MessageKind::invitation:
        out.push_back("invited to " + m.room + " by " + m.sender);
        break;
      default:
        out.push_back(m.sender + ": " + m.text);
    }
  }
  return out;
}

class RoomRulesTest : public unit::ChatFixture {
 protected:
  // Waits for the change's commit.
  core::RoomReply done(core::RoomReply r, Waiter<store::Done>& w) {
    if (r.status == RoomStatus::ok || r.status == RoomStatus::created) {
      EXPECT_TRUE(w.get().ok());
    }
    return r;
  }
  core::RoomReply join_room(const std::string& user, const std::string& room, const core::Participant* from = nullptr) {
    Waiter<store::Done> w;
    return done(chat_->join_room(user, room, from, w.callback()), w);
  }
  core::RoomReply leave_room(const std::string& user, const std::string& room) {
    Waiter<store::Done> w;
    return done(chat_->leave_room(user, room, nullptr, w.callback()), w);
  }
  core::RoomReply say(const std::string& user, const std::string& room, const std::string& text,
                      const core::Participant* from = nullptr) {
    Waiter<store::Done> w;
    return done(chat_->send_room(user, room, text, from, w.callback()), w);
  }
  // Logs in on a new connection and shows the unread room messages as the
  // session does: fetched after joining, acknowledged once shown.
  std::shared_ptr<RecordingParticipant> login(const std::string& user, std::vector<core::RoomUnread>* unread,
                                              bool acknowledge = true) {
    auto p = std::make_shared<RecordingParticipant>();
    core::UnreadSnapshot snapshot;
    Waiter<store::MailboxPage> mailbox;
    EXPECT_TRUE(chat_->join(user, p, 100, mailbox.callback(), std::nullopt, &snapshot));
    EXPECT_TRUE(mailbox.get().ok());
    Waiter<std::vector<core::RoomUnread>> w;
    chat_->fetch_unread(snapshot, 3, w.callback());
    auto rooms = w.get();
    EXPECT_TRUE(rooms.ok());
    if (unread) *unread = rooms.value();
    if (acknowledge) chat_->ack_unread(user, snapshot);
    return p;
  }
  static Strings texts(const core::RoomUnread& room) {
    Strings out;
    for (const auto& m : room.messages) out.push_back(m.message.sender + ": " + m.message.text);
    return out;
  }
  store::HistoryPage history(const std::string& user, const std::string& target, store::MessageId before,
                             std::size_t limit) {
    Waiter<store::HistoryPage> w;
    auto r = chat_->history(user, target, before, limit, w.callback());
    EXPECT_EQ(r.status, core::HistoryStatus::ok);
    auto page = w.get();
    EXPECT_TRUE(page.ok());
    return page.value();
  }
  static Strings texts(const store::HistoryPage& page) {
    Strings out;
    for (const auto& m : page.messages) out.push_back(m.message.sender + ": " + m.message.text);
    return out;
  }
  store::SweepStats sweep() {
    Waiter<store::SweepStats> w;
    chat_->sweep_history(w.callback());
    auto r = w.get();
    EXPECT_TRUE(r.ok());
    return r.value();
  }
};

}  // namespace

TEST_F(RoomRulesTest, JoiningANewNameCreatesTheRoomWithItsCreatorAsOwner) {
  auto r = join_room("alice", "#Lobby");
  EXPECT_EQ(r.status, RoomStatus::created);
  EXPECT_EQ(r.room, "#Lobby");
  r = join_room("bob", "#lobby");  // names ignore case; the creator's spelling stays
  EXPECT_EQ(r.status, RoomStatus::ok);
  EXPECT_EQ(r.room, "#Lobby");
  EXPECT_EQ(r.members, 2u);
  EXPECT_EQ(join_room("bob", "#LOBBY").status, RoomStatus::already_member);
  auto members = chat_->members(Actor{"carol"}, "#lobby");
  ASSERT_EQ(members.status, RoomStatus::ok);
  ASSERT_EQ(members.members.size(), 2u);
  EXPECT_EQ(members.members[0].name, "alice");
  EXPECT_TRUE(members.members[0].owner);
  EXPECT_FALSE(members.members[1].owner);
}

TEST_F(RoomRulesTest, RoomNamesFollowTheAccountNameRules) {
  for (const std::string& bad : Strings{"lobby", "#", "#a b", "#" + std::string(33, 'x'), "#é", "##"})
    EXPECT_EQ(chat_->join_room("alice", bad, nullptr, nullptr).status, RoomStatus::bad_name) << bad;
  EXPECT_EQ(join_room("alice", "#" + std::string(32, 'x')).status, RoomStatus::created);
  EXPECT_EQ(join_room("alice", "#a.b_c-9").status, RoomStatus::created);
}

TEST_F(RoomRulesTest, MembershipSurvivesLogoutAndRestart) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  chat_->set_topic(Actor{"alice"}, "#lobby", "plans", nullptr, nullptr);
  open();
  auto listing = chat_->rooms("bob");
  ASSERT_EQ(listing.joined.size(), 1u);
  EXPECT_EQ(listing.joined[0].name, "#lobby");
  EXPECT_EQ(listing.joined[0].members, 2u);
  EXPECT_EQ(listing.joined[0].topic, "plans");
  EXPECT_FALSE(listing.joined[0].owner);
  EXPECT_TRUE(chat_->rooms("alice").joined[0].owner);
  EXPECT_EQ(chat_->rooms("carol").public_rooms.size(), 1u);
}

TEST_F(RoomRulesTest, AMessageReachesEveryOtherConnectionOfTheMembersOnline) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  join_room("carol", "#lobby");
  auto a1 = login("alice", nullptr);
  auto a2 = login("alice", nullptr);
  auto b = login("bob", nullptr);
  EXPECT_EQ(say("alice", "#lobby", "hello", a1.get()).status, RoomStatus::ok);
  EXPECT_EQ(lines(*a1), Strings{});
  EXPECT_EQ(lines(*a2), Strings{"[#lobby] alice: hello"});
  EXPECT_EQ(lines(*b), Strings{"[#lobby] alice: hello"});
  // Not a member: refused, and nothing is sent.
  chat_->leave(std::string("bob"), b.get());
  EXPECT_EQ(say("bob", "#nowhere", "x").status, RoomStatus::no_such_room);
  join_room("alice", "#other");
  EXPECT_EQ(say("bob", "#other", "x").status, RoomStatus::not_member);
  EXPECT_EQ(say("alice", "#lobby", " \x1b[2J ").status, RoomStatus::empty_text);
}

TEST_F(RoomRulesTest, AMemberAwaySeesExactlyWhatItMissedOnceInOrder) {
  join_room("alice", "#lobby");
  say("alice", "#lobby", "before bob joined");
  join_room("bob", "#lobby");
  auto a = login("alice", nullptr);
  say("alice", "#lobby", "one");
  say("alice", "#lobby", "two");
  std::vector<core::RoomUnread> unread;
  auto b = login("bob", &unread);
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(unread[0].room, "#lobby");
  EXPECT_EQ(unread[0].count, 2);
  EXPECT_EQ(texts(unread[0]), (Strings{"alice: one", "alice: two"}));
  // Read live from now on; going offline marks it all read.
  say("alice", "#lobby", "three");
  EXPECT_EQ(lines(*b), Strings{"[#lobby] alice: three"});
  chat_->leave(std::string("bob"), b.get());
  login("bob", &unread);
  EXPECT_TRUE(unread.empty());
}

TEST_F(RoomRulesTest, PastTheLimitTheNewestAreShownAndAllAreCounted) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  for (int i = 1; i <= 5; ++i) say("alice", "#lobby", "m" + std::to_string(i));
  std::vector<core::RoomUnread> unread;
  login("bob", &unread);  // the fixture's limit is 3
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(unread[0].count, 5);
  EXPECT_EQ(texts(unread[0]), (Strings{"alice: m3", "alice: m4", "alice: m5"}));
}

TEST_F(RoomRulesTest, UnreadNotYetShownStaysUnread) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  say("alice", "#lobby", "one");
  std::vector<core::RoomUnread> unread;
  auto b = login("bob", &unread, /*acknowledge=*/false);  // the connection is lost before the block is written
  ASSERT_EQ(unread.size(), 1u);
  say("alice", "#lobby", "two");  // came live, but was held and never written
  chat_->leave(std::string("bob"), b.get());
  login("bob", &unread);
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(texts(unread[0]), (Strings{"alice: one", "alice: two"}));
}

TEST_F(RoomRulesTest, ASecondConnectionOfAMemberReadingLiveHasNothingUnread) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  say("alice", "#lobby", "one");
  std::vector<core::RoomUnread> unread;
  auto b1 = login("bob", &unread);
  EXPECT_EQ(unread.size(), 1u);
  say("alice", "#lobby", "two");
  login("bob", &unread);
  EXPECT_TRUE(unread.empty());
}

TEST_F(RoomRulesTest, ReadPositionsSurviveARestart) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  say("alice", "#lobby", "one");
  std::vector<core::RoomUnread> unread;
  auto b = login("bob", &unread);
  chat_->leave(std::string("bob"), b.get());
  say("alice", "#lobby", "two");
  store_->flush();
  open();
  login("bob", &unread);
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(texts(unread[0]), Strings{"alice: two"});
}

TEST_F(RoomRulesTest, InviteOnlyRoomsAdmitWhomAnOwnerInvited) {
  join_room("alice", "#secret");
  Waiter<store::Done> w;
  EXPECT_EQ(done(chat_->set_access(Actor{"alice"}, "#secret", true, nullptr, w.callback()), w).status, RoomStatus::ok);
  EXPECT_EQ(join_room("bob", "#secret").status, RoomStatus::invite_only);
  EXPECT_TRUE(chat_->rooms("bob").public_rooms.empty());  // not listed to outsiders
  EXPECT_EQ(chat_->members(Actor{"bob"}, "#secret").status, RoomStatus::not_member);
  auto b = login("bob", nullptr);
  Waiter<store::Done> w2;
  EXPECT_EQ(done(chat_->invite(Actor{"alice"}, "BOB", "#secret", nullptr, w2.callback()), w2).target, "bob");
  EXPECT_EQ(lines(*b), Strings{"invited to #secret by alice"});
  auto listing = chat_->rooms("bob");
  ASSERT_EQ(listing.invitations.size(), 1u);
  EXPECT_EQ(listing.invitations[0].room, "#secret");
  EXPECT_EQ(chat_->invite(Actor{"alice"}, "bob", "#secret", nullptr, nullptr).status, RoomStatus::already_invited);
  EXPECT_EQ(join_room("bob", "#secret").status, RoomStatus::ok);
  EXPECT_TRUE(chat_->rooms("bob").invitations.empty());
  // A member who is not an owner cannot open the door of an invite-only room.
  EXPECT_EQ(chat_->invite(Actor{"bob"}, "carol", "#secret", nullptr, nullptr).status, RoomStatus::not_owner);
  EXPECT_EQ(chat_->invite(Actor{"alice"}, "nobody", "#secret", nullptr, nullptr).status, RoomStatus::no_such_user);
  EXPECT_EQ(chat_->invite(Actor{"alice"}, "bob", "#secret", nullptr, nullptr).status, RoomStatus::already_member);
  // In a public room any member may invite.
  join_room("bob", "#open");
  join_room("alice", "#open");
  EXPECT_EQ(chat_->invite(Actor{"alice"}, "carol", "#open", nullptr, nullptr).status, RoomStatus::ok);
}

TEST_F(RoomRulesTest, InvitationsSurviveARestart) {
  join_room("alice", "#secret");
  chat_->set_access(Actor{"alice"}, "#secret", true, nullptr, nullptr);
  chat_->invite(Actor{"alice"}, "bob", "#secret", nullptr, nullptr);
  store_->flush();
  open();
  EXPECT_EQ(join_room("bob", "#secret").status, RoomStatus::ok);
  EXPECT_EQ(join_room("carol", "#secret").status, RoomStatus::invite_only);
}

TEST_F(RoomRulesTest, OwnersManageMembersAndOnlyTheOperatorRemovesAnOwner) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  join_room("carol", "#lobby");
  auto b = login("bob", nullptr);
  auto c = login("carol", nullptr);
  EXPECT_EQ(chat_->remove_member(Actor{"bob"}, "carol", "#lobby", nullptr, nullptr).status, RoomStatus::not_owner);
  EXPECT_EQ(chat_->set_topic(Actor{"bob"}, "#lobby", "x", nullptr, nullptr).status, RoomStatus::not_owner);
  EXPECT_EQ(chat_->remove_member(Actor{"alice"}, "alice", "#lobby", nullptr, nullptr).status, RoomStatus::to_self);
  Waiter<store::Done> w;
  EXPECT_EQ(done(chat_->remove_member(Actor{"alice"}, "bob", "#lobby", nullptr, w.callback()), w).status,
            RoomStatus::ok);
  // The one removed hears it, then nothing more from the room.
  EXPECT_EQ(lines(*b), Strings{"[#lobby] event 2 alice bob"});
  say("alice", "#lobby", "after");
  EXPECT_EQ(lines(*b).size(), 1u);
  EXPECT_EQ(lines(*c).back(), "[#lobby] alice: after");
  EXPECT_EQ(say("bob", "#lobby", "x").status, RoomStatus::not_member);

  EXPECT_EQ(chat_->add_owner(Actor{"alice"}, "carol", "#lobby", nullptr, nullptr).status, RoomStatus::ok);
  EXPECT_EQ(chat_->add_owner(Actor{"alice"}, "carol", "#lobby", nullptr, nullptr).status, RoomStatus::target_is_owner);
  EXPECT_EQ(chat_->remove_member(Actor{"carol"}, "alice", "#lobby", nullptr, nullptr).status,
            RoomStatus::target_is_owner);
  EXPECT_EQ(chat_->remove_member(Actor::operator_(), "alice", "#lobby", nullptr, nullptr).status, RoomStatus::ok);
  EXPECT_EQ(chat_->members(Actor{"carol"}, "#lobby").members.size(), 1u);
}

TEST_F(RoomRulesTest, HandingOverMovesOwnership) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  EXPECT_EQ(chat_->hand_over(Actor{"bob"}, "alice", "#lobby", nullptr, nullptr).status, RoomStatus::not_owner);
  EXPECT_EQ(chat_->hand_over(Actor{"alice"}, "carol", "#lobby", nullptr, nullptr).status,
            RoomStatus::target_not_member);
  Waiter<store::Done> w;
  EXPECT_EQ(done(chat_->hand_over(Actor{"alice"}, "bob", "#lobby", nullptr, w.callback()), w).status, RoomStatus::ok);
  store_->flush();
  open();
  auto members = chat_->members(Actor{"alice"}, "#lobby").members;
  ASSERT_EQ(members.size(), 2u);
  EXPECT_FALSE(members[0].owner);  // alice
  EXPECT_TRUE(members[1].owner);   // bob
}

TEST_F(RoomRulesTest, TheLongestMemberInheritsAnOwnerlessRoomAndAnEmptyRoomGoes) {
  join_room("alice", "#lobby");
  join_room("carol", "#lobby");
  join_room("bob", "#lobby");
  say("alice", "#lobby", "hi");
  EXPECT_EQ(leave_room("alice", "#lobby").status, RoomStatus::ok);
  auto members = chat_->members(Actor{"bob"}, "#lobby").members;
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[1].name, "carol");
  EXPECT_TRUE(members[1].owner);
  EXPECT_EQ(leave_room("alice", "#lobby").status, RoomStatus::not_member);
  leave_room("carol", "#lobby");
  leave_room("bob", "#lobby");
  EXPECT_EQ(chat_->room_count(), 0u);
  store_->flush();
  open();
  EXPECT_EQ(chat_->room_count(), 0u);
  // The name is free again, and the new room has no old history.
  EXPECT_EQ(join_room("bob", "#lobby").status, RoomStatus::created);
  EXPECT_TRUE(history("bob", "#lobby", 0, 10).messages.empty());
}

TEST_F(RoomRulesTest, TopicsAreForOwnersAndBounded) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  auto b = login("bob", nullptr);
  Waiter<store::Done> w;
  EXPECT_EQ(done(chat_->set_topic(Actor{"alice"}, "#lobby", "  plans \x07", nullptr, w.callback()), w).topic, "plans");
  EXPECT_EQ(chat_->topic("carol", "#lobby").topic, "plans");
  EXPECT_EQ(lines(*b), Strings{"[#lobby] event 3 alice "});
  EXPECT_EQ(chat_->set_topic(Actor{"alice"}, "#lobby", std::string(301, 'x'), nullptr, nullptr).status,
            RoomStatus::too_long);
  EXPECT_EQ(chat_->set_topic(Actor{"alice"}, "#lobby", "", nullptr, nullptr).status, RoomStatus::ok);
  EXPECT_EQ(chat_->topic("bob", "#lobby").topic, "");
}

TEST_F(RoomRulesTest, RoomLimitsHold) {
  settings_.max_rooms = 2;
  settings_.max_rooms_per_user = 1;
  open();
  EXPECT_EQ(join_room("alice", "#a").status, RoomStatus::created);
  EXPECT_EQ(join_room("alice", "#b").status, RoomStatus::too_many_joined);
  EXPECT_EQ(join_room("bob", "#b").status, RoomStatus::created);
  EXPECT_EQ(join_room("carol", "#c").status, RoomStatus::too_many_rooms);
  EXPECT_EQ(join_room("carol", "#a").status, RoomStatus::ok);
}

TEST_F(RoomRulesTest, DeletingAnAccountEndsItsMembershipsAndPassesOwnership) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  join_room("alice", "#solo");
  auto b = login("bob", nullptr);
  EXPECT_EQ(chat_->delete_account("alice").status, core::AdminStatus::ok);
  EXPECT_EQ(chat_->room_count(), 1u);  // #solo had nobody else
  auto members = chat_->members(Actor{"bob"}, "#lobby").members;
  ASSERT_EQ(members.size(), 1u);
  EXPECT_TRUE(members[0].owner);
  store_->flush();
  open();
  EXPECT_EQ(chat_->room_count(), 1u);
  EXPECT_TRUE(chat_->members(Actor{"bob"}, "#lobby").members[0].owner);
}

TEST_F(RoomRulesTest, HistoryPagesBackThroughARoomAndAPrivateConversation) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  for (int i = 1; i <= 5; ++i) say(i % 2 ? "alice" : "bob", "#lobby", "r" + std::to_string(i));
  auto page = history("bob", "#lobby", 0, 2);
  EXPECT_EQ(texts(page), (Strings{"bob: r4", "alice: r5"}));
  EXPECT_EQ(page.older, 3);
  page = history("bob", "#lobby", page.messages.front().id, 2);
  EXPECT_EQ(texts(page), (Strings{"bob: r2", "alice: r3"}));
  EXPECT_EQ(page.older, 1);
  Waiter<store::HistoryPage> w;
  EXPECT_EQ(chat_->history("carol", "#lobby", 0, 5, w.callback()).status, core::HistoryStatus::not_member);
  EXPECT_EQ(chat_->history("carol", "#none", 0, 5, nullptr).status, core::HistoryStatus::no_such_room);
  EXPECT_EQ(chat_->history("carol", "nobody", 0, 5, nullptr).status, core::HistoryStatus::no_such_user);

  // Private messages are kept whether delivered live or stored.
  auto b = login("bob", nullptr);
  chat_->send_private("alice", "bob", "live", nullptr);
  Waiter<store::Done> stored;
  EXPECT_EQ(chat_->send_private("bob", "carol", "to carol", stored.callback()), core::SendStatus::storing);
  stored.get();
  Waiter<store::Done> stored2;
  EXPECT_EQ(chat_->send_private("carol", "alice", "unrelated", stored2.callback()), core::SendStatus::storing);
  stored2.get();
  chat_->send_private("bob", "alice", "back", nullptr);
  store_->flush();
  EXPECT_EQ(texts(history("alice", "BOB", 0, 10)), (Strings{"alice: live", "bob: back"}));
  EXPECT_EQ(texts(history("bob", "alice", 0, 10)), (Strings{"alice: live", "bob: back"}));
  EXPECT_EQ(texts(history("carol", "bob", 0, 10)), Strings{"bob: to carol"});
}

TEST_F(RoomRulesTest, RetentionDropsOldHistoryButNeverWhatAMemberHasNotSeen) {
  settings_.history_retention = 24h;
  open();
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  auto a = login("alice", nullptr);
  chat_->send_private("alice", "carol", "old private", [](auto) {});
  say("alice", "#lobby", "old");  // bob is away: unread
  clock_.advance(25h);
  say("alice", "#lobby", "new");
  store_->flush();
  auto swept = sweep();
  EXPECT_EQ(swept.private_messages, 1);
  EXPECT_EQ(swept.room_messages, 0);  // bob has not seen "old"
  std::vector<core::RoomUnread> unread;
  auto b = login("bob", &unread);
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(texts(unread[0]), (Strings{"alice: old", "alice: new"}));
  swept = sweep();
  EXPECT_EQ(swept.room_messages, 1);
  EXPECT_EQ(texts(history("alice", "#lobby", 0, 10)), Strings{"alice: new"});
  // The offline mailbox is not history: carol still gets her message.
  EXPECT_EQ(login_and_read("carol"), Strings{"alice: old private"});
}

TEST_F(RoomRulesTest, ZeroRetentionKeepsOnlyWhatIsStillUnread) {
  settings_.history_retention = 0s;
  open();
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  auto a = login("alice", nullptr);
  auto b = login("bob", nullptr);
  chat_->send_private("alice", "bob", "live", nullptr);
  say("alice", "#lobby", "seen by all");
  chat_->leave(std::string("bob"), b.get());
  say("alice", "#lobby", "unseen by bob");
  store_->flush();
  sweep();
  EXPECT_EQ(texts(history("alice", "bob", 0, 10)), Strings{});
  EXPECT_EQ(texts(history("alice", "#lobby", 0, 10)), Strings{"alice: unseen by bob"});
}
