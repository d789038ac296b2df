// Guests: users without an account, online under a nick. They get the live
// features (private messages, broadcasts, public rooms, lists) and leave
// nothing in the store.
#include <gtest/gtest.h>

#include "chat_fixture.hpp"
#include "core/chat_service.hpp"

using namespace std::chrono_literals;
using namespace parley;
using core::Actor;
using core::GuestStatus;
using core::RoomStatus;
using core::SendStatus;

namespace {

using unit::RecordingParticipant;
using unit::Waiter;
using Strings = std::vector<std::string>;

// What a participant got, plainly: "alice: hi", "guest zed: hi",
// "[#room] zed: hi", "[#room] joined zed", "online zed".
Strings lines(RecordingParticipant& p) {
  static const char* const kEvents[] = {"joined", "left", "removed", "topic", "owner_added", "owner_dropped", "access"};
  static const char* const kChanges[] = {"online", "offline", "away", "back"};
  std::lock_guard lock(p.mutex);
  Strings out;
  for (const auto& e : p.received) {
    const auto& m = e->message();
    std::string guest = m.guest ? "guest " : "";
    switch (m.kind) {
      case core::MessageKind::room:
        out.push_back("[" + m.room + "] " + guest + m.sender + ": " + m.text);
        break;
      case core::MessageKind::room_event:
        out.push_back("[" + m.room + "] " + kEvents[static_cast<int>(m.event)] + " " + guest + m.sender +
                      (m.target.empty() ? "" : " " + m.target));
        break;
      case core::MessageKind::presence:
        out.push_back(std::string(kChanges[static_cast<int>(m.presence)]) + " " + guest + m.sender);
        break;
      default:
        out.push_back(guest + m.sender + ": " + m.text);
    }
  }
  return out;
}

class GuestRulesTest : public unit::ChatFixture {
 protected:
  std::shared_ptr<RecordingParticipant> guest(const std::string& nick, bool wants_presence = false) {
    auto p = std::make_shared<RecordingParticipant>(wants_presence);
    EXPECT_EQ(chat_->join_guest(nick, p), GuestStatus::ok);
    return p;
  }
  std::shared_ptr<RecordingParticipant> connect(const std::string& user, bool wants_presence = false) {
    auto p = std::make_shared<RecordingParticipant>(wants_presence);
    Waiter<store::MailboxPage> w;
    EXPECT_TRUE(chat_->join(user, p, 100, w.callback()));
    EXPECT_TRUE(w.get().ok());
    return p;
  }
  // The change's reply, once its `stored` callback came (for ok and created).
  RoomStatus room_op(const std::function<core::RoomReply(store::Callback<store::Done>)>& op) {
    Waiter<store::Done> w;
    auto r = op(w.callback());
    if (r.status == RoomStatus::ok || r.status == RoomStatus::created) {
      EXPECT_TRUE(w.get().ok());
    }
    return r.status;
  }
  RoomStatus join_room(const std::string& user, const std::string& room, const core::Participant* from = nullptr) {
    return room_op([&](auto stored) { return chat_->join_room(user, room, from, std::move(stored)); });
  }
  RoomStatus say(const std::string& user, const std::string& room, const std::string& text,
                 const core::Participant* from = nullptr) {
    return room_op([&](auto stored) { return chat_->send_room(user, room, text, from, std::move(stored)); });
  }
  std::uint64_t rows() {
    store_->flush();
    return store_->rows_written();
  }
  Strings member_names(const std::string& room) {
    Strings out;
    for (const auto& m : chat_->members(Actor::operator_(), room).members)
      out.push_back(m.name + (m.guest ? " (guest)" : "") + (m.owner ? " (owner)" : ""));
    return out;
  }
};

}  // namespace

TEST_F(GuestRulesTest, ANickFollowsTheAccountNameRulesAndIsNobodyElses) {
  auto p = std::make_shared<RecordingParticipant>();
  EXPECT_EQ(chat_->join_guest("no spaces", p), GuestStatus::bad_name);
  EXPECT_EQ(chat_->join_guest("", p), GuestStatus::bad_name);
  EXPECT_EQ(chat_->join_guest(std::string(33, 'x'), p), GuestStatus::bad_name);
  EXPECT_EQ(chat_->join_guest("ALICE", p), GuestStatus::account_name);  // an account, in another case
  auto z = guest("Zed");
  EXPECT_EQ(chat_->join_guest("zED", p), GuestStatus::in_use);
  EXPECT_TRUE(chat_->is_guest("zed"));
  EXPECT_FALSE(chat_->is_guest("alice"));
  chat_->leave("zed", z.get());
  EXPECT_FALSE(chat_->is_online("zed"));
  EXPECT_EQ(chat_->join_guest("zed", p), GuestStatus::ok);  // free again
}

