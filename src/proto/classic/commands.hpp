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
                             Logout, Empty, Unknown, Usage>;

Command parse_command(std::string_view line);

}  // namespace parley::proto::classic
