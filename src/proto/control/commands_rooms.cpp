// The room commands of the control protocol: the server's operator lists
// rooms and their members and acts in any room as its owners may. A change
// is answered once the store has committed it.
#include <fmt/format.h>

#include <future>
#include <memory>
#include <optional>

#include "core/room_name.hpp"
#include "core/text.hpp"
#include "proto/control/commands.hpp"

namespace parley::proto::control {

namespace {

using core::RoomStatus;

constexpr std::string_view kClearTopic = "-";

Response refused(std::string text) { return Response::failure(ErrorKind::refused, std::move(text)); }

// What the user gave, safe to echo.
std::string given(std::string_view text) { return core::log_safe(text); }

// The refusal for a reply that is not ok; `user` is the name given.
Response refusal(const std::string& command, const core::RoomReply& r, std::string_view user) {
  std::string target = r.target.empty() ? given(user) : r.target;
  switch (r.status) {
    case RoomStatus::ok:
    case RoomStatus::created:
      break;
    case RoomStatus::bad_name:
      return refused("invalid room name '" + given(r.room) +
                     "' (use '#' and 1 to 32 letters, digits, '.', '_' or '-')");
    case RoomStatus::no_such_room:
      return refused("no such room: " + given(r.room));
    case RoomStatus::no_such_user:
      return refused("no such user: " + target);
    case RoomStatus::target_not_member:
      return refused(target + " is not a member of " + r.room);
    case RoomStatus::target_is_owner:
      if (command == "room-owner") return refused(target + " is already an owner of " + r.room);
      return refused(target + " is an owner of " + r.room);
    case RoomStatus::already_member:
      return refused(target + " is already a member of " + r.room);
    case RoomStatus::already_invited:
      return refused(target + " is already invited to " + r.room);
    case RoomStatus::too_long:
      return refused(fmt::format("the topic is longer than {} characters; it was not set", core::kTopicMax));
    case RoomStatus::too_many_invites:
      return refused(fmt::format("{} has too many pending invitations (limit {})", r.room, core::kInvitesPerRoom));
    // What only a user acting for itself meets.
    case RoomStatus::not_member:
    case RoomStatus::not_owner:
    case RoomStatus::invite_only:
    case RoomStatus::to_self:
    case RoomStatus::too_many_rooms:
    case RoomStatus::too_many_joined:
    case RoomStatus::empty_text:
    case RoomStatus::guest_not_allowed:
      break;
  }
  return refused("the change to " + r.room + " was refused");
}

core::RoomReply status_of(RoomStatus status, std::string room) {
  core::RoomReply r;
  r.status = status;
  r.room = std::move(room);
  return r;
}

// Runs `change` with a `stored` callback, then waits for the commit when
// the change was made (the callback comes only then). The reply, and the
// store's error if the commit failed.
template <class Change>
std::pair<core::RoomReply, std::optional<std::string>> committed(Change change) {
  auto commit = std::make_shared<std::promise<std::optional<std::string>>>();
  auto result = commit->get_future();
  core::RoomReply reply = change([commit](store::Result<store::Done> r) {
    commit->set_value(r.ok() ? std::nullopt : std::optional<std::string>(r.error()));
  });
  if (reply.status != RoomStatus::ok && reply.status != RoomStatus::created) return {std::move(reply), std::nullopt};
  return {std::move(reply), result.get()};
}

std::string_view access_word(bool invite_only) { return invite_only ? "invite-only" : "public"; }

}  // namespace

Response Commands::room_list() {
  std::vector<Row> rows;
  for (const auto& room : chat_.all_rooms())
    rows.push_back({room.name, std::to_string(room.members), std::to_string(room.online),
                    std::string(access_word(room.invite_only)),
                    room.topic.empty() ? std::string(kClearTopic) : room.topic});
  return Response::success(std::move(rows));
}

Response Commands::room_members(const Request& r) {
  const auto& room = r.args.at(0);
  if (!core::is_valid_room_name(room)) return refusal(r.command, status_of(RoomStatus::bad_name, room), {});
  auto reply = chat_.members(core::Actor::operator_(), room);
  if (reply.status != RoomStatus::ok) return refusal(r.command, status_of(reply.status, reply.room), {});
  std::vector<Row> rows;
  for (const auto& m : reply.members)
    rows.push_back({m.name, m.owner ? "owner" : "member", m.online ? "online" : "offline"});
  return Response::success(std::move(rows));
}

Response Commands::room_change(const Request& r, std::string_view by) {
  const auto& c = r.command;
  const auto op = core::Actor::operator_();
  // room-topic and room-access name the room first; the others a user.
  bool room_first = c == "room-topic" || c == "room-access";
  const std::string& room = r.args.at(room_first ? 0 : 1);
  const std::string& other = r.args.at(room_first ? 1 : 0);
  if (!core::is_valid_room_name(room)) return refusal(c, status_of(RoomStatus::bad_name, room), other);
  if (c == "room-access" && other != "public" && other != "invite-only")
    return refused("access is public or invite-only, not '" + given(other) + "'");

  std::pair<core::RoomReply, std::optional<std::string>> done;
  if (c == "room-topic") {
    std::string_view topic = other == kClearTopic ? std::string_view() : std::string_view(other);
    done = committed([&](auto stored) { return chat_.set_topic(op, room, topic, nullptr, std::move(stored)); });
  } else if (c == "room-access") {
    bool invite_only = other == "invite-only";
    done = committed([&](auto stored) { return chat_.set_access(op, room, invite_only, nullptr, std::move(stored)); });
  } else if (c == "room-remove") {
    done = committed([&](auto stored) { return chat_.remove_member(op, other, room, nullptr, std::move(stored)); });
  } else if (c == "room-owner") {
    done = committed([&](auto stored) { return chat_.add_owner(op, other, room, nullptr, std::move(stored)); });
  } else if (c == "room-handover") {
    done = committed([&](auto stored) { return chat_.hand_over(op, other, room, nullptr, std::move(stored)); });
  } else if (c == "room-invite") {
    done = committed([&](auto stored) { return chat_.invite(op, other, room, nullptr, std::move(stored)); });
  } else {
    return Response::failure(ErrorKind::request, "unknown command");
  }
  auto& [reply, store_error] = done;
  if (reply.status != RoomStatus::ok) return refusal(c, reply, other);
  if (store_error) {
    log(fmt::format("{} room={} by {} could not be saved: {}", c, reply.room, by, *store_error));
    return Response::failure(ErrorKind::failed,
                             "the change to " + reply.room + " could not be saved (" + *store_error + "); try again");
  }

  if (c == "room-topic") {
    if (reply.topic.empty()) {
      log(fmt::format("room topic cleared room={} by {}", reply.room, by));
    } else {
      log(fmt::format("room topic set room={} by {}: {}", reply.room, by, reply.topic));
    }
    return Response::success({{reply.room, reply.topic.empty() ? std::string(kClearTopic) : reply.topic}});
  }
  if (c == "room-access") {
    log(fmt::format("room access set room={} access={} by {}", reply.room, other, by));
    return Response::success({{reply.room, other}});
  }
  static constexpr std::pair<std::string_view, std::string_view> kDone[] = {
      {"room-remove", "room member removed"},
      {"room-owner", "room owner added"},
      {"room-handover", "room handed over"},
      {"room-invite", "room invitation"},
  };
  for (const auto& [command, what] : kDone)
    if (c == command) log(fmt::format("{} room={} user={} by {}", what, reply.room, reply.target, by));
  return Response::success({{reply.target, reply.room}});
}

}  // namespace parley::proto::control