TEST_F(GuestRulesTest, GuestsAreListedAsGuestsButHaveNoAccount) {
  connect("alice");
  guest("zed");
  auto others = chat_->who_else("bob");
  ASSERT_EQ(others.size(), 2u);
  EXPECT_EQ(others[0], (core::UserSummary{"alice", "", false, ""}));
  EXPECT_EQ(others[1], (core::UserSummary{"zed", "", true, ""}));
  EXPECT_EQ(names(chat_->who_else("zed")), Strings{"alice"});
  auto who = chat_->who();
  ASSERT_EQ(who.size(), 2u);
  EXPECT_TRUE(who[1].guest);
  EXPECT_FALSE(who[0].guest);
  EXPECT_EQ(names(*chat_->who_last("bob", 60)), Strings{"alice"});
  EXPECT_EQ(chat_->account_count(), 3u);
  EXPECT_EQ(chat_->list_accounts().size(), 3u);
  EXPECT_EQ(chat_->online_count(), 2u);
  EXPECT_EQ(chat_->connection_count(), 2u);
  EXPECT_FALSE(chat_->exists("zed"));
  auto d = chat_->details("alice", "ZED");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name, "zed");
  EXPECT_TRUE(d->guest);
  EXPECT_TRUE(d->online);
  EXPECT_FALSE(d->last_seen);
}

TEST_F(GuestRulesTest, PrivateMessagesAreLiveOnly) {
  auto a = connect("alice");
  auto z = guest("zed");
  auto y = guest("yan");
  auto before = rows();
  EXPECT_EQ(chat_->send_private("alice", "ZED", "hi zed", nullptr), SendStatus::delivered);
  EXPECT_EQ(chat_->send_private("zed", "alice", "hi alice", nullptr), SendStatus::delivered);
  EXPECT_EQ(chat_->send_private("zed", "yan", "hi yan", nullptr), SendStatus::delivered);
  // No mailbox for what a guest sends to an account offline.
  EXPECT_EQ(chat_->send_private("zed", "bob", "hi bob", nullptr), SendStatus::recipient_offline);
  EXPECT_EQ(chat_->send_private("zed", "nobody", "hi", nullptr), SendStatus::unknown_user);
  EXPECT_EQ(chat_->send_private("zed", "zed", "hi", nullptr), SendStatus::to_self);
  EXPECT_EQ(rows(), before);
  EXPECT_EQ(lines(*z), Strings{"alice: hi zed"});
  EXPECT_EQ(lines(*a), Strings{"guest zed: hi alice"});
  EXPECT_EQ(lines(*y), Strings{"guest zed: hi yan"});
  EXPECT_TRUE(login_and_read("bob").empty());
  chat_->leave("yan", y.get());
  EXPECT_EQ(chat_->send_private("alice", "yan", "gone?", nullptr), SendStatus::unknown_user);
  // Between accounts, a message is still history (the rows above would see it).
  auto with_accounts = rows();
  EXPECT_EQ(chat_->send_private("alice", "bob", "hi", nullptr), SendStatus::delivered);
  EXPECT_GT(rows(), with_accounts);
}

TEST_F(GuestRulesTest, GuestBroadcastsReachWhoeverIsOnlineAndAreNotKept) {
  auto a = connect("alice");
  auto z = guest("zed");
  auto y = guest("yan");
  auto before = rows();
  EXPECT_EQ(chat_->broadcast_all("zed", "to all", nullptr), 0u);
  auto statuses = chat_->broadcast_users("zed", {"alice", "bob", "YAN", "nobody"}, "to some", nullptr);
  ASSERT_TRUE(statuses);
  ASSERT_EQ(statuses->size(), 4u);
  EXPECT_EQ((*statuses)[0].status, SendStatus::delivered);
  EXPECT_EQ((*statuses)[1].status, SendStatus::recipient_offline);
  EXPECT_EQ((*statuses)[2].name, "yan");
  EXPECT_EQ((*statuses)[2].status, SendStatus::delivered);
  EXPECT_EQ((*statuses)[3].status, SendStatus::unknown_user);
  EXPECT_EQ(rows(), before);
  EXPECT_EQ(lines(*a), (Strings{"guest zed: to all", "guest zed: to some"}));
  EXPECT_EQ(lines(*y), (Strings{"guest zed: to all", "guest zed: to some"}));
  EXPECT_TRUE(lines(*z).empty());
  EXPECT_TRUE(login_and_read("bob").empty());
  // An account's broadcast reaches guests live, and offline accounts later.
  Waiter<store::Done> w;
  EXPECT_EQ(chat_->broadcast_all("alice", "hello", w.callback()), 1u);
  EXPECT_TRUE(w.get().ok());
  EXPECT_EQ(lines(*z), Strings{"alice: hello"});
}

