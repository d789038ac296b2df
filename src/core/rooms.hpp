// Rooms as the chat rules keep them in memory, and what their operations
// answer. The rules themselves are ChatService's (chat_service_rooms.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/account_name.hpp"
#include "core/clock.hpp"
#include "core/live_set.hpp"
#include "store/store.hpp"

namespace parley::core {

struct RoomMember {
  std::string name;  // the account's own spelling
  bool owner = false;
  store::MessageId read_upto = 0;  // as stored; an online member who caught up has read everything
  std::int64_t since = 0;          // order of joining: the longest member inherits ownership
};

struct Room {
  store::RoomId id = 0;
  std::string name;  // '#' and the creator's spelling
  std::string topic;
  bool invite_only = false;
  TimePoint created{};
  store::MessageId last_message = 0;
  std::int64_t next_since = 0;
  std::unordered_map<store::AccountId, RoomMember> members;
  std::unordered_map<store::AccountId, std::string> invites;  // invitee -> who invited
  LiveSet live;                                               // connections of the members and guests online
  LiveSet presence_live;                                      // those of `live` that want presence messages
  // Guests in the room (live only, never stored): nick -> its connection.
  NameMap<std::shared_ptr<Participant>> guests;
};

// Who acts on a room: a user, or the server's operator (parleyctl), who may
// do everything an owner may in every room.
struct Actor {
  std::string user;  // empty for the operator
  bool is_operator() const { return user.empty(); }
  static Actor operator_() { return {}; }
};

enum class RoomStatus {
  ok,              // done; a `stored` callback reports the commit
  created,         // join made a new room, with the user its owner
  bad_name,        // not '#' and 1 to 32 letters, digits, '.', '_' or '-'
  no_such_room,    // or an invite-only room the user is not in (for lookups)
  not_member,      // the actor is not in the room
  already_member,  // join: the user is in it; invite: the target is
  invite_only,     // join without an invitation
  not_owner,       // the actor may not do this
  no_such_user,    // the target
  target_not_member,
  target_is_owner,  // remove: owners are removed by the operator only; owner: already one
  to_self,          // invite, remove or hand over to oneself
  too_many_rooms,   // the server's room limit
  too_many_joined,  // the user's room limit
  empty_text,       // a room message with nothing left after cleaning
  already_invited,
  too_long,          // a topic over the limit
  too_many_invites,  // the room's pending invitations
  // A guest may not create rooms, join invite-only ones, invite, or do
  // what owners do.
  guest_not_allowed,
};

inline constexpr std::size_t kTopicMax = 300;         // characters
inline constexpr std::size_t kInvitesPerRoom = 1000;  // pending at once

// What an operation answers, with the names as their accounts and rooms
// spell them.
struct RoomReply {
  RoomStatus status = RoomStatus::ok;
  std::string room;
  std::string target;
  std::size_t members = 0;  // join: the room's members, the user included (a guest's join: and its guests)
  std::string topic;        // join and topic queries
  store::MessageId id = 0;  // a room message: its id (0 for a guest's)
  TimePoint sent_at{};      // a room message: its time
};

struct RoomInfo {
  std::string name;
  std::string topic;
  bool invite_only = false;
  std::size_t members = 0;
  std::size_t online = 0;  // members with a connection
  bool owner = false;      // the asking user owns it
  std::size_t guests = 0;  // guests in it (not counted in members or online)
};

struct RoomListing {
  std::vector<RoomInfo> joined;        // rooms the user is in
  std::vector<RoomInfo> public_rooms;  // public rooms the user is not in
  struct Invitation {
    std::string room;
    std::string by;
  };
  std::vector<Invitation> invitations;
};

struct MemberInfo {
  std::string name;
  std::string intro;
  bool owner = false;
  bool online = false;
  bool guest = false;  // a guest in the room now (online, never an owner)
};

// The unread messages of one room, shown at login.
struct RoomUnread {
  std::string room;
  std::int64_t count = 0;
  std::vector<store::StoredMessage> messages;  // the newest, oldest first
};

// What was unread in a login's rooms when it joined: messages after that
// come live.
struct UnreadSnapshot {
  std::vector<store::UnreadQuery> queries;
  std::vector<std::string> rooms;  // the name of each query's room
  bool empty() const { return queries.empty(); }
};

struct MembersReply {
  RoomStatus status = RoomStatus::ok;
  std::string room;
  std::vector<MemberInfo> members;  // sorted by name
};

enum class HistoryStatus {
  ok,
  no_such_user,
  no_such_room,
  not_member,
  guest,  // the asking user is a guest: nothing is kept for guests
};

struct HistoryReply {
  HistoryStatus status = HistoryStatus::ok;
  std::string conversation;  // "#room" or the other user, as spelled
};

}  // namespace parley::core
