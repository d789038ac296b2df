#include "client/conversation.hpp"

namespace parley::client {

std::string_view trim(std::string_view line) {
  constexpr std::string_view kBlank = " \t\r";
  auto first = line.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  auto last = line.find_last_not_of(kBlank);
  return line.substr(first, last - first + 1);
}

Conversation::Conversation(std::optional<std::string> user, std::optional<std::string> password)
    : auto_user_(std::move(user)), auto_password_(std::move(password)) {}

std::optional<std::string> Conversation::on_prompt(Prompt prompt) {
  prompt_ = prompt;
  if (prompt == Prompt::Command) logged_in_ = true;
  std::optional<std::string> answer;
  if (prompt == Prompt::Username && auto_user_) {
    answer = std::move(auto_user_);
    auto_user_.reset();
    password_follows_auto_user_ = true;
    return answer;
  }
  if (prompt == Prompt::Password && password_follows_auto_user_ && auto_password_) {
    answer = std::move(auto_password_);
    auto_password_.reset();
  }
  password_follows_auto_user_ = false;
  return answer;
}

// "You have been logged out after <s> seconds of inactivity": only the
// server starts a line so (messages from users start with their name).
void Conversation::on_line_received(std::string_view line) {
  constexpr std::string_view kHead = "You have been logged out after ";
  constexpr std::string_view kTail = " seconds of inactivity";
  std::string_view text = trim(line);
  idle_logout_ = false;
  if (!logged_in_ || !text.starts_with(kHead) || !text.ends_with(kTail)) return;
  auto seconds = text.substr(kHead.size(), text.size() - kHead.size() - kTail.size());
  idle_logout_ = !seconds.empty() && seconds.find_first_not_of("0123456789") == std::string_view::npos;
}

void Conversation::on_line_sent(std::string_view line) {
  if (prompt_ == Prompt::Username) username_ = std::string(trim(line));
  if (prompt_ == Prompt::Command && trim(line) == "logout") logout_sent_ = true;
}

}  // namespace parley::client
