// The control protocol's room commands on the chat rules and a real store:
// the operator's view of every room, changes answered once committed and
// logged, and refusals that say what is wrong.
#include <gtest/gtest.h>

#include "chat_fixture.hpp"
#include "proto/control/commands.hpp"

using namespace parley;
using proto::control::ErrorKind;
using proto::control::Request;
using proto::control::Response;
using proto::control::Row;

namespace {

using unit::RecordingParticipant;
using unit::Waiter;

class ControlRoomsTest : public unit::ChatFixture {
 protected:
  void SetUp() override {
    ChatFixture::SetUp();
    make_commands();
  }
  void make_commands() {
    proto::control::CommandHooks hooks;
    hooks.log = [this](const std::string& line) { logged_.push_back(line); };
    commands_ = std::make_unique<proto::control::Commands>(*chat_, std::move(hooks));
  }
  Response run(const std::string& command, std::vector<std::string> args = {}) {
    return commands_->handle(Request{command, std::move(args)}, "uid=0 pid=7");
  }
  void join_room(const std::string& user, const std::string& room) {
    Waiter<store::Done> w;
    auto r = chat_->join_room(user, room, nullptr, w.callback());
    ASSERT_TRUE(r.status == core::RoomStatus::ok || r.status == core::RoomStatus::created);
    ASSERT_TRUE(w.get().ok());
  }
  // The room lines a participant got: the event, who acted ("" for the
  // operator), the target and the text.
  static std::vector<std::string> events(RecordingParticipant& p) {
    std::lock_guard lock(p.mutex);
    std::vector<std::string> out;
    for (const auto& e : p.received) {
      const auto& m = e->message();
      out.push_back(m.room + " " + std::to_string(static_cast<int>(m.event)) + " by '" + m.sender + "' " + m.target +
                    (m.text.empty() ? "" : ": " + m.text));
    }
    return out;
  }
  static Response refused(const std::string& text) { return Response::failure(ErrorKind::refused, text); }

  std::unique_ptr<proto::control::Commands> commands_;
  std::vector<std::string> logged_;
};

}  // namespace

TEST_F(ControlRoomsTest, TheOperatorSeesEveryRoomAndEveryMember) {
  EXPECT_EQ(run("room-list"), Response::success());
  join_room("alice", "#Lobby");
  join_room("bob", "#lobby");
  join_room("carol", "#secret");
  ASSERT_EQ(chat_->set_access(core::Actor{"carol"}, "#secret", true, nullptr, nullptr).status, core::RoomStatus::ok);
  ASSERT_EQ(chat_->set_topic(core::Actor{"alice"}, "#lobby", "all welcome", nullptr, nullptr).status,
            core::RoomStatus::ok);
  auto alice = join("alice");

  EXPECT_EQ(run("room-list"), Response::success({Row{"#Lobby", "2", "1", "public", "all welcome"},
                                                 Row{"#secret", "1", "0", "invite-only", "-"}}));
  EXPECT_EQ(run("room-members", {"#LOBBY"}),
            Response::success({Row{"alice", "owner", "online"}, Row{"bob", "member", "offline"}}));
  // Invite-only rooms too.
  EXPECT_EQ(run("room-members", {"#secret"}), Response::success({Row{"carol", "owner", "offline"}}));
  EXPECT_TRUE(logged_.empty());
}

