// parleyctl's requests on the control socket: one line, the command and its
// arguments separated by tabs (docs/ADMIN.md). Strict: a known command, its
// exact number of arguments, none empty, no control characters, valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parley::proto::control {

// The longest request line, without its '\n': a password (8192 bytes) and
// a name with room to spare.
inline constexpr std::size_t kMaxRequestLine = 16384;

struct Request {
  std::string command;
  std::vector<std::string> args;
  bool operator==(const Request&) const = default;
};

// The commands and how many arguments each takes.
struct CommandSpec {
  std::string_view name;
  std::size_t args;
};
inline constexpr CommandSpec kCommands[] = {
    {"user-add", 2},     {"user-passwd", 2}, {"user-del", 1},    {"user-list", 0},  {"who", 0},
    {"kick", 1},         {"notice", 1},      {"reload", 0},      {"status", 0},     {"room-list", 0},
    {"room-members", 1}, {"room-topic", 2},  {"room-remove", 2}, {"room-owner", 2}, {"room-handover", 2},
    {"room-access", 2},  {"room-invite", 2},
};
// Room arguments: a room is "#name"; user and room come in that order
// ("room-remove<TAB>bob<TAB>#lobby"); room-topic takes the room and the
// text, "-" clearing it; room-access the room and "public" or "invite-only".

// The line, with its '\n'. Throws std::invalid_argument for a request that
// parse_request() would refuse.
std::string format_request(const Request& request);
// `line` without its '\n'. The request, or what is wrong with it.
std::variant<Request, std::string> parse_request(std::string_view line);

}  // namespace parley::proto::control