TEST_F(GuestRulesTest, HistoryKeepsNothingForGuests) {
  guest("zed");
  auto r = chat_->history("zed", "alice", 0, 10, nullptr);
  EXPECT_EQ(r.status, core::HistoryStatus::guest);
  EXPECT_EQ(chat_->history("nobody", "alice", 0, 10, nullptr).status, core::HistoryStatus::no_such_user);
}

TEST_F(GuestRulesTest, GuestsJoinExistingPublicRoomsLiveOnly) {
  EXPECT_EQ(join_room("alice", "#lobby"), RoomStatus::created);
  EXPECT_EQ(join_room("bob", "#lobby"), RoomStatus::ok);
  EXPECT_EQ(join_room("alice", "#secret"), RoomStatus::created);
  EXPECT_EQ(room_op([&](auto s) { return chat_->set_access(Actor{"alice"}, "#secret", true, nullptr, s); }),
            RoomStatus::ok);
  auto a = connect("alice");
  auto z = guest("zed");
  auto before = rows();
  EXPECT_EQ(join_room("zed", "#new"), RoomStatus::guest_not_allowed);  // guests create no rooms
  EXPECT_EQ(join_room("zed", "#secret"), RoomStatus::guest_not_allowed);
  EXPECT_EQ(join_room("zed", "bad name"), RoomStatus::bad_name);
  EXPECT_EQ(join_room("zed", "#LOBBY", z.get()), RoomStatus::ok);
  EXPECT_EQ(join_room("zed", "#lobby"), RoomStatus::already_member);
  EXPECT_EQ(member_names("#lobby"), (Strings{"alice (owner)", "bob", "zed (guest)"}));
  auto members = chat_->members(Actor{"zed"}, "#lobby").members;
  ASSERT_EQ(members.size(), 3u);
  EXPECT_TRUE(members[2].online);
  EXPECT_EQ(chat_->members(Actor{"zed"}, "#secret").status, RoomStatus::not_member);
  auto listing = chat_->rooms("zed");
  ASSERT_EQ(listing.joined.size(), 1u);
  EXPECT_EQ(listing.joined[0].name, "#lobby");
  EXPECT_EQ(listing.joined[0].guests, 1u);
  EXPECT_EQ(listing.joined[0].members, 2u);
  EXPECT_TRUE(listing.public_rooms.empty());
  EXPECT_EQ(chat_->topic("zed", "#lobby").status, RoomStatus::ok);
  EXPECT_EQ(chat_->details("alice", "zed")->rooms, Strings{"#lobby"});

  EXPECT_EQ(say("zed", "#lobby", "hello all", z.get()), RoomStatus::ok);
  EXPECT_EQ(say("zed", "#secret", "hello"), RoomStatus::not_member);
  EXPECT_EQ(say("alice", "#lobby", "hi zed", a.get()), RoomStatus::ok);
  auto after_say = rows();  // alice's message is kept
  EXPECT_GT(after_say, before);
  EXPECT_EQ(room_op([&](auto s) { return chat_->leave_room("zed", "#lobby", z.get(), s); }), RoomStatus::ok);
  EXPECT_EQ(rows(), after_say);
  EXPECT_EQ(lines(*a), (Strings{"[#lobby] joined guest zed", "[#lobby] guest zed: hello all", "[#lobby] left guest zed"}));
  EXPECT_EQ(lines(*z), Strings{"[#lobby] alice: hi zed"});
  EXPECT_EQ(member_names("#lobby"), (Strings{"alice (owner)", "bob"}));

  // Only what alice said is history.
  Waiter<store::HistoryPage> page;
  EXPECT_EQ(chat_->history("bob", "#lobby", 0, 10, page.callback()).status, core::HistoryStatus::ok);
  auto history = page.get();
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history.value().messages.size(), 1u);
  EXPECT_EQ(history.value().messages[0].message.text, "hi zed");
}

