#include "client/default_target.hpp"

#include <algorithm>

#include "client/completion.hpp"
#include "client/conversation.hpp"
#include "client/names.hpp"
#include "client/server_stream.hpp"

namespace parley::client {

namespace {

using Kind = DefaultTarget::Routed::Kind;

constexpr std::string_view kSwitch = "switch";
constexpr std::string_view kUsage = "Error: usage: /switch [#room|<user>]";

bool is_server_command(std::string_view word) {
  const auto& names = command_names();
  return std::find(names.begin(), names.end(), word) != names.end();
}

std::string_view first_word(std::string_view text) { return text.substr(0, text.find(' ')); }

}  // namespace

DefaultTarget::Routed DefaultTarget::route(std::string_view line) {
  std::string_view text = trim(line);
  if (text.starts_with("//")) {
    std::string_view literal = text.substr(1);
    if (!target_) return {Kind::Send, std::string(literal)};
    return {Kind::Send, "message " + *target_ + " " + std::string(literal)};
  }
  if (text.starts_with('/')) return run_client_command(text.substr(1));
  if (!target_) return {Kind::Send, std::string(line)};
  if (text.empty()) return {Kind::Nothing, {}};
  return {Kind::Send, "message " + *target_ + " " + std::string(text)};
}

DefaultTarget::Routed DefaultTarget::run_client_command(std::string_view command_line) {
  std::string_view command = first_word(command_line);
  if (command == kSwitch) return switch_to(trim(command_line.substr(command.size())));
  if (is_server_command(command)) return {Kind::Send, std::string(command_line)};
  return {Kind::Refused, "Error: unknown command '/" + std::string(command) +
                             "'; the client's own is /switch [#room|<user>], and '/' before a server command sends it"};
}

DefaultTarget::Routed DefaultTarget::switch_to(std::string_view argument) {
  if (argument.empty()) {
    target_.reset();
    return {Kind::Switched, "(Lines are commands again)"};
  }
  if (argument.find(' ') != std::string_view::npos) return {Kind::Refused, std::string(kUsage)};
  if (!is_room_name(argument) && !is_account_name(argument)) {
    return {Kind::Refused, "Error: not a room or user name: " + std::string(argument)};
  }
  target_ = std::string(argument);
  return {Kind::Switched, "(Lines now go to " + *target_ + "; type /switch alone for commands)"};
}

std::string DefaultTarget::prompt() const {
  if (!target_) return std::string(prompt_text(Prompt::Command));
  return *target_ + "> ";
}

}  // namespace parley::client
