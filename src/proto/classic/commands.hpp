// The classic protocol's commands, parsed from one line. Message texts are
// views into that line: use a command before the line goes away.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parley::proto::classic {

struct WhoElse {};
struct WhoLast {
  std::optional<int> minutes;  // nullopt: not a whole number
};
struct BroadcastAll {
  std::string_view text;
};
struct BroadcastUsers {
  std::vector<std::string> users;
  std::string text;
};
struct PrivateMessage {
  std::string user;
  std::string_view text;
};
struct PersonalIntro {
  std::optional<std::string> text;  // nullopt: ask for it on the next line
};
// Rooms. Names are given as typed; the chat rules check them.
struct JoinRoom {
  std::string room;
};
struct LeaveRoom {
  std::string room;
};
struct ListRooms {};
struct ListMembers {
  std::string room;
};
struct Topic {
  std::string room;
  std::optional<std::string> text;  // nullopt: show it; "" (typed as "-"): clear it
};
// invite, remove, owner and handover: a user and a room.
enum class MemberAction { invite, remove, owner, handover };
struct RoomMemberCommand {
  MemberAction action = MemberAction::invite;
  std::string user;
  std::string room;
};
struct RoomAccess {
  std::string room;
  bool invite_only = false;
};
struct RoomMessage {
  std::string room;
  std::string_view text;
};
struct History {
  std::string target;  // "#room" or a user; empty for "history more"
  int count = 20;
};
inline constexpr int kHistoryMax = 500;
struct Help {};
struct Logout {};
struct Empty {};
struct Unknown {
  std::string word;
};
struct Usage {
  std::string syntax;  // a known command with missing or malformed arguments
};

using Command = std::variant<WhoElse, WhoLast, BroadcastAll, BroadcastUsers, PrivateMessage, PersonalIntro, Help,
                             Logout, Empty, Unknown, Usage, JoinRoom, LeaveRoom, ListRooms, ListMembers, Topic,
                             RoomMemberCommand, RoomAccess, RoomMessage, History>;

// The syntax shown in a usage error.
inline constexpr std::string_view kHistorySyntax = "history <user>|#room [<n>] | history more";

Command parse_command(std::string_view line);

}  // namespace parley::proto::classic
