#include "proto/web/web_session.hpp"

#include <spdlog/spdlog.h>

#include "metrics/registry.hpp"
#include "proto/classic/format.hpp"
#include "proto/web/json_writer.hpp"
#include "proto/web/web_format.hpp"

namespace parley::proto::web {

using metrics::Figure;

namespace {
constexpr std::size_t kListMax = 1000;  // names in one broadcast list
}

void WebSession::on_started() {
  JsonWriter w("hello");
  w.text("server", "parley")
      .text("version", PARLEY_VERSION)
      .number("login_timeout", static_cast<std::int64_t>(settings().login_timeout.count()));
  send(std::move(w).line());
}

std::string WebSession::ok_line() const {
  JsonWriter w("ok");
  return std::move(w.ref(ref_)).line();
}

std::string WebSession::unavailable_line() const {
  return error_line("unavailable", "The change could not be saved; please try again", ref_);
}

void WebSession::fail(std::string_view code, std::string_view text) { send(error_line(code, text, ref_)); }

// --- session hooks ---------------------------------------------------------

std::shared_ptr<const std::string> WebSession::encode(const core::EnvelopePtr& envelope) {
  return envelope->encoded(core::ProtocolSlot::websocket, [](const core::ChatMessage& m) { return live_line(m); });
}

std::string WebSession::timeout_notice() {
  if (logged_in()) return bye_line("timeout", classic::idle_logout(settings().idle_timeout));
  return bye_line("timeout", classic::kLoginTimedOut);
}

std::string WebSession::idle_warning(std::chrono::seconds left) {
  JsonWriter w("idle_warning");
  w.number("seconds", static_cast<std::int64_t>(left.count())).text("text", words(classic::idle_warning(left)));
  return std::move(w).line();
}

std::string WebSession::shutdown_notice() { return bye_line("shutdown", classic::kShuttingDown); }

std::string WebSession::admin_end_notice(core::AdminEnd why) {
  return bye_line(admin_end_reason(why), classic::admin_end(why));
}

std::string WebSession::server_notice(std::string_view text) {
  JsonWriter w("notice");
  w.text("text", text);
  return std::move(w).line();
}

std::string WebSession::refusal_notice(session::Refusal why, std::chrono::seconds left) {
  JsonWriter w("bye");
  w.text("reason", "refused").text("code", refusal_code(why));
  if (left.count() > 0) w.number("seconds", static_cast<std::int64_t>(left.count()));
  w.text("text", words(classic::refusal(why, left)));
  return std::move(w).line();
}

void WebSession::on_stored() { connection().resume(); }

// --- login ------------------------------------------------------------------

void WebSession::on_line(std::string_view line) {
  heard();
  auto parsed = parse_request(line);
  if (auto* bad = std::get_if<BadRequest>(&parsed)) {
    if (logged_in()) touch();
    send(error_line(bad->code, bad->text, bad->ref));
    return;
  }
  const auto& request = std::get<Request>(parsed);
  ref_ = request.ref;
  line_ = line;
  try {
    on_request(request);
  } catch (const FieldError& e) {
    fail("bad_request", e.what());
  }
}

void WebSession::on_line_too_long() {
  if (logged_in()) touch();
  ref_.clear();
  fail("too_long", classic::line_too_long(limits().max_line));
}

void WebSession::on_request(const Request& r) {
  if (r.type == "ping") {
    JsonWriter w("pong");
    return send(std::move(w.ref(ref_)).line());
  }
  switch (state_) {
    case State::login:
      if (r.type == "login") return on_login(r);
      return fail("not_logged_in", "Log in first");
    case State::ready:
      if (r.type == "login") return fail("bad_request", "Already logged in");
      return on_command(r);
    case State::verifying:
    case State::joining:
      return;  // input is paused in these states
  }
}

void WebSession::on_login(const Request& r) {
  std::string name(need_text(r, "user"));
  std::string password(need_text(r, "password"));
  if (name.empty()) return fail("login_failed", classic::kBadCredentials);
  if (auto stored = chat().account_name(name)) name = std::move(*stored);  // names ignore case
  if (auto left = blocked(name)) {
    JsonWriter w("error");
    w.text("code", "still_blocked")
        .number("seconds", static_cast<std::int64_t>(left->count()))
        .text("text", words(classic::still_blocked(name, *left)))
        .ref(ref_);
    return send(std::move(w).line());
  }
  set_user(std::move(name));
  state_ = State::verifying;
  check_login(std::move(password));
}

void WebSession::on_login_verdict(const std::string& name, core::LoginVerdict verdict) {
  auto blocked_error = [&](std::string_view code, std::string text) {
    JsonWriter w("error");
    w.text("code", code)
        .number("seconds", static_cast<std::int64_t>(verdict.block.count()))
        .text("text", words(text))
        .ref(ref_);
    send(std::move(w).line());
  };
  switch (verdict.outcome) {
    case core::LoginOutcome::ok: {
      state_ = State::joining;
      JsonWriter w("welcome");
      w.text("user", user())
          .text("text", words(classic::welcome_line(settings().welcome)))
          .number("idle_timeout", static_cast<std::int64_t>(settings().idle_timeout.count()))
          .ref(ref_);
      send(std::move(w).line());
      return join();
    }
    case core::LoginOutcome::blocked:
      blocked_error("blocked", classic::blocked_now(name, verdict.block));
      break;
    case core::LoginOutcome::still_blocked:
      blocked_error("still_blocked", classic::still_blocked(name, verdict.block));
      break;
    case core::LoginOutcome::failed:
      fail("login_failed", classic::kBadCredentials);
      break;
  }
  state_ = State::login;
  connection().resume();
}

void WebSession::on_offline_message(const core::ChatMessage& message) {
  std::string_view to = message.kind == core::MessageKind::private_message ? std::string_view(user()) : "";
  send(message_object(message, 0, to, true) + '\n');
}

void WebSession::on_offline_kept() {
  ref_.clear();
  fail("unavailable", "Your offline messages cannot be shown now; they are kept for your next login");
}

void WebSession::on_unread_room(const core::RoomUnread& room) {
  JsonArray messages;
  for (const auto& m : room.messages) messages.add(message_object(m.message, m.id, {}, false));
  JsonWriter w("unread");
  w.text("room", room.room).number("count", room.count).raw("messages", std::move(messages).close());
  send(std::move(w).line());
}

void WebSession::on_joined() {
  state_ = State::ready;
  JsonWriter w("ready");
  w.raw("online", users_array(chat().who_else(user()))).raw("rooms", rooms_array(chat().rooms(user()).joined));
  send(std::move(w).line());
  connection().resume();
}

// --- commands ---------------------------------------------------------------

void WebSession::count_in(const Request& r) {
  if (r.type == "send") {
    auto* to = r.fields.if_contains("to");
    bool room = to && to->is_string() && to->get_string().starts_with("#");
    metrics::add(room ? Figure::messages_in_room : Figure::messages_in_private);
  } else if (r.type == "broadcast") {
    metrics::add(r.fields.contains("to") ? Figure::messages_in_broadcast_list : Figure::messages_in_broadcast);
  } else {
    metrics::add(Figure::messages_in_other);
  }
}

void WebSession::on_command(const Request& r) {
  touch();
  if (!pace(line_)) return;
  count_in(r);
  const auto& t = r.type;
  if (t == "send") return on_send(r);
  if (t == "broadcast") return on_broadcast(r);
  if (t == "whoelse") {
    JsonWriter w("users");
    return send(std::move(w.raw("users", users_array(chat().who_else(user()))).ref(ref_)).line());
  }
  if (t == "wholast") return on_wholast(r);
  if (t == "intro") return on_intro(r);
  if (t == "rooms") return on_rooms();
  if (t == "join") return on_join(r);
  if (t == "leave") return on_leave(r);
  if (t == "topic") return on_topic(r);
  if (t == "members") return on_members(r);
  if (t == "invite" || t == "remove" || t == "owner" || t == "handover") return on_member_action(r);
  if (t == "access") return on_access(r);
  if (t == "history") return on_history(r);
  if (t == "logout") return finish(End::logout, bye_line("logout", classic::kLoggingOff));
  fail("unknown_type", "Unknown request type: " + t.substr(0, 32));
}

void WebSession::on_send(const Request& r) {
  std::string to(need_text(r, "to"));
  auto text = need_text(r, "text");
  if (to.starts_with("#")) return on_room_message(to, text);
  on_private(to, text);
}

void WebSession::on_private(const std::string& to, std::string_view text) {
  auto name = chat().account_name(to).value_or(to);
  auto sent = [&](bool stored) {
    JsonWriter w("sent");
    w.text("to", name).text("time", iso_time(std::chrono::system_clock::now()));
    if (stored) w.flag("stored", true);
    return std::move(w.ref(ref_)).line();
  };
  switch (chat().send_private(user(), to, text, store_answer())) {
    case core::SendStatus::delivered:
      return send(sent(false));
    case core::SendStatus::storing:
      return await_store(sent(true), error_line("unavailable", classic::kStoreFailed, ref_));
    case core::SendStatus::unknown_user:
      return fail("no_such_user", classic::no_such_user(to));
    case core::SendStatus::to_self:
      return fail("to_self", classic::kMessageToSelf);
    case core::SendStatus::empty_text:
      return fail("empty_text", "The message is empty");
    case core::SendStatus::recipient_offline:
      return fail("recipient_offline", "The recipient is offline");
  }
}

void WebSession::on_broadcast(const Request& r) {
  auto text = need_text(r, "text");
  auto names = maybe_texts(r, "to", kListMax);
  auto now = iso_time(std::chrono::system_clock::now());
  if (!names) {
    auto offline = chat().broadcast_all(user(), text, store_answer());
    if (!offline) return fail("empty_text", "The message is empty");
    JsonWriter w("sent");
    w.text("to", "*").text("time", now);
    if (*offline > 0) w.number("stored", static_cast<std::int64_t>(*offline));
    auto line = std::move(w.ref(ref_)).line();
    if (*offline > 0) return await_store(std::move(line), error_line("unavailable", classic::kStoreFailed, ref_));
    return send(line);
  }
  auto statuses = chat().broadcast_users(user(), *names, text, store_answer());
  if (!statuses) return fail("empty_text", "The message is empty");
  if (statuses->empty()) return fail("to_self", classic::kNoOtherRecipients);
  JsonArray reached;
  JsonArray failed;
  bool storing = false;
  for (const auto& s : *statuses) {
    if (s.status == core::SendStatus::unknown_user) {
      JsonWriter f;
      failed.add(std::move(f.text("name", s.name).text("code", "no_such_user")).object());
      continue;
    }
    storing = storing || s.status == core::SendStatus::storing;
    reached.add_text(s.name);
  }
  JsonWriter w("sent");
  w.raw("to", std::move(reached).close()).raw("failed", std::move(failed).close()).text("time", now);
  auto line = std::move(w.ref(ref_)).line();
  if (storing) return await_store(std::move(line), error_line("unavailable", classic::kStoreFailed, ref_));
  send(line);
}

void WebSession::on_wholast(const Request& r) {
  auto minutes = maybe_number(r, "minutes");
  int last_hour = chat().settings().last_hour;
  if (!minutes || *minutes < 0 || *minutes > last_hour) return fail("bad_request", classic::wholast_range(last_hour));
  auto users = chat().who_last(user(), static_cast<int>(*minutes));
  if (!users) return fail("bad_request", classic::wholast_range(last_hour));
  JsonWriter w("users");
  w.number("minutes", *minutes).raw("users", users_array(*users)).ref(ref_);
  send(std::move(w).line());
}

void WebSession::on_intro(const Request& r) {
  auto text = need_text(r, "text");
  auto status = chat().set_intro(user(), text, store_answer());
  if (status == core::IntroStatus::too_long)
    return fail("too_long", classic::intro_saved(status, chat().settings().intro_max));
  await_store(ok_line(), error_line("unavailable", "The introduction could not be saved; please try again", ref_));
}

}  // namespace parley::proto::web
