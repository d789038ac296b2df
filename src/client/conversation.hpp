// Where the client is in the dialogue with the server, with no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "client/server_stream.hpp"

namespace parley::client {

class Conversation {
 public:
  // `user` answers the first "Username: " prompt; `password` the
  // "Password: " prompt right after it. A failed login asks the person.
  Conversation(std::optional<std::string> user, std::optional<std::string> password);

  // The server showed `prompt`; returns an automatic answer, if any.
  std::optional<std::string> on_prompt(Prompt prompt);
  // A line is sent in answer to the current prompt.
  void on_line_sent(std::string_view line);
  // The server sent a line (not a prompt).
  void on_line_received(std::string_view line);

  std::optional<Prompt> current_prompt() const { return prompt_; }
  bool logged_in() const { return logged_in_; }
  // The person or script sent `logout` at the command prompt.
  bool logout_sent() const { return logout_sent_; }
  // The server logged the user out for inactivity (its last line said so).
  bool idle_logout() const { return idle_logout_; }
  // The name given at the last username prompt.
  const std::string& username() const { return username_; }

 private:
  std::optional<std::string> auto_user_;
  std::optional<std::string> auto_password_;
  bool password_follows_auto_user_ = false;
  std::optional<Prompt> prompt_;
  bool logged_in_ = false;
  bool logout_sent_ = false;
  bool idle_logout_ = false;
  std::string username_;
};

// The line with surrounding spaces and a trailing CR removed.
std::string_view trim(std::string_view line);

}  // namespace parley::client
