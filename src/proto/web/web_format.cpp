#include "proto/web/web_format.hpp"

#include <ctime>

#include "proto/web/json_writer.hpp"

namespace parley::proto::web {

std::string iso_time(core::TimePoint when) {
  auto since = when.time_since_epoch();
  auto seconds = std::chrono::floor<std::chrono::seconds>(since);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since - seconds).count();
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[48];
  auto n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out(stamp, n);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(millis));
  return out + frac;
}

namespace {

std::string_view kind_name(core::MessageKind kind) {
  switch (kind) {
    case core::MessageKind::private_message:
      return "private";
    case core::MessageKind::broadcast:
      return "broadcast";
    default:
      return "room";
  }
}

std::string_view event_name(core::RoomEvent event) {
  switch (event) {
    case core::RoomEvent::joined:
      return "joined";
    case core::RoomEvent::left:
      return "left";
    case core::RoomEvent::removed:
      return "removed";
    case core::RoomEvent::topic:
      return "topic";
    case core::RoomEvent::owner_added:
      return "owner_added";
    case core::RoomEvent::owner_dropped:
      return "owner_dropped";
    case core::RoomEvent::access:
      return "access";
  }
  return "joined";
}

std::string_view presence_name(core::PresenceChange change) {
  switch (change) {
    case core::PresenceChange::online:
      return "online";
    case core::PresenceChange::offline:
      return "offline";
    case core::PresenceChange::away:
      return "away";
    case core::PresenceChange::back:
      return "back";
  }
  return "online";
}

std::string event_line(const core::ChatMessage& m) {
  JsonWriter w("room_event");
  w.text("event", event_name(m.event)).text("room", m.room);
  if (!m.sender.empty()) w.text("by", m.sender);
  if (!m.target.empty()) w.text("target", m.target);
  if (!m.text.empty() || m.event == core::RoomEvent::topic) w.text("text", m.text);
  return std::move(w.text("time", iso_time(m.sent_at))).line();
}

std::string presence_line(const core::ChatMessage& m) {
  JsonWriter w("presence");
  w.text("user", m.sender).text("state", presence_name(m.presence));
  if (!m.text.empty()) w.text("text", m.text);
  if (m.guest) w.flag("guest", true);
  return std::move(w.text("time", iso_time(m.sent_at))).line();
}

}  // namespace

std::string message_object(const core::ChatMessage& m, std::int64_t id, std::string_view to, bool offline) {
  JsonWriter w("message");
  w.text("kind", kind_name(m.kind));
  if (id > 0) w.number("id", id);
  w.text("from", m.sender);
  if (m.kind == core::MessageKind::room) w.text("room", m.room);
  if (!to.empty()) w.text("to", to);
  w.text("text", m.text).text("time", iso_time(m.sent_at));
  if (offline) w.flag("offline", true);
  if (m.guest) w.flag("guest", true);
  return std::move(w).object();
}

std::string live_line(const core::ChatMessage& m) {
  switch (m.kind) {
    case core::MessageKind::private_message:
    case core::MessageKind::broadcast:
    case core::MessageKind::room:
      return message_object(m, m.id, {}, false) + '\n';
    case core::MessageKind::room_event:
      return event_line(m);
    case core::MessageKind::invitation: {
      JsonWriter w("invitation");
      w.text("room", m.room).text("by", m.sender).text("time", iso_time(m.sent_at));
      return std::move(w).line();
    }
    case core::MessageKind::presence:
      return presence_line(m);
  }
  return {};
}

std::string user_object(const core::UserSummary& u) {
  JsonWriter w;
  w.text("name", u.name).text("intro", u.intro).text("away", u.away);
  if (u.guest) w.flag("guest", true);
  return std::move(w).object();
}

std::string users_array(const std::vector<core::UserSummary>& users) {
  JsonArray a;
  for (const auto& u : users) a.add(user_object(u));
  return std::move(a).close();
}

std::string room_object(const core::RoomInfo& r) {
  JsonWriter w;
  w.text("name", r.name)
      .text("topic", r.topic)
      .flag("invite_only", r.invite_only)
      .number("members", static_cast<std::int64_t>(r.members))
      .number("online", static_cast<std::int64_t>(r.online))
      .flag("owner", r.owner);
  return std::move(w).object();
}

std::string rooms_array(const std::vector<core::RoomInfo>& rooms) {
  JsonArray a;
  for (const auto& r : rooms) a.add(room_object(r));
  return std::move(a).close();
}

std::string_view refusal_code(session::Refusal why) {
  switch (why) {
    case session::Refusal::server_full:
      return "server_full";
    case session::Refusal::too_many_connections:
      return "too_many_connections";
    case session::Refusal::too_many_logins:
      return "too_many_logins";
    case session::Refusal::too_many_failures:
      return "too_many_failures";
    case session::Refusal::busy:
      return "busy";
  }
  return "refused";
}

std::string_view room_status_code(core::RoomStatus status) {
  using core::RoomStatus;
  switch (status) {
    case RoomStatus::ok:
    case RoomStatus::created:
      return "ok";
    case RoomStatus::bad_name:
      return "bad_name";
    case RoomStatus::no_such_room:
      return "no_such_room";
    case RoomStatus::not_member:
      return "not_member";
    case RoomStatus::already_member:
      return "already_member";
    case RoomStatus::invite_only:
      return "invite_only";
    case RoomStatus::not_owner:
      return "not_owner";
    case RoomStatus::no_such_user:
      return "no_such_user";
    case RoomStatus::target_not_member:
      return "target_not_member";
    case RoomStatus::target_is_owner:
      return "target_is_owner";
    case RoomStatus::to_self:
      return "to_self";
    case RoomStatus::too_many_rooms:
      return "too_many_rooms";
    case RoomStatus::too_many_joined:
      return "too_many_joined";
    case RoomStatus::empty_text:
      return "empty_text";
    case RoomStatus::already_invited:
      return "already_invited";
    case RoomStatus::too_long:
      return "too_long";
    case RoomStatus::too_many_invites:
      return "too_many_invites";
    case RoomStatus::guest_not_allowed:
      return "guest_not_allowed";
  }
  return "bad_request";
}

std::string_view admin_end_reason(core::AdminEnd why) {
  switch (why) {
    case core::AdminEnd::kicked:
      return "kicked";
    case core::AdminEnd::deleted:
      return "deleted";
    case core::AdminEnd::password_changed:
      return "password_changed";
    case core::AdminEnd::disabled:
      return "disabled";
  }
  return "kicked";
}

std::string error_line(std::string_view code, std::string_view text, std::string_view ref) {
  JsonWriter w("error");
  w.text("code", code).text("text", words(text)).ref(ref);
  return std::move(w).line();
}

std::string bye_line(std::string_view reason, std::string_view text) {
  JsonWriter w("bye");
  w.text("reason", reason).text("text", words(text));
  return std::move(w).line();
}

std::string_view words(std::string_view classic_line) {
  auto text = classic_line;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.starts_with("Error: ")) text.remove_prefix(7);  // the JSON says it is an error
  return text;
}

}  // namespace parley::proto::web
