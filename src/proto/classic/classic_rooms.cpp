// The classic protocol's room and history commands.
#include <spdlog/spdlog.h>

#include "proto/classic/classic_session.hpp"
#include "proto/classic/format.hpp"
#include "proto/classic/room_format.hpp"

namespace parley::proto::classic {

void ClassicSession::on_room_command(const Command& command) {
  auto& chat = this->chat();
  const core::Participant* me = this;
  if (auto* join = std::get_if<JoinRoom>(&command)) {
    auto r = chat.join_room(user(), join->room, me, store_answer());
    return after_room_change(r, joined(r));
  }
  if (auto* leave = std::get_if<LeaveRoom>(&command)) {
    auto r = chat.leave_room(user(), leave->room, me, store_answer());
    return after_room_change(r, left(r.room));
  }
  if (std::holds_alternative<ListRooms>(command)) {
    send(room_listing(chat.rooms(user())));
    return prompt();
  }
  if (auto* members = std::get_if<ListMembers>(&command)) {
    auto r = chat.members(core::Actor{user()}, members->room);
    if (r.status == core::RoomStatus::ok) {
      send(member_listing(r));
    } else {
      core::RoomReply failed;
      failed.status = r.status;
      failed.room = r.room;
      send(room_error(failed, user()));
    }
    return prompt();
  }
  if (auto* topic = std::get_if<Topic>(&command)) {
    if (!topic->text) {
      auto r = chat.topic(user(), topic->room);
      send(r.status == core::RoomStatus::ok ? topic_is(r) : room_error(r, user()));
      return prompt();
    }
    auto r = chat.set_topic(core::Actor{user()}, topic->room, *topic->text, me, store_answer());
    return after_room_change(r, topic_set(r));
  }
  if (auto* member = std::get_if<RoomMemberCommand>(&command)) return on_member_command(*member);
  if (auto* access = std::get_if<RoomAccess>(&command)) {
    auto r = chat.set_access(core::Actor{user()}, access->room, access->invite_only, me, store_answer());
    return after_room_change(r, access_set(r, access->invite_only));
  }
  if (auto* message = std::get_if<RoomMessage>(&command)) return on_room_message(*message);
  if (auto* history = std::get_if<History>(&command)) return on_history(*history);
  prompt();
}

// A change the store is writing: its answer comes once committed.
void ClassicSession::after_room_change(const core::RoomReply& r, std::string if_stored) {
  using core::RoomStatus;
  if (r.status == RoomStatus::ok || r.status == RoomStatus::created)
    return await_store(std::move(if_stored), std::string(kRoomChangeFailed));
  auto settings = chat().settings();
  if (r.status == RoomStatus::too_many_rooms)
    send(room_limit(r.status, settings.max_rooms));
  else if (r.status == RoomStatus::too_many_joined)
    send(room_limit(r.status, settings.max_rooms_per_user));
  else
    send(room_error(r, user()));
  prompt();
}

void ClassicSession::on_member_command(const RoomMemberCommand& c) {
  auto& chat = this->chat();
  core::Actor actor{user()};
  const core::Participant* me = this;
  core::RoomReply r;
  switch (c.action) {
    case MemberAction::invite:
      r = chat.invite(actor, c.user, c.room, me, store_answer());
      break;
    case MemberAction::remove:
      r = chat.remove_member(actor, c.user, c.room, me, store_answer());
      break;
    case MemberAction::owner:
      r = chat.add_owner(actor, c.user, c.room, me, store_answer());
      break;
    case MemberAction::handover:
      r = chat.hand_over(actor, c.user, c.room, me, store_answer());
      break;
  }
  if (r.status == core::RoomStatus::no_such_user && r.target.empty()) r.target = c.user;
  after_room_change(r, member_done(c.action, r));
}

// Online members have it at once; the prompt waits for the commit, so a
// message the sender saw acknowledged is in the room's history.
void ClassicSession::on_room_message(const RoomMessage& c) {
  auto r = chat().send_room(user(), c.room, c.text, this, store_answer());
  if (r.status == core::RoomStatus::ok) return await_store({}, std::string(kStoreFailed));
  send(room_error(r, user()));
  prompt();
}

void ClassicSession::on_history(const History& c) {
  History wanted = c;
  store::MessageId before = 0;
  if (wanted.target.empty()) {  // history more
    if (!history_) {
      send(kHistoryNothingMore);
      return prompt();
    }
    wanted.target = history_->target;
    wanted.count = history_->count;
    before = history_->before;
  }
  if (wanted.count < 1 || wanted.count > kHistoryMax) {
    send(history_range());
    return prompt();
  }
  auto conversation = std::make_shared<std::string>();
  auto r = chat().history(user(), wanted.target, before, static_cast<std::size_t>(wanted.count),
                          here<store::HistoryPage>([this, conversation, count = wanted.count](auto page) {
                            show_history(*conversation, count, std::move(page));
                          }));
  if (r.status != core::HistoryStatus::ok) {
    send(history_error(r));
    return prompt();
  }
  *conversation = r.conversation;
  connection().pause();
}

void ClassicSession::show_history(std::string conversation, int count, store::Result<store::HistoryPage> result) {
  if (connection().closing()) return;
  if (!result.ok()) {
    spdlog::error("history fetch failed user={}: {}", user(), result.error());
    send("Error: the history cannot be read now; please try again\n");
  } else if (auto& page = result.value(); page.messages.empty()) {
    history_.reset();
    send(history_empty(conversation));
  } else {
    std::string out = history_header(conversation);
    for (const auto& m : page.messages) out += stamped_line(m.message);
    if (page.older > 0) {
      out += history_earlier(page.older);
      history_ = std::make_unique<HistoryCursor>(HistoryCursor{conversation, page.messages.front().id, count});
    } else {
      history_.reset();
    }
    send(out);
  }
  prompt();
  connection().resume();
}

}  // namespace parley::proto::classic
