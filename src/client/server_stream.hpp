// Splits the bytes parleyd sends into lines and prompts (docs/PROTOCOL.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace parley::client {

// What the server is waiting for after it showed a prompt.
enum class Prompt {
  Username,      // "Username: "
  Password,      // "Password: "
  Command,       // "Command: "
  Introduction,  // after the line "Please enter your personal introduction:"
};

// The text the server sent for a prompt ("" for Introduction, which is a line).
std::string_view prompt_text(Prompt prompt);

struct ServerEvent {
  enum class Kind { Line, Prompt };
  Kind kind = Kind::Line;
  std::string line;  // without its line ending; only for Kind::Line
  Prompt prompt = Prompt::Command;

  static ServerEvent make_line(std::string text) { return {Kind::Line, std::move(text), Prompt::Command}; }
  static ServerEvent make_prompt(Prompt p) { return {Kind::Prompt, {}, p}; }
  bool operator==(const ServerEvent&) const = default;
};

// Prompts carry no newline, so "Command: " at the start of a line is only a
// prompt while the client waits for the reply to a line it sent (the server
// prompts only in reply). That keeps a message from a user named "Command"
// from being taken for a prompt.
class ServerStream {
 public:
  // Lines longer than this without a newline are passed on in pieces.
  static constexpr std::size_t kMaxLine = 64 * 1024;

  // Appends received bytes; returns the complete lines and prompts in them.
  std::vector<ServerEvent> feed(std::string_view bytes);
  // The client sent a line: the server will answer it with a prompt.
  void expect_reply() { ++replies_expected_; }
  // The connection closed: whatever is left, as a line (empty when nothing).
  std::string take_rest();
  bool awaiting_reply() const { return replies_expected_ > 0; }

 private:
  bool take_prompt(std::vector<ServerEvent>& events);
  bool take_line(std::vector<ServerEvent>& events);

  std::string buffer_;
  int replies_expected_ = 1;  // the greeting "Username: "
};

}  // namespace parley::client
