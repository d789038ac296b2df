#include "client/server_stream.hpp"

#include <array>

namespace parley::client {

namespace {

constexpr std::string_view kIntroductionRequest = "Please enter your personal introduction:";
constexpr std::array kLinePrompts{Prompt::Username, Prompt::Password, Prompt::Command};

}  // namespace

std::string_view prompt_text(Prompt prompt) {
  switch (prompt) {
    case Prompt::Username:
      return "Username: ";
    case Prompt::Password:
      return "Password: ";
    case Prompt::Command:
      return "Command: ";
    case Prompt::Introduction:
      return "";
  }
  return "";
}

std::vector<ServerEvent> ServerStream::feed(std::string_view bytes) {
  buffer_.append(bytes);
  std::vector<ServerEvent> events;
  while (take_prompt(events) || take_line(events)) {
  }
  while (buffer_.size() > kMaxLine) {
    events.push_back(ServerEvent::make_line(buffer_.substr(0, kMaxLine)));
    buffer_.erase(0, kMaxLine);
  }
  return events;
}

bool ServerStream::take_prompt(std::vector<ServerEvent>& events) {
  for (Prompt prompt : kLinePrompts) {
    std::string_view text = prompt_text(prompt);
    if (!std::string_view(buffer_).starts_with(text)) continue;
    // Without a pending reply, only a bare prompt (nothing after it) counts.
    if (replies_expected_ == 0 && buffer_.size() != text.size()) return false;
    if (replies_expected_ > 0) --replies_expected_;
    buffer_.erase(0, text.size());
    events.push_back(ServerEvent::make_prompt(prompt));
    return true;
  }
  return false;
}

bool ServerStream::take_line(std::vector<ServerEvent>& events) {
  auto newline = buffer_.find('\n');
  if (newline == std::string::npos) return false;
  std::string line = buffer_.substr(0, newline);
  buffer_.erase(0, newline + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  bool asks_for_introduction = replies_expected_ > 0 && line == kIntroductionRequest;
  events.push_back(ServerEvent::make_line(std::move(line)));
  if (asks_for_introduction) {
    --replies_expected_;
    events.push_back(ServerEvent::make_prompt(Prompt::Introduction));
  }
  return true;
}

std::string ServerStream::take_rest() {
  std::string rest;
  rest.swap(buffer_);
  return rest;
}

}  // namespace parley::client
