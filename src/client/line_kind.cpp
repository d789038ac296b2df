#include "client/line_kind.hpp"

#include <array>
#include <cstring>

#include "client/names.hpp"

namespace parley::client {

namespace {

constexpr std::string_view kPrivateSuffix = " <private message>";
constexpr std::string_view kBroadcastSuffix = " <broadcast message>";

// Lines about the session itself rather than chat content.
constexpr std::array<std::string_view, 7> kNoticePrefixes{
    "Login successful, ",           "Logging off",
    "Server is shutting down",      "You have been logged out after ",
    "Personal introduction saved.", "Personal introduction cleared.",
    "Your offline messages:",
};

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kNotBold = "\x1b[22m";

const char* colour_of(LineKind kind) {
  switch (kind) {
    case LineKind::PrivateMessage:
      return "\x1b[35m";  // magenta
    case LineKind::Broadcast:
      return "\x1b[36m";  // cyan
    case LineKind::Room:
      return "\x1b[34m";  // blue
    case LineKind::Notice:
      return "\x1b[32m";  // green
    case LineKind::Warning:
      return "\x1b[1;33m";  // bold yellow
    case LineKind::Error:
      return "\x1b[1;31m";  // bold red
    case LineKind::Plain:
      break;
  }
  return "";
}

// Drops the "[2026-11-23 14:05] " stamp of offline messages.
std::string_view without_timestamp(std::string_view line) {
  if (!line.starts_with('[')) return line;
  auto end = line.find("] ");
  return end == std::string_view::npos ? line : line.substr(end + 2);
}

}  // namespace

LineKind classify_line(std::string_view line) {
  if (line.starts_with("Error: ")) return LineKind::Error;
  if (room_of_line(line)) return LineKind::Room;
  if (message_sender(line)) {
    return line.ends_with(kPrivateSuffix) ? LineKind::PrivateMessage : LineKind::Broadcast;
  }
  if (line.size() >= 2 && line.front() == '(' && line.back() == ')') return LineKind::Notice;
  if (line.starts_with("You will be logged out in ")) return LineKind::Warning;
  for (auto prefix : kNoticePrefixes) {
    if (line.starts_with(prefix)) return LineKind::Notice;
  }
  return LineKind::Plain;
}

std::optional<std::string> message_sender(std::string_view line) {
  bool room_message = room_of_line(line).has_value();
  if (!room_message && !line.ends_with(kPrivateSuffix) && !line.ends_with(kBroadcastSuffix)) return std::nullopt;
  std::string_view body = without_timestamp(line);
  auto colon = body.find(": ");
  if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
  std::string_view sender = body.substr(0, colon);
  if (sender.find(' ') != std::string_view::npos) return std::nullopt;
  // Room events ("bob set the topic: ...") have no single-word sender.
  if (room_message && !is_account_name(sender)) return std::nullopt;
  return std::string(sender);
}

std::optional<std::string> room_of_line(std::string_view line) {
  if (!line.starts_with('[')) return std::nullopt;
  auto end = line.find("] ");
  if (end == std::string_view::npos) return std::nullopt;
  auto room = line.substr(1, end - 1);
  if (!is_room_name(room)) return std::nullopt;
  return std::string(room);
}

std::string Palette::paint(std::string_view line, LineKind kind) const {
  if (!enabled_ || kind == LineKind::Plain) return std::string(line);
  std::string out = colour_of(kind);
  bool is_message = kind == LineKind::PrivateMessage || kind == LineKind::Broadcast || kind == LineKind::Room;
  auto sender = is_message ? message_sender(line) : std::nullopt;
  if (sender) {
    // Embolden the sender where it starts (after any offline timestamp).
    auto at = line.size() - without_timestamp(line).size();
    out.append(line.substr(0, at));
    out.append(kBold).append(*sender).append(kNotBold);
    out.append(line.substr(at + sender->size()));
  } else {
    out.append(line);
  }
  out.append(kReset);
  return out;
}

bool colours_wanted(bool output_is_terminal, const char* no_color, const char* term) {
  if (!output_is_terminal) return false;
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return term != nullptr && term[0] != '\0' && std::strcmp(term, "dumb") != 0;
}

}  // namespace parley::client
