#include "proto/classic/classic_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/text.hpp"
#include "metrics/registry.hpp"
#include "proto/classic/format.hpp"
#include "proto/classic/room_format.hpp"

namespace parley::proto::classic {

void ClassicSession::on_started() { send(kUsernamePrompt); }

void ClassicSession::prompt() { send(kCommandPrompt); }

std::shared_ptr<const std::string> ClassicSession::encode(const core::EnvelopePtr& envelope) {
  return envelope->encoded(core::ProtocolSlot::classic, [](const core::ChatMessage& m) {
    if (m.kind == core::MessageKind::presence) return std::string();  // never sent: classic shows no presence
    bool personal = m.kind == core::MessageKind::private_message || m.kind == core::MessageKind::broadcast;
    return personal ? live_message(m) : room_line(m);
  });
}

std::string ClassicSession::timeout_notice() {
  return logged_in() ? idle_logout(settings().idle_timeout) : std::string(kLoginTimedOut);
}

std::string ClassicSession::idle_warning(std::chrono::seconds left) { return classic::idle_warning(left); }

std::string ClassicSession::shutdown_notice() { return std::string(kShuttingDown); }

std::string ClassicSession::admin_end_notice(core::AdminEnd why) { return admin_end(why); }

std::string ClassicSession::server_notice(std::string_view text) { return notice_line(text); }

std::string ClassicSession::refusal_notice(session::Refusal why, std::chrono::seconds left) {
  return refusal(why, left);
}

void ClassicSession::on_line(std::string_view line) {
  if (logged_in()) touch();
  switch (state_) {
    case State::username: {
      std::string name(core::trim(line));
      if (name.empty()) return send(kUsernamePrompt);
      if (auto stored = chat().account_name(name)) name = std::move(*stored);  // names ignore case
      if (auto left = blocked(name)) return finish(End::refused, still_blocked(name, *left));
      set_user(std::move(name));
      state_ = State::password;
      return send(kPasswordPrompt);
    }
    case State::password:
      state_ = State::verifying;
      return check_login(std::string(line));
    case State::commands:
      return on_command(line);
    case State::intro:
      state_ = State::commands;
      return save_intro(line);
    case State::verifying:
    case State::joining:
      return;  // input is paused in these states
  }
}

void ClassicSession::on_line_too_long() {
  if (logged_in()) touch();
  send(line_too_long(limits().max_line));
  switch (state_) {
    case State::username:
      return send(kUsernamePrompt);
    case State::password:
      return send(kPasswordPrompt);
    case State::intro:
      state_ = State::commands;
      return prompt();
    case State::commands:
      return prompt();
    case State::verifying:
    case State::joining:
      return;
  }
}

void ClassicSession::on_login_verdict(const std::string& name, core::LoginVerdict verdict) {
  switch (verdict.outcome) {
    case core::LoginOutcome::ok:
      state_ = State::joining;
      send(welcome_line(settings().welcome));
      return join();
    case core::LoginOutcome::blocked:
      return finish(End::refused, blocked_now(name, verdict.block));
    case core::LoginOutcome::still_blocked:
      return finish(End::refused, still_blocked(name, verdict.block));
    case core::LoginOutcome::failed:
      state_ = State::username;
      send(kBadCredentials);
      send(kUsernamePrompt);
      return connection().resume();
  }
}

void ClassicSession::on_offline_begin() { send(kOfflineHeader); }

void ClassicSession::on_offline_message(const core::ChatMessage& message) { send(offline_message(message)); }

void ClassicSession::on_offline_kept() { send(kOfflineKept); }

void ClassicSession::on_unread_room(const core::RoomUnread& room) {
  std::string out = unread_header(room);
  for (const auto& m : room.messages) out += stamped_line(m.message);
  send(out);
}

void ClassicSession::on_joined() {
  state_ = State::commands;
  prompt();
  connection().resume();
}

void ClassicSession::on_stored() {
  prompt();
  connection().resume();
}

void ClassicSession::on_command(std::string_view line) {
  Command command = parse_command(line);
  if (!std::holds_alternative<Empty>(command) && !pace(line)) return;
  count_in(command);
  auto& chat = this->chat();
  if (std::holds_alternative<WhoElse>(command)) {
    send(who_else(chat.who_else(user())));
  } else if (auto* who = std::get_if<WhoLast>(&command)) {
    auto users = who->minutes ? chat.who_last(user(), *who->minutes) : std::nullopt;
    send(users ? who_last(*who->minutes, *users) : wholast_range(chat.settings().last_hour));
  } else if (auto* message = std::get_if<PrivateMessage>(&command)) {
    return on_private(*message);
  } else if (auto* all = std::get_if<BroadcastAll>(&command)) {
    return on_broadcast_all(*all);
  } else if (auto* some = std::get_if<BroadcastUsers>(&command)) {
    return on_broadcast_users(*some);
  } else if (auto* intro = std::get_if<PersonalIntro>(&command)) {
    if (intro->text) return save_intro(*intro->text);
    state_ = State::intro;
    return send(kIntroPrompt);
  } else if (std::holds_alternative<Help>(command)) {
    send(help_text(chat.settings().last_hour));
  } else if (std::holds_alternative<Logout>(command)) {
    return finish(End::logout, kLoggingOff);
  } else if (auto* unknown = std::get_if<Unknown>(&command)) {
    send(unknown_command(unknown->word));
  } else if (auto* bad = std::get_if<Usage>(&command)) {
    send(usage(bad->syntax));
  } else {
    return on_room_command(command);
  }
  prompt();
}

void ClassicSession::count_in(const Command& command) {
  using metrics::Figure;
  if (std::holds_alternative<Empty>(command)) return;
  if (std::holds_alternative<PrivateMessage>(command))
    metrics::add(Figure::messages_in_private);
  else if (std::holds_alternative<BroadcastAll>(command))
    metrics::add(Figure::messages_in_broadcast);
  else if (std::holds_alternative<BroadcastUsers>(command))
    metrics::add(Figure::messages_in_broadcast_list);
  else if (std::holds_alternative<RoomMessage>(command))
    metrics::add(Figure::messages_in_room);
  else
    metrics::add(Figure::messages_in_other);
}

void ClassicSession::on_private(const PrivateMessage& c) {
  switch (chat().send_private(user(), c.user, c.text, store_answer())) {
    case core::SendStatus::delivered:
      break;
    case core::SendStatus::storing:
      return await_store(receiver_offline(chat().account_name(c.user).value_or(c.user)), std::string(kStoreFailed));
    case core::SendStatus::unknown_user:
      send(no_such_user(c.user));
      break;
    case core::SendStatus::to_self:
      send(kMessageToSelf);
      break;
    case core::SendStatus::empty_text:
      send(usage("message <user> <text>"));
      break;
    case core::SendStatus::recipient_offline:
      break;  // only a guest's message meets it; classic users have accounts
  }
  prompt();
}

void ClassicSession::on_broadcast_all(const BroadcastAll& c) {
  auto offline = chat().broadcast_all(user(), c.text, store_answer());
  if (!offline) {
    send(usage("broadcast message <text>"));
  } else if (*offline > 0) {
    return await_store(users_offline(*offline), std::string(kStoreFailed));
  }
  prompt();
}

void ClassicSession::on_broadcast_users(const BroadcastUsers& c) {
  auto statuses = chat().broadcast_users(user(), c.users, c.text, store_answer());
  if (!statuses) {
    send(usage("broadcast user <user>... message <text>"));
    return prompt();
  }
  if (statuses->empty()) {
    send(kNoOtherRecipients);
    return prompt();
  }
  // Per listed user, in order; a store failure is reported once.
  std::string if_stored;
  std::string if_failed;
  bool storing = false;
  for (auto& s : *statuses) {
    if (s.status == core::SendStatus::unknown_user) {
      auto line = no_such_user(s.name);
      if_stored += line;
      if_failed += line;
    } else if (s.status == core::SendStatus::storing) {
      if_stored += receiver_offline(s.name);
      if (!storing) if_failed += kStoreFailed;
      storing = true;
    }
  }
  if (storing) return await_store(std::move(if_stored), std::move(if_failed));
  send(if_stored);
  prompt();
}

void ClassicSession::save_intro(std::string_view text) {
  auto status = chat().set_intro(user(), text, store_answer());
  if (status == core::IntroStatus::too_long) {
    send(intro_saved(status, chat().settings().intro_max));
    return prompt();
  }
  await_store(intro_saved(status, chat().settings().intro_max),
              "Error: the introduction could not be saved; please try again\n");
}

}  // namespace parley::proto::classic
