#include "proto/classic/commands.hpp"

#include <charconv>

#include "core/text.hpp"

namespace parley::proto::classic {

namespace {

using core::trim;

// Splits off the first word; `rest` keeps the text after the spaces that follow it.
std::string_view next_word(std::string_view& rest) {
  rest = trim(rest);
  auto end = rest.find_first_of(" \t");
  std::string_view word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
  return word;
}

constexpr std::string_view kBroadcastUsage = "broadcast message <text> | broadcast user <user>... message <text>";

Command parse_broadcast(std::string_view rest) {
  std::string_view mode = next_word(rest);
  if (mode == "message") {
    if (rest.empty()) return Usage{std::string(kBroadcastUsage)};
    return BroadcastAll{rest};
  }
  if (mode != "user") return Usage{std::string(kBroadcastUsage)};
  BroadcastUsers command;
  for (;;) {
    std::string_view word = next_word(rest);
    if (word.empty()) return Usage{std::string(kBroadcastUsage)};
    if (word == "message") break;
    command.users.emplace_back(word);
  }
  if (command.users.empty() || rest.empty()) return Usage{std::string(kBroadcastUsage)};
  command.text = std::string(rest);
  return command;
}

std::optional<int> parse_minutes(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;  // from_chars accepts a '-'
  return value;
}

// One room name and nothing else.
Command one_room(std::string_view rest, std::string_view syntax, auto make) {
  std::string_view room = next_word(rest);
  if (room.empty() || !rest.empty()) return Usage{std::string(syntax)};
  return make(std::string(room));
}

Command parse_member_command(MemberAction action, std::string_view verb, std::string_view rest) {
  std::string_view user = next_word(rest);
  std::string_view room = next_word(rest);
  if (user.empty() || room.empty() || !rest.empty()) return Usage{std::string(verb) + " <user> #room"};
  return RoomMemberCommand{action, std::string(user), std::string(room)};
}

Command parse_history(std::string_view rest) {
  std::string_view target = next_word(rest);
  std::string_view count = next_word(rest);
  if (target.empty() || !rest.empty()) return Usage{std::string(kHistorySyntax)};
  if (target == "more") return count.empty() ? Command{History{{}, 0}} : Command{Usage{std::string(kHistorySyntax)}};
  History history{std::string(target), 20};
  if (!count.empty()) {
    auto n = parse_minutes(count);
    history.count = n ? *n : -1;  // out of range: the session says so
  }
  return history;
}

}  // namespace

Command parse_command(std::string_view line) {
  std::string_view rest = line;
  std::string_view word = next_word(rest);
  if (word.empty()) return Empty{};
  if (word == "whoelse") return rest.empty() ? Command{WhoElse{}} : Command{Usage{"whoelse"}};
  if (word == "wholast") {
    std::string_view arg = next_word(rest);
    if (arg.empty() || !rest.empty()) return WhoLast{std::nullopt};
    return WhoLast{parse_minutes(arg)};
  }
  if (word == "broadcast") return parse_broadcast(rest);
  if (word == "message") {
    std::string_view user = next_word(rest);
    if (!user.empty() && user.front() == '#') {
      if (rest.empty()) return Usage{"message #room <text>"};
      return RoomMessage{std::string(user), rest};
    }
    if (user.empty() || rest.empty()) return Usage{"message <user> <text>"};
    return PrivateMessage{std::string(user), rest};
  }
  if (word == "join") return one_room(rest, "join #room", [](std::string r) { return JoinRoom{std::move(r)}; });
  if (word == "leave") return one_room(rest, "leave #room", [](std::string r) { return LeaveRoom{std::move(r)}; });
  if (word == "rooms") return rest.empty() ? Command{ListRooms{}} : Command{Usage{"rooms"}};
  if (word == "members")
    return one_room(rest, "members #room", [](std::string r) { return ListMembers{std::move(r)}; });
  if (word == "topic") {
    std::string_view room = next_word(rest);
    if (room.empty()) return Usage{"topic #room [<text>|-]"};
    if (rest.empty()) return Topic{std::string(room), std::nullopt};
    return Topic{std::string(room), rest == "-" ? std::string() : std::string(rest)};
  }
  if (word == "invite") return parse_member_command(MemberAction::invite, word, rest);
  if (word == "remove") return parse_member_command(MemberAction::remove, word, rest);
  if (word == "owner") return parse_member_command(MemberAction::owner, word, rest);
  if (word == "handover") return parse_member_command(MemberAction::handover, word, rest);
  if (word == "access") {
    std::string_view room = next_word(rest);
    std::string_view mode = next_word(rest);
    if (room.empty() || !rest.empty() || (mode != "public" && mode != "invite-only"))
      return Usage{"access #room public|invite-only"};
    return RoomAccess{std::string(room), mode == "invite-only"};
  }
  if (word == "history") return parse_history(rest);
  if (word == "personalintro") {
    if (rest.empty()) return PersonalIntro{std::nullopt};
    return PersonalIntro{std::string(rest)};
  }
  if (word == "help") return Help{};
  if (word == "logout") return rest.empty() ? Command{Logout{}} : Command{Usage{"logout"}};
  return Unknown{std::string(word)};
}

}  // namespace parley::proto::classic
