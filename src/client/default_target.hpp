// What a line typed at the command prompt becomes. `/switch #room` (or
// `/switch <user>`) makes plain lines messages to that room or user;
// `/switch` alone makes them commands again. A line starting with '/' is a
// command in either mode: `/switch`, or a server command sent without its
// slash. `//` starts a line that really begins with '/'.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::client {

class DefaultTarget {
 public:
  struct Routed {
    enum class Kind {
      Send,      // send `text` to the server
      Nothing,   // an empty line while switched: nothing to send
      Switched,  // the target changed; `text` says so, for the person
      Refused,   // a mistake, not sent; `text` is the error
    };
    Kind kind = Kind::Nothing;
    std::string text;
    bool operator==(const Routed&) const = default;
  };

  Routed route(std::string_view line);

  // The room or user plain lines go to; none when they are commands.
  const std::optional<std::string>& target() const { return target_; }
  // What stands for the server's "Command: " prompt: "#room> " while
  // switched.
  std::string prompt() const;

 private:
  Routed run_client_command(std::string_view command_line);
  Routed switch_to(std::string_view argument);

  std::optional<std::string> target_;
};

}  // namespace parley::client