TEST_F(GuestRulesTest, GuestsDoNothingOwnersDoAndAreNoTargetForIt) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  guest("zed");
  join_room("zed", "#lobby");
  EXPECT_EQ(chat_->set_topic(Actor{"zed"}, "#lobby", "t", nullptr, nullptr).status, RoomStatus::guest_not_allowed);
  EXPECT_EQ(chat_->set_access(Actor{"zed"}, "#lobby", true, nullptr, nullptr).status, RoomStatus::guest_not_allowed);
  EXPECT_EQ(chat_->invite(Actor{"zed"}, "carol", "#lobby", nullptr, nullptr).status, RoomStatus::guest_not_allowed);
  EXPECT_EQ(chat_->remove_member(Actor{"zed"}, "bob", "#lobby", nullptr, nullptr).status,
            RoomStatus::guest_not_allowed);
  EXPECT_EQ(chat_->add_owner(Actor{"zed"}, "bob", "#lobby", nullptr, nullptr).status, RoomStatus::guest_not_allowed);
  EXPECT_EQ(chat_->hand_over(Actor{"zed"}, "bob", "#lobby", nullptr, nullptr).status, RoomStatus::guest_not_allowed);
  EXPECT_EQ(chat_->set_topic(Actor{"zed"}, "#none", "t", nullptr, nullptr).status, RoomStatus::no_such_room);
  EXPECT_EQ(chat_->invite(Actor{"alice"}, "zed", "#lobby", nullptr, nullptr).status, RoomStatus::no_such_user);
  EXPECT_EQ(chat_->add_owner(Actor{"alice"}, "zed", "#lobby", nullptr, nullptr).status, RoomStatus::no_such_user);
  EXPECT_EQ(chat_->hand_over(Actor{"alice"}, "zed", "#lobby", nullptr, nullptr).status, RoomStatus::no_such_user);
  EXPECT_EQ(member_names("#lobby"), (Strings{"alice (owner)", "bob", "zed (guest)"}));
}

TEST_F(GuestRulesTest, AnOwnerMayRemoveAGuest) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  join_room("alice", "#other");
  auto b = connect("bob");
  auto z = guest("zed");
  auto y = guest("yan");
  join_room("zed", "#lobby", z.get());
  EXPECT_EQ(chat_->remove_member(Actor{"bob"}, "zed", "#lobby", nullptr, nullptr).status, RoomStatus::not_owner);
  EXPECT_EQ(chat_->remove_member(Actor{"alice"}, "yan", "#lobby", nullptr, nullptr).status,
            RoomStatus::target_not_member);
  EXPECT_EQ(chat_->remove_member(Actor{"alice"}, "nobody", "#lobby", nullptr, nullptr).status,
            RoomStatus::no_such_user);
  EXPECT_EQ(room_op([&](auto s) { return chat_->remove_member(Actor{"alice"}, "ZED", "#lobby", nullptr, s); }),
            RoomStatus::ok);
  EXPECT_EQ(member_names("#lobby"), (Strings{"alice (owner)", "bob"}));
  EXPECT_EQ(lines(*z), Strings{"[#lobby] removed alice zed"});  // it hears it, then no more
  EXPECT_EQ(say("zed", "#lobby", "still here?"), RoomStatus::not_member);
  EXPECT_EQ(lines(*b), (Strings{"[#lobby] joined guest zed", "[#lobby] removed alice zed"}));
  // The operator may too.
  join_room("yan", "#lobby");
  EXPECT_EQ(room_op([&](auto s) { return chat_->remove_member(Actor::operator_(), "yan", "#lobby", nullptr, s); }),
            RoomStatus::ok);
  EXPECT_TRUE(chat_->rooms("yan").joined.empty());
}

TEST_F(GuestRulesTest, AGuestThatLeavesLeavesItsRooms) {
  join_room("alice", "#one");
  join_room("alice", "#two");
  auto a = connect("alice");
  auto z = guest("zed");
  join_room("zed", "#one");
  join_room("zed", "#two");
  chat_->leave("zed", z.get());
  EXPECT_EQ(lines(*a), (Strings{"[#one] joined guest zed", "[#two] joined guest zed", "[#one] left guest zed",
                                "[#two] left guest zed"}));
  EXPECT_EQ(member_names("#one"), Strings{"alice (owner)"});
  EXPECT_EQ(member_names("#two"), Strings{"alice (owner)"});
  EXPECT_EQ(chat_->rooms("alice").joined[0].guests, 0u);
  // Its rooms went with it: a new guest of that nick starts in none.
  guest("zed");
  EXPECT_TRUE(chat_->rooms("zed").joined.empty());
}

