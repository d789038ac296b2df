#include "proto/classic/format.hpp"

#include <fmt/format.h>

#include <ctime>

#include "core/text.hpp"

namespace parley::proto::classic {

std::string welcome_line(std::string_view welcome) { return fmt::format("Login successful, {}\n", welcome); }

std::string line_too_long(std::size_t limit) {
  return fmt::format("Error: line too long (limit {} bytes); it was discarded\n", limit);
}

std::string blocked_now(std::string_view user, std::chrono::seconds block) {
  return fmt::format("Error: too many failed attempts; {} is blocked from this address for {} seconds\n",
                     core::sanitize_text(user.substr(0, 64)), block.count());
}

std::string still_blocked(std::string_view user, std::chrono::seconds left) {
  return fmt::format("Error: {} is blocked from this address; try again in {} seconds\n",
                     core::sanitize_text(user.substr(0, 64)), left.count());
}

std::string refusal(session::Refusal why, std::chrono::seconds left) {
  switch (why) {
    case session::Refusal::server_full:
      return "Error: server full, try again later\n";
    case session::Refusal::too_many_connections:
      return "Error: too many connections from your address\n";
    case session::Refusal::too_many_logins:
      return "Error: too many connections from your address are logging in; try again later\n";
    case session::Refusal::too_many_failures:
      return fmt::format("Error: too many failed logins from your address; try again in {} seconds\n", left.count());
    case session::Refusal::busy:
      break;
  }
  return "Error: server busy, try again\n";
}

std::string idle_logout(std::chrono::seconds timeout) {
  return fmt::format("You have been logged out after {} seconds of inactivity\n", timeout.count());
}

std::string idle_warning(std::chrono::seconds left) {
  return fmt::format("You will be logged out in {} seconds unless you send something\n", left.count());
}

std::string admin_end(core::AdminEnd why) {
  switch (why) {
    case core::AdminEnd::kicked:
      break;
    case core::AdminEnd::deleted:
      return "Your account has been deleted by the server administrator\n";
    case core::AdminEnd::password_changed:
      return "Your password has been changed by the server administrator; please log in again\n";
    case core::AdminEnd::disabled:
      return "Your account has been disabled by the server administrator\n";
  }
  return "You have been disconnected by the server administrator\n";
}

std::string notice_line(std::string_view text) { return fmt::format("Notice from the server: {}\n", text); }

namespace {
std::string_view tag(core::MessageKind kind) {
  return kind == core::MessageKind::broadcast ? "<broadcast message>" : "<private message>";
}

std::string user_lines(const std::vector<core::UserSummary>& users) {
  if (users.empty()) return "(Not found)\n";
  std::string out;
  for (const auto& u : users) {
    out += u.name;
    if (u.guest) out += " (guest)";
    if (!u.intro.empty()) fmt::format_to(std::back_inserter(out), "   <{}>", u.intro);
    out += '\n';
  }
  return out;
}
}  // namespace

std::string live_message(const core::ChatMessage& m) {
  // Built by hand: this runs once per message on the hot path.
  auto kind = tag(m.kind);
  std::string line;
  line.reserve(m.sender.size() + m.text.size() + kind.size() + 4);
  line.append(m.sender).append(": ").append(m.text).append(" ").append(kind).append("\n");
  return line;
}

std::string offline_message(const core::ChatMessage& m) {
  std::time_t t = std::chrono::system_clock::to_time_t(m.sent_at);
  std::tm local{};
  localtime_r(&t, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", &local);
  return fmt::format("[{}] {}: {} {}\n", stamp, m.sender, m.text, tag(m.kind));
}

std::string who_else(const std::vector<core::UserSummary>& users) {
  return "The currently online users are:\n" + user_lines(users);
}

std::string who_last(int minutes, const std::vector<core::UserSummary>& users) {
  return fmt::format("The users that are online in the last {} minutes are:\n", minutes) + user_lines(users);
}

std::string receiver_offline(std::string_view user) {
  return fmt::format("(Receiver {} is currently offline, message will be delivered when they log in next time)\n",
                     user);
}

std::string users_offline(std::size_t count) {
  return fmt::format("({} users are currently offline, message will be delivered when they log in next time)\n", count);
}

std::string no_such_user(std::string_view user) {
  return fmt::format("Error: no such user: {}\n", core::sanitize_text(user.substr(0, 64)));
}

std::string unknown_command(std::string_view word) {
  return fmt::format("Error: unknown command '{}'; type 'help' for the list of commands\n",
                     core::sanitize_text(word.substr(0, 64)));
}

std::string usage(std::string_view syntax) { return fmt::format("Error: usage: {}\n", syntax); }

std::string wholast_range(int last_hour) {
  return fmt::format("Error: wholast takes a whole number of minutes from 0 to {}\n", last_hour);
}

std::string intro_saved(core::IntroStatus status, std::size_t limit) {
  switch (status) {
    case core::IntroStatus::saved:
      return "Personal introduction saved.\n";
    case core::IntroStatus::cleared:
      return "Personal introduction cleared.\n";
    case core::IntroStatus::too_long:
      break;
  }
  return fmt::format("Error: personal introduction is longer than {} characters; it was not saved\n", limit);
}

std::string help_text(int last_hour) {
  return fmt::format(
      "Commands:\n"
      "  whoelse                                   list the other users online now\n"
      "  wholast <minutes>                         list users online in the last 0 to {} minutes\n"
      "  message <user> <text>                     send a private message\n"
      "  broadcast message <text>                  send a message to every user\n"
      "  broadcast user <user>... message <text>   send a message to the listed users\n"
      "  personalintro [<text>]                    set your introduction (empty clears it)\n"
      "  join #room                                join a room, or create it and own it\n"
      "  leave #room                               leave a room\n"
      "  rooms                                     list your rooms, public rooms and invitations\n"
      "  members #room                             list a room's members\n"
      "  message #room <text>                      send a message to a room\n"
      "  topic #room [<text>|-]                    show, set (owners) or clear (-) the topic\n"
      "  invite <user> #room                       invite a user to a room\n"
      "  remove <user> #room                       remove a member (owners)\n"
      "  owner <user> #room                        make a member an owner too (owners)\n"
      "  handover <user> #room                     make a member owner in your place (owners)\n"
      "  access #room public|invite-only           who may join (owners)\n"
      "  history <user>|#room [<n>]                show the last n (20) messages\n"
      "  history more                              show the messages before those\n"
      "  help                                      show this list\n"
      "  logout                                    log out\n",
      last_hour);
}

}  // namespace parley::proto::classic