TEST_F(ControlRoomsTest, ChangesAreAnsweredOnceCommittedLoggedAndSeenByTheMembers) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  join_room("carol", "#lobby");
  auto carol = join("carol");

  EXPECT_EQ(run("room-topic", {"#LOBBY", "Release day \x1b[31mbe kind"}),
            Response::success({Row{"#lobby", "Release day be kind"}}));
  EXPECT_EQ(run("room-topic", {"#lobby", "-"}), Response::success({Row{"#lobby", "-"}}));
  EXPECT_EQ(run("room-owner", {"BOB", "#lobby"}), Response::success({Row{"bob", "#lobby"}}));
  // The operator removes owners too.
  EXPECT_EQ(run("room-remove", {"alice", "#lobby"}), Response::success({Row{"alice", "#lobby"}}));
  EXPECT_EQ(run("room-handover", {"carol", "#lobby"}), Response::success({Row{"carol", "#lobby"}}));
  EXPECT_EQ(run("room-access", {"#lobby", "invite-only"}), Response::success({Row{"#lobby", "invite-only"}}));
  EXPECT_EQ(run("room-invite", {"alice", "#lobby"}), Response::success({Row{"alice", "#lobby"}}));
  EXPECT_EQ(logged_, (std::vector<std::string>{
                         "room topic set room=#lobby by uid=0 pid=7: Release day be kind",
                         "room topic cleared room=#lobby by uid=0 pid=7",
                         "room owner added room=#lobby user=bob by uid=0 pid=7",
                         "room member removed room=#lobby user=alice by uid=0 pid=7",
                         "room handed over room=#lobby user=carol by uid=0 pid=7",
                         "room access set room=#lobby access=invite-only by uid=0 pid=7",
                         "room invitation room=#lobby user=alice by uid=0 pid=7",
                     }));
  auto event = [](core::RoomEvent e) { return std::to_string(static_cast<int>(e)); };
  EXPECT_EQ(events(*carol), (std::vector<std::string>{
                                "#lobby " + event(core::RoomEvent::topic) + " by '' : Release day be kind",
                                "#lobby " + event(core::RoomEvent::topic) + " by '' ",
                                "#lobby " + event(core::RoomEvent::owner_added) + " by '' bob",
                                "#lobby " + event(core::RoomEvent::removed) + " by '' alice",
                                "#lobby " + event(core::RoomEvent::owner_dropped) + " by '' carol",
                                "#lobby " + event(core::RoomEvent::access) + " by '' : invite-only",
                            }));

  // Committed: a restart finds it all.
  carol.reset();
  commands_.reset();
  store_->flush();
  open();
  make_commands();
  EXPECT_EQ(run("room-list"), Response::success({Row{"#lobby", "2", "0", "invite-only", "-"}}));
  EXPECT_EQ(run("room-members", {"#lobby"}),
            Response::success({Row{"bob", "member", "offline"}, Row{"carol", "owner", "offline"}}));
  EXPECT_EQ(chat_->rooms("alice").invitations.size(), 1u);
}

TEST_F(ControlRoomsTest, RefusalsSayWhatIsWrongAndChangeNothing) {
  join_room("alice", "#lobby");
  join_room("bob", "#lobby");
  const std::string bad_name = "' (use '#' and 1 to 32 letters, digits, '.', '_' or '-')";
  EXPECT_EQ(run("room-members", {"#nowhere"}), refused("no such room: #nowhere"));
  EXPECT_EQ(run("room-members", {"lobby"}), refused("invalid room name 'lobby" + bad_name));
  EXPECT_EQ(run("room-topic", {"#no way", "x"}), refused("invalid room name '#no\\x20way" + bad_name));
  EXPECT_EQ(run("room-topic", {"#nowhere", "x"}), refused("no such room: #nowhere"));
  EXPECT_EQ(run("room-topic", {"#lobby", std::string(301, 'x')}),
            refused("the topic is longer than 300 characters; it was not set"));
  EXPECT_EQ(run("room-remove", {"zed", "#lobby"}), refused("no such user: zed"));
  EXPECT_EQ(run("room-remove", {"Carol", "#lobby"}), refused("carol is not a member of #lobby"));
  EXPECT_EQ(run("room-owner", {"ALICE", "#lobby"}), refused("alice is already an owner of #lobby"));
  EXPECT_EQ(run("room-handover", {"carol", "#LOBBY"}), refused("carol is not a member of #lobby"));
  EXPECT_EQ(run("room-invite", {"bob", "#lobby"}), refused("bob is already a member of #lobby"));
  EXPECT_EQ(run("room-invite", {"carol", "#lobby"}), Response::success({Row{"carol", "#lobby"}}));
  EXPECT_EQ(run("room-invite", {"carol", "#lobby"}), refused("carol is already invited to #lobby"));
  EXPECT_EQ(run("room-access", {"#lobby", "closed"}), refused("access is public or invite-only, not 'closed'"));
  EXPECT_EQ(run("room-access", {"#lobby\x1b", "public"}), refused("invalid room name '#lobby\\x1b" + bad_name));
  EXPECT_EQ(logged_, std::vector<std::string>{"room invitation room=#lobby user=carol by uid=0 pid=7"});
  EXPECT_EQ(run("room-list"), Response::success({Row{"#lobby", "2", "0", "public", "-"}}));
}
