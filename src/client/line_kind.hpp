// Recognises the kinds of lines parleyd sends, to colour them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::client {

enum class LineKind {
  Plain,
  PrivateMessage,  // "<sender>: <text> <private message>"
  Broadcast,       // "<sender>: <text> <broadcast message>"
  Room,            // "[#room] <sender>: <text>", "[#room] bob joined the room", ...
  Notice,          // "(Receiver ...)", "Logging off", ...
  Warning,         // "You will be logged out in ..."
  Error,           // "Error: ..."
};

LineKind classify_line(std::string_view line);

// The sender of a delivered or offline message line, or of a room
// message, when it is one. Offline messages start with "[YYYY-MM-DD HH:MM] ".
std::optional<std::string> message_sender(std::string_view line);

// The room a "[#room] ..." line is about, when it is one.
std::optional<std::string> room_of_line(std::string_view line);

// ANSI colouring of whole lines; all methods return the text unchanged when
// colours are off.
class Palette {
 public:
  explicit Palette(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  // `line` must already be sanitized.
  std::string paint(std::string_view line, LineKind kind) const;
  // parley's own status lines ("Disconnected", the goodbye).
  std::string status(std::string_view line) const { return paint(line, LineKind::Notice); }

 private:
  bool enabled_;
};

// NO_COLOR (https://no-color.org) set and non-empty, a terminal that is not
// a terminal or TERM unset or "dumb": no colours.
bool colours_wanted(bool output_is_terminal, const char* no_color, const char* term);

}  // namespace parley::client