TEST_F(GuestRulesTest, ARoomGoneTakesItsGuestsWithIt) {
  join_room("alice", "#lobby");
  auto z = guest("zed");
  join_room("zed", "#lobby", z.get());
  EXPECT_EQ(room_op([&](auto s) { return chat_->leave_room("alice", "#lobby", nullptr, s); }), RoomStatus::ok);
  EXPECT_EQ(chat_->room_count(), 0u);
  EXPECT_EQ(lines(*z), (Strings{"[#lobby] left alice", "[#lobby] removed  zed"}));
  EXPECT_TRUE(chat_->rooms("zed").joined.empty());
  EXPECT_EQ(join_room("zed", "#lobby"), RoomStatus::guest_not_allowed);
  chat_->leave("zed", z.get());  // nothing left to leave
}

TEST_F(GuestRulesTest, AGuestsRoomsCountTowardTheLimit) {
  settings_.max_rooms_per_user = 2;
  open();
  join_room("alice", "#one");
  join_room("alice", "#two");
  EXPECT_EQ(join_room("bob", "#three"), RoomStatus::created);
  guest("zed");
  EXPECT_EQ(join_room("zed", "#one"), RoomStatus::ok);
  EXPECT_EQ(join_room("zed", "#two"), RoomStatus::ok);
  EXPECT_EQ(join_room("zed", "#three"), RoomStatus::too_many_joined);
}

TEST_F(GuestRulesTest, AnAccountOfAGuestsNickEndsTheGuest) {
  auto a = connect("alice");
  join_room("alice", "#lobby");
  auto z = guest("dave");
  join_room("dave", "#lobby");
  auto result = chat_->add_account("DAVE", "d-pass");
  EXPECT_EQ(result.status, core::AdminStatus::ok);
  EXPECT_EQ(result.ended, 1u);
  EXPECT_EQ(z->ended, std::vector<core::AdminEnd>{core::AdminEnd::kicked});
  EXPECT_FALSE(chat_->is_guest("dave"));
  EXPECT_FALSE(chat_->is_online("dave"));
  EXPECT_EQ(member_names("#lobby"), Strings{"alice (owner)"});
  EXPECT_EQ(lines(*a), (Strings{"[#lobby] joined guest dave", "[#lobby] left guest dave"}));
  chat_->leave("dave", z.get());  // the ended session leaves: nothing happens
  EXPECT_EQ(chat_->join_guest("dave", std::make_shared<RecordingParticipant>()), GuestStatus::account_name);
  connect("dave");
  EXPECT_TRUE(chat_->is_online("dave"));
  // The users file does the same.
  auto y = guest("yan");
  chat_->import_users({{"alice", "a-pass", 1}, {"bob", "b-pass", 2}, {"carol", "c-pass", 3}, {"Yan", "y-pass", 4}});
  EXPECT_EQ(y->ended, std::vector<core::AdminEnd>{core::AdminEnd::kicked});
  EXPECT_FALSE(chat_->is_guest("yan"));
}

TEST_F(GuestRulesTest, GuestPresenceIsMarked) {
  join_room("alice", "#lobby");
  auto a = connect("alice", true);
  auto b = connect("bob");
  chat_->watch(b, "zed");
  auto z = guest("zed", true);
  join_room("zed", "#lobby", z.get());
  chat_->set_away("zed", "afk");
  EXPECT_EQ(chat_->away("zed"), "afk");
  EXPECT_EQ(chat_->who_else("alice")[1].away, "afk");
  chat_->watch(z, "alice");
  chat_->leave("alice", a.get());
  chat_->leave("zed", z.get());
  EXPECT_EQ(lines(*b), (Strings{"online guest zed", "away guest zed", "offline guest zed"}));
  EXPECT_EQ(lines(*a), (Strings{"[#lobby] joined guest zed", "away guest zed"}));
  // zed saw alice go, in the room and as a watcher, once.
  EXPECT_EQ(lines(*z), Strings{"offline alice"});
}
