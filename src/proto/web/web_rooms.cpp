// The web protocol's room and history requests.
#include <spdlog/spdlog.h>

#include "proto/classic/format.hpp"
#include "proto/classic/room_format.hpp"
#include "proto/web/json_writer.hpp"
#include "proto/web/web_format.hpp"
#include "proto/web/web_session.hpp"

namespace parley::proto::web {

namespace {
constexpr std::int64_t kHistoryDefault = 50;
constexpr std::int64_t kHistoryMax = 500;
}  // namespace

void WebSession::room_failed(const core::RoomReply& r) {
  auto settings = chat().settings();
  std::string text;
  if (r.status == core::RoomStatus::too_many_rooms)
    text = classic::room_limit(r.status, settings.max_rooms);
  else if (r.status == core::RoomStatus::too_many_joined)
    text = classic::room_limit(r.status, settings.max_rooms_per_user);
  else
    text = classic::room_error(r, user());
  fail(room_status_code(r.status), text);
}

void WebSession::after_room_change(const core::RoomReply& r, std::string if_stored) {
  if (r.status == core::RoomStatus::ok || r.status == core::RoomStatus::created)
    return await_store(std::move(if_stored), unavailable_line());
  room_failed(r);
}

void WebSession::on_room_message(const std::string& room, std::string_view text) {
  auto r = chat().send_room(user(), room, text, this, store_answer());
  if (r.status != core::RoomStatus::ok) return room_failed(r);
  JsonWriter w("sent");
  w.text("to", r.room);
  if (r.id > 0) w.number("id", r.id);
  w.text("time", iso_time(r.sent_at)).ref(ref_);
  // Acknowledged once stored: a message the sender saw sent is in the history.
  await_store(std::move(w).line(), error_line("unavailable", classic::kStoreFailed, ref_));
}

void WebSession::on_join(const Request& r) {
  auto name = need_text(r, "room");
  auto reply = chat().join_room(user(), name, this, store_answer());
  if (reply.status != core::RoomStatus::ok && reply.status != core::RoomStatus::created) return room_failed(reply);
  // The room as the listing shows it, after the join.
  std::string room = "{}";
  for (const auto& info : chat().rooms(user()).joined)
    if (info.name == reply.room) room = room_object(info);
  JsonWriter w("joined");
  w.raw("room", room).flag("created", reply.status == core::RoomStatus::created).ref(ref_);
  after_room_change(reply, std::move(w).line());
}

void WebSession::on_leave(const Request& r) {
  auto reply = chat().leave_room(user(), need_text(r, "room"), this, store_answer());
  JsonWriter w("left");
  w.text("room", reply.room).ref(ref_);
  after_room_change(reply, std::move(w).line());
}

void WebSession::on_topic(const Request& r) {
  auto room = need_text(r, "room");
  auto topic = maybe_text(r, "topic");
  if (!topic) {
    auto reply = chat().topic(user(), room);
    if (reply.status != core::RoomStatus::ok) return room_failed(reply);
    JsonWriter w("topic");
    return send(std::move(w.text("room", reply.room).text("topic", reply.topic).ref(ref_)).line());
  }
  auto reply = chat().set_topic(core::Actor{user()}, room, *topic, this, store_answer());
  JsonWriter w("topic");
  w.text("room", reply.room).text("topic", reply.topic).ref(ref_);
  after_room_change(reply, std::move(w).line());
}

void WebSession::on_members(const Request& r) {
  auto reply = chat().members(core::Actor{user()}, need_text(r, "room"));
  if (reply.status != core::RoomStatus::ok) {
    core::RoomReply failed;
    failed.status = reply.status;
    failed.room = reply.room;
    return room_failed(failed);
  }
  JsonArray members;
  for (const auto& m : reply.members) {
    JsonWriter w;
    w.text("name", m.name).text("intro", m.intro).flag("owner", m.owner).flag("online", m.online);
    if (m.guest) w.flag("guest", true);
    members.add(std::move(w).object());
  }
  JsonWriter w("members");
  w.text("room", reply.room).raw("members", std::move(members).close()).ref(ref_);
  send(std::move(w).line());
}

void WebSession::on_member_action(const Request& r) {
  auto room = need_text(r, "room");
  std::string target(need_text(r, "user"));
  core::Actor actor{user()};
  core::RoomReply reply;
  if (r.type == "invite")
    reply = chat().invite(actor, target, room, this, store_answer());
  else if (r.type == "remove")
    reply = chat().remove_member(actor, target, room, this, store_answer());
  else if (r.type == "owner")
    reply = chat().add_owner(actor, target, room, this, store_answer());
  else
    reply = chat().hand_over(actor, target, room, this, store_answer());
  if (reply.status == core::RoomStatus::no_such_user && reply.target.empty()) reply.target = target;
  after_room_change(reply, ok_line());
}

void WebSession::on_access(const Request& r) {
  auto room = need_text(r, "room");
  auto invite_only = maybe_flag(r, "invite_only");
  if (!invite_only) throw FieldError("\"invite_only\" is missing");
  auto reply = chat().set_access(core::Actor{user()}, room, *invite_only, this, store_answer());
  after_room_change(reply, ok_line());
}

void WebSession::on_rooms() {
  auto listing = chat().rooms(user());
  JsonArray invitations;
  for (const auto& i : listing.invitations) {
    JsonWriter w;
    invitations.add(std::move(w.text("room", i.room).text("by", i.by)).object());
  }
  JsonWriter w("rooms");
  w.raw("joined", rooms_array(listing.joined))
      .raw("public", rooms_array(listing.public_rooms))
      .raw("invitations", std::move(invitations).close())
      .ref(ref_);
  send(std::move(w).line());
}

void WebSession::on_history(const Request& r) {
  std::string with(need_text(r, "with"));
  auto before = maybe_number(r, "before").value_or(0);
  auto limit = maybe_number(r, "limit").value_or(kHistoryDefault);
  if (before < 0) throw FieldError("\"before\" must be a message id");
  if (limit < 1 || limit > kHistoryMax) throw FieldError("\"limit\" must be 1 to 500");
  auto answer = chat().history(
      user(), with, before, static_cast<std::size_t>(limit),
      here<store::HistoryPage>([this, with, ref = ref_](auto page) { show_history(with, ref, std::move(page)); }));
  switch (answer.status) {
    case core::HistoryStatus::ok:
      return;
    case core::HistoryStatus::no_such_user:
      return fail("no_such_user", classic::no_such_user(with));
    case core::HistoryStatus::no_such_room:
      return fail("no_such_room", classic::history_error(answer));
    case core::HistoryStatus::not_member:
      return fail("not_member", classic::history_error(answer));
    case core::HistoryStatus::guest:
      return fail("guest_not_allowed", "Guests have no history: nothing is kept for them");
  }
}

void WebSession::show_history(const std::string& with, const std::string& ref,
                              store::Result<store::HistoryPage> result) {
  if (connection().closing()) return;
  if (!result.ok()) {
    spdlog::error("history fetch failed user={}: {}", user(), result.error());
    return send(error_line("unavailable", "The history cannot be read now; please try again", ref));
  }
  const auto& page = result.value();
  bool room = with.starts_with("#");
  std::string other = room ? std::string() : chat().account_name(with).value_or(with);
  JsonArray messages;
  for (const auto& s : page.messages) {
    std::string_view to;
    if (!room && s.message.kind == core::MessageKind::private_message)
      to = s.message.sender == user() ? std::string_view(other) : std::string_view(user());
    messages.add(message_object(s.message, s.id, to, false));
  }
  JsonWriter w("history");
  w.text("with", room ? with : other)
      .raw("messages", std::move(messages).close())
      .flag("more", page.older > 0)
      .ref(ref);
  send(std::move(w).line());
}

}  // namespace parley::proto::web
