#include "proto/classic/room_format.hpp"

#include <fmt/format.h>

#include <ctime>

#include "core/text.hpp"

namespace parley::proto::classic {

namespace {

constexpr std::string_view kOperator = "the server administrator";

std::string_view actor(const std::string& sender) { return sender.empty() ? kOperator : std::string_view(sender); }

// A name the user typed, safe to echo.
std::string typed(std::string_view name) { return core::sanitize_text(name.substr(0, 64)); }

std::string event_text(const core::ChatMessage& m) {
  switch (m.event) {
    case core::RoomEvent::joined:
      return fmt::format("{} joined the room", m.sender);
    case core::RoomEvent::left:
      return fmt::format("{} left the room", m.sender);
    case core::RoomEvent::removed:
      return fmt::format("{} was removed by {}", m.target, actor(m.sender));
    case core::RoomEvent::topic:
      if (m.text.empty()) return fmt::format("{} cleared the topic", actor(m.sender));
      return fmt::format("{} set the topic: {}", actor(m.sender), m.text);
    case core::RoomEvent::owner_added:
      if (m.sender.empty()) return fmt::format("{} is now an owner", m.target);
      return fmt::format("{} made {} an owner", m.sender, m.target);
    case core::RoomEvent::owner_dropped:
      return fmt::format("{} handed ownership to {}", actor(m.sender), m.target);
    case core::RoomEvent::access:
      return fmt::format("{} made the room {}", actor(m.sender), m.text);
  }
  return {};
}

}  // namespace

std::string room_line(const core::ChatMessage& m) {
  if (m.kind == core::MessageKind::invitation) {
    std::string by = m.sender.empty() ? "The server administrator" : m.sender;
    return fmt::format("{} invited you to {}; type 'join {}' to join\n", by, m.room, m.room);
  }
  if (m.kind == core::MessageKind::room_event) return fmt::format("[{}] {}\n", m.room, event_text(m));
  // Built by hand: this runs once per message on the hot path.
  std::string line;
  line.reserve(m.room.size() + m.sender.size() + m.text.size() + 6);
  line.append("[").append(m.room).append("] ").append(m.sender).append(": ").append(m.text).append("\n");
  return line;
}

std::string utc_stamp(core::TimePoint when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return stamp;
}

std::string stamped_line(const core::ChatMessage& m) {
  return fmt::format("[{}] {}: {}\n", utc_stamp(m.sent_at), m.sender, m.text);
}

std::string room_error(const core::RoomReply& r, std::string_view user) {
  using core::RoomStatus;
  switch (r.status) {
    case RoomStatus::ok:
    case RoomStatus::created:
      return {};
    case RoomStatus::bad_name:
      return "Error: a room name is '#' followed by 1 to 32 letters, digits, '.', '_' or '-'\n";
    case RoomStatus::no_such_room:
      return fmt::format("Error: no such room: {}\n", typed(r.room));
    case RoomStatus::not_member:
      return fmt::format("Error: you are not in {}\n", r.room);
    case RoomStatus::already_member:
      if (!r.target.empty()) return fmt::format("Error: {} is already in {}\n", r.target, r.room);
      return fmt::format("Error: you are already in {}\n", r.room);
    case RoomStatus::invite_only:
      return fmt::format("Error: {} is invite-only; an owner must invite you\n", r.room);
    case RoomStatus::not_owner:
      return fmt::format("Error: only an owner of {} can do that\n", r.room);
    case RoomStatus::no_such_user:
      return fmt::format("Error: no such user: {}\n", typed(r.target.empty() ? user : r.target));
    case RoomStatus::target_not_member:
      return fmt::format("Error: {} is not in {}\n", r.target, r.room);
    case RoomStatus::target_is_owner:
      return fmt::format("Error: {} is an owner of {}\n", r.target, r.room);
    case RoomStatus::to_self:
      return "Error: you cannot do that to yourself\n";
    case RoomStatus::too_many_rooms:
    case RoomStatus::too_many_joined:
      return {};  // room_limit() says it, with the limit
    case RoomStatus::empty_text:
      return "Error: usage: message #room <text>\n";
    case RoomStatus::already_invited:
      return fmt::format("Error: {} is already invited to {}\n", r.target, r.room);
    case RoomStatus::too_long:
      return fmt::format("Error: the topic is longer than {} characters; it was not set\n", core::kTopicMax);
    case RoomStatus::too_many_invites:
      return fmt::format("Error: {} has too many pending invitations (limit {})\n", r.room, core::kInvitesPerRoom);
    case RoomStatus::guest_not_allowed:
      return {};  // classic users have accounts
  }
  return {};
}

std::string room_limit(core::RoomStatus status, std::size_t limit) {
  if (status == core::RoomStatus::too_many_rooms)
    return fmt::format("Error: this server has too many rooms (limit {})\n", limit);
  return fmt::format("Error: you are in too many rooms (limit {})\n", limit);
}

std::string joined(const core::RoomReply& r) {
  if (r.status == core::RoomStatus::created) return fmt::format("Created {}; you are its owner\n", r.room);
  auto line = fmt::format("Joined {} ({} members)\n", r.room, r.members);
  if (!r.topic.empty()) line += fmt::format("Topic of {}: {}\n", r.room, r.topic);
  return line;
}

std::string left(std::string_view room) { return fmt::format("Left {}\n", room); }

std::string topic_is(const core::RoomReply& r) {
  if (r.topic.empty()) return fmt::format("{} has no topic\n", r.room);
  return fmt::format("Topic of {}: {}\n", r.room, r.topic);
}

std::string topic_set(const core::RoomReply& r) {
  return fmt::format("Topic of {} {}\n", r.room, r.topic.empty() ? "cleared" : "set");
}

std::string member_done(MemberAction action, const core::RoomReply& r) {
  switch (action) {
    case MemberAction::invite:
      return fmt::format("Invited {} to {}\n", r.target, r.room);
    case MemberAction::remove:
      return fmt::format("Removed {} from {}\n", r.target, r.room);
    case MemberAction::owner:
      return fmt::format("{} is now an owner of {}\n", r.target, r.room);
    case MemberAction::handover:
      break;
  }
  return fmt::format("You handed {} over to {}\n", r.room, r.target);
}

std::string access_set(const core::RoomReply& r, bool invite_only) {
  return fmt::format("{} is now {}\n", r.room, invite_only ? "invite-only" : "public");
}

namespace {
void room_lines(std::string& out, const std::vector<core::RoomInfo>& rooms) {
  if (rooms.empty()) out += "(none)\n";
  for (const auto& r : rooms) {
    fmt::format_to(std::back_inserter(out), "{}   {} member{}, {} online", r.name, r.members, r.members == 1 ? "" : "s",
                   r.online);
    if (r.invite_only) out += ", invite-only";
    if (r.owner) out += ", owner";
    if (!r.topic.empty()) fmt::format_to(std::back_inserter(out), "   <{}>", r.topic);
    out += '\n';
  }
}
}  // namespace

std::string room_listing(const core::RoomListing& listing) {
  std::string out = "Your rooms:\n";
  room_lines(out, listing.joined);
  out += "Public rooms:\n";
  room_lines(out, listing.public_rooms);
  if (!listing.invitations.empty()) {
    out += "Invitations:\n";
    for (const auto& i : listing.invitations)
      fmt::format_to(std::back_inserter(out), "{}   from {}\n", i.room, actor(i.by));
  }
  return out;
}

std::string member_listing(const core::MembersReply& r) {
  std::string out = fmt::format("Members of {}:\n", r.room);
  for (const auto& m : r.members) {
    out += m.name;
    if (m.guest)
      out += " (guest, online)";
    else if (m.owner && m.online)
      out += " (owner, online)";
    else if (m.owner)
      out += " (owner)";
    else if (m.online)
      out += " (online)";
    if (!m.intro.empty()) fmt::format_to(std::back_inserter(out), "   <{}>", m.intro);
    out += '\n';
  }
  return out;
}

std::string unread_header(const core::RoomUnread& room) {
  auto shown = static_cast<std::int64_t>(room.messages.size());
  if (room.count <= shown) return fmt::format("Unread in {} ({}):\n", room.room, room.count);
  return fmt::format("Unread in {} ({}, the last {} shown; type 'history {}' and 'history more' for the rest):\n",
                     room.room, room.count, shown, room.room);
}

std::string history_header(std::string_view conversation) {
  if (!conversation.empty() && conversation.front() == '#') return fmt::format("History of {}:\n", conversation);
  return fmt::format("History with {}:\n", conversation);
}

std::string history_empty(std::string_view conversation) {
  if (!conversation.empty() && conversation.front() == '#') return fmt::format("No messages in {}\n", conversation);
  return fmt::format("No messages with {}\n", conversation);
}

std::string history_earlier(std::int64_t older) {
  return fmt::format("({} earlier messages; type 'history more' to see them)\n", older);
}

std::string history_error(const core::HistoryReply& r) {
  switch (r.status) {
    case core::HistoryStatus::ok:
      return {};
    case core::HistoryStatus::no_such_user:
      return fmt::format("Error: no such user: {}\n", typed(r.conversation));
    case core::HistoryStatus::no_such_room:
      return fmt::format("Error: no such room: {}\n", typed(r.conversation));
    case core::HistoryStatus::not_member:
      return fmt::format("Error: you are not in {}\n", r.conversation);
    case core::HistoryStatus::guest:
      return {};  // classic users have accounts
  }
  return {};
}

std::string history_range() { return fmt::format("Error: history shows 1 to {} messages at a time\n", kHistoryMax); }

}  // namespace parley::proto::classic
