#include "proto/irc/irc_session.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/text.hpp"
#include "metrics/registry.hpp"
#include "proto/irc/casemap.hpp"
#include "proto/irc/wire.hpp"

namespace parley::proto::irc {

namespace asio = boost::asio;
using metrics::Figure;

IrcSession::IrcSession(std::unique_ptr<net::Transport> transport, session::Context& context, IrcContext& irc,
                       net::Worker& worker, session::Admission::Pass pass)
    : Session(std::move(transport), context, worker, std::move(pass)), irc_(irc), irc_settings_(irc.settings.get()) {}

void IrcSession::on_reconfigure() {
  Session::on_reconfigure();
  irc_settings_ = irc_.settings.get();
}

void IrcSession::on_started() { keep_alive(irc().ping_interval); }

const std::string& IrcSession::nick_or_star() const {
  static const std::string star = "*";
  return nick_.empty() ? star : nick_;
}

TagSet IrcSession::tag_set() const {
  if (has(cap::message_tags) || has(cap::account_tag)) return TagSet::all;
  return has(cap::server_time) ? TagSet::time : TagSet::none;
}

// --- replies -------------------------------------------------------------

void IrcSession::numeric(std::string_view code, std::initializer_list<std::string_view> params, std::string_view text) {
  std::string out;
  out.append(":").append(server()).append(" ").append(code).append(" ").append(nick_or_star());
  for (auto p : params) append_middle(out, p);
  append_trailing(out, 0, text);
  out.append("\r\n");
  reply(std::move(out));
}

void IrcSession::numeric(std::string_view code, std::initializer_list<std::string_view> params) {
  std::string out;
  out.append(":").append(server()).append(" ").append(code).append(" ").append(nick_or_star());
  for (auto p : params) append_middle(out, p);
  out.append("\r\n");
  reply(std::move(out));
}

void IrcSession::numeric_list(std::string_view code, std::initializer_list<std::string_view> params,
                              const std::vector<std::string>& items, char separator) {
  std::string head;
  head.append(":").append(server()).append(" ").append(code).append(" ").append(nick_or_star());
  for (auto p : params) append_middle(head, p);
  std::size_t room = head.size() + 4 < kLineMax ? kLineMax - head.size() - 4 : 1;
  std::string list;
  auto flush = [&] {
    std::string out = head;
    append_trailing(out, 0, list);
    reply(out.append("\r\n"));
    list.clear();
  };
  for (const auto& item : items) {
    if (!list.empty() && list.size() + 1 + item.size() > room) flush();
    if (!list.empty()) list.push_back(separator);
    list += item;
  }
  if (!list.empty()) flush();
}

void IrcSession::server_line(std::string_view command, std::initializer_list<std::string_view> params,
                             std::string_view text) {
  reply(line(server(), command, params, text));
}

void IrcSession::service_notice(std::string_view text) {
  reply(line(kServiceSource, "NOTICE", {nick_or_star()}, text));
}

void IrcSession::reply(std::string text) {
  if (gathering_) {
    replies_.push_back(std::move(text));
    return;
  }
  send(text);
}

void IrcSession::begin_reply(const Message& m) {
  if (!has(cap::labeled_response)) return;
  const std::string* label = m.tag("label");
  if (!label || label->empty() || label->size() > 64) return;
  label_ = *label;
  gathering_ = true;
}

namespace {
// `@tag` in front of a line that may already carry tags.
std::string with_tag(std::string_view tag, const std::string& line) {
  if (!line.empty() && line.front() == '@') return fmt::format("@{};{}", tag, std::string_view(line).substr(1));
  return fmt::format("@{} {}", tag, line);
}
}  // namespace

// One reply is labeled; several go in a labeled-response batch; none is
// acknowledged with ACK, so the client knows the command was done.
void IrcSession::end_reply() {
  if (!gathering_) return;
  gathering_ = false;
  auto replies = std::move(replies_);
  replies_.clear();
  std::string label = "label=" + escape_tag_value(label_);
  label_.clear();
  if (replies.empty()) return send(fmt::format("@{} :{} ACK\r\n", label, server()));
  if (replies.size() == 1 || !has(cap::batch)) {
    replies.front() = with_tag(label, replies.front());
    std::string out;
    for (auto& r : replies) out += r;
    return send(out);
  }
  auto id = new_batch_id();
  std::string out = with_tag(label, fmt::format(":{} BATCH +{} labeled-response\r\n", server(), id));
  std::string batch_tag = "batch=" + id;
  for (auto& r : replies) out += with_tag(batch_tag, r);
  out += fmt::format(":{} BATCH -{}\r\n", server(), id);
  send(out);
}

std::string IrcSession::new_batch_id() { return fmt::format("b{}", ++batches_); }

// --- lines in ----------------------------------------------------------------

void IrcSession::on_line(std::string_view raw) {
  heard();
  auto parsed = parse(raw);
  if (!parsed.message) {
    switch (parsed.error) {
      case ParseError::empty:
        return;
      case ParseError::too_long:
      case ParseError::tags_too_long:
        return numeric("417", {}, "Input line was too long");
      case ParseError::no_command:
      case ParseError::bad_command:
        return numeric("421", {"*"}, "Unknown command");
    }
    return;
  }
  const Message& m = *parsed.message;
  bool keepalive = m.command == "PING" || m.command == "PONG";
  if (!keepalive && !pace(raw)) return;
  if (logged_in() && state_ == State::ready && is_action(m)) touch();
  begin_reply(m);
  if (state_ == State::ready)
    on_command(m);
  else
    on_registering(m);
  end_reply();
  await_sends();
}

void IrcSession::on_line_too_long() {
  heard();
  numeric("417", {}, "Input line was too long");
}

bool IrcSession::is_action(const Message& m) {
  static constexpr std::string_view kQueries[] = {"PING",  "PONG", "WHO",    "ISON",    "USERHOST", "MONITOR",
                                                  "NAMES", "CAP",  "LUSERS", "VERSION", "MOTD"};
  for (auto q : kQueries)
    if (m.command == q) return false;
  // MODE with no change asked is a query clients send on their own.
  if (m.command == "MODE" && m.params.size() < 2) return false;
  return true;
}

void IrcSession::on_command(const Message& m) {
  const auto& c = m.command;
  if (c == "PRIVMSG") return on_privmsg(m, false);
  if (c == "NOTICE") return on_privmsg(m, true);
  if (c != "PING" && c != "PONG") metrics::add(Figure::messages_in_other);
  if (c == "PING") {
    if (m.params.empty()) return numeric("409", {}, "No origin specified");
    return server_line("PONG", {server()}, m.params.front());
  }
  if (c == "PONG") return;
  if (c == "JOIN") return on_join(m);
  if (c == "PART") return on_part(m);
  if (c == "TOPIC") return on_topic(m);
  if (c == "NAMES") return on_names(m);
  if (c == "LIST") return on_list(m);
  if (c == "INVITE") return on_invite(m);
  if (c == "KICK") return on_kick(m);
  if (c == "MODE") return on_mode(m);
  if (c == "WHO") return on_who(m);
  if (c == "WHOIS") return on_whois(m);
  if (c == "WHOWAS") return on_whowas(m);
  if (c == "ISON") return on_ison(m);
  if (c == "USERHOST") return on_userhost(m);
  if (c == "MONITOR") return on_monitor(m);
  if (c == "AWAY") return on_away(m);
  if (c == "SETNAME") return on_setname(m);
  if (c == "CHATHISTORY") return on_chathistory(m);
  if (c == "LUSERS") return on_lusers();
  if (c == "MOTD") return on_motd();
  if (c == "VERSION") return on_version();
  if (c == "QUIT") return on_quit(m);
  if (c == "CAP") return on_cap(m);
  if (c == "USER" || c == "PASS") return numeric("462", {}, "You may not reregister");
  if (c == "NICK") {
    if (m.params.empty()) return numeric("431", {}, "No nickname given");
    if (fold(m.params[0]) == fold(nick_)) return;
    return numeric("432", {std::string_view(m.params[0]).substr(0, 64)},
                   "Nicknames are account names here and cannot change");
  }
  if (c == "AUTHENTICATE") return numeric("907", {}, "You have already authenticated");
  numeric("421", {std::string_view(c).substr(0, 32)}, "Unknown command");
}

// --- session hooks -------------------------------------------------------------

std::string IrcSession::closing(std::string_view why) const { return fmt::format("ERROR :{}\r\n", why); }

std::string IrcSession::ping_line() { return fmt::format("PING :{}\r\n", server()); }

std::string IrcSession::ping_timeout_notice() {
  return closing(fmt::format("Ping timeout: {} seconds", irc().ping_interval.count()));
}

std::string IrcSession::timeout_notice() {
  if (!logged_in()) return closing("Registration timed out");
  return closing(
      fmt::format("You have been logged out after {} seconds of inactivity", settings().idle_timeout.count()));
}

std::string IrcSession::idle_warning(std::chrono::seconds left) {
  return line(server(), "NOTICE", {nick_or_star()},
              fmt::format("You will be logged out in {} seconds unless you send something", left.count()));
}

std::string IrcSession::shutdown_notice() { return closing("Server is shutting down"); }

std::string IrcSession::admin_end_notice(core::AdminEnd why) {
  switch (why) {
    case core::AdminEnd::kicked:
      break;
    case core::AdminEnd::deleted:
      return closing("Your account has been deleted by the server administrator");
    case core::AdminEnd::password_changed:
      return closing("Your password has been changed by the server administrator; please log in again");
    case core::AdminEnd::disabled:
      return closing("Your account has been disabled by the server administrator");
  }
  return closing("You have been disconnected by the server administrator");
}

std::string IrcSession::server_notice(std::string_view text) {
  return line(server(), "NOTICE", {nick_or_star()}, fmt::format("Notice from the server: {}", text));
}

std::string IrcSession::refusal_notice(session::Refusal why, std::chrono::seconds left) { return refusal(why, left); }

namespace {
std::string closing_line(std::string_view why) { return fmt::format("ERROR :{}\r\n", why); }
}  // namespace

std::string refusal(session::Refusal why, std::chrono::seconds left) {
  auto closing = closing_line;
  switch (why) {
    case session::Refusal::server_full:
      return closing("Server full, try again later");
    case session::Refusal::too_many_connections:
      return closing("Too many connections from your address");
    case session::Refusal::too_many_logins:
      return closing("Too many connections from your address are logging in; try again later");
    case session::Refusal::too_many_failures:
      return closing(fmt::format("Too many failed logins from your address; try again in {} seconds", left.count()));
    case session::Refusal::busy:
      break;
  }
  return closing("Server busy, try again");
}

void IrcSession::on_stored() { connection().resume(); }

std::shared_ptr<const std::string> IrcSession::encode(const core::EnvelopePtr& envelope) {
  const auto& m = envelope->message();
  switch (m.kind) {
    case core::MessageKind::private_message:
    case core::MessageKind::broadcast:
    case core::MessageKind::room: {
      auto tags = tag_set();
      auto slot = tags == TagSet::all    ? core::ProtocolSlot::irc_tags
                  : tags == TagSet::time ? core::ProtocolSlot::irc_time
                                         : core::ProtocolSlot::irc;
      return envelope->encoded(
          slot, [this, tags](const core::ChatMessage& message) { return message_line(message, tags, nick_); });
    }
    case core::MessageKind::room_event:
    case core::MessageKind::invitation:
      return std::make_shared<const std::string>(event_line(m));
    case core::MessageKind::presence:
      return std::make_shared<const std::string>(presence_lines(m));
  }
  return nullptr;
}

// --- messages ----------------------------------------------------------------

namespace {
// CTCP ACTION (/me) becomes words everyone can read; other CTCP requests
// (VERSION, PING...) are for clients, not people, and go nowhere.
std::optional<std::string> plain_text(const std::string& nick, std::string_view text) {
  if (text.empty() || text.front() != '\x01') return std::string(text);
  text.remove_prefix(1);
  if (!text.empty() && text.back() == '\x01') text.remove_suffix(1);
  if (text.starts_with("ACTION ")) return fmt::format("* {} {}", nick, text.substr(7));
  return std::nullopt;
}
}  // namespace

void IrcSession::on_privmsg(const Message& m, bool notice) {
  if (m.params.empty()) return notice ? void() : numeric("411", {}, fmt::format("No recipient given ({})", m.command));
  if (m.params.size() < 2 || m.params[1].empty()) return notice ? void() : numeric("412", {}, "No text to send");
  auto text = plain_text(nick_, m.params[1]);
  if (!text) return;
  for (auto target : split_list(m.params[0])) {
    std::string name(target);
    if (name == kEveryone) {
      metrics::add(Figure::messages_in_broadcast);
      on_broadcast(*text, notice);
    } else if (name == kService) {
      metrics::add(Figure::messages_in_other);
      on_service(*text);
    } else if (is_channel(name)) {
      metrics::add(Figure::messages_in_room);
      on_room_message(name, *text, notice);
    } else {
      metrics::add(Figure::messages_in_private);
      send_private(name, *text, notice);
    }
  }
}

// IRC lets a user message itself; the chat rules do not deliver it, so it
// comes straight back.
void IrcSession::echo_to_self(std::string_view text) {
  core::ChatMessage m;
  m.sender = nick_;
  m.guest = guest();
  m.sent_at = std::chrono::system_clock::now();
  m.text = clean(text);
  reply(message_line(m, tag_set(), nick_));
}

void IrcSession::echo(std::string_view target, std::string_view text, bool notice) {
  if (!has(cap::echo_message)) return;
  core::ChatMessage m;
  m.sender = nick_;
  m.guest = guest();
  m.sent_at = std::chrono::system_clock::now();
  m.text = clean(text);
  m.kind = core::MessageKind::private_message;
  reply(message_line(m, tag_set(), target, {}, notice ? "NOTICE" : "PRIVMSG"));
}

void IrcSession::send_private(const std::string& target, const std::string& text, bool notice) {
  auto status = chat().send_private(user(), target, text, store_callback());
  auto name = chat().account_name(target).value_or(target);
  switch (status) {
    case core::SendStatus::delivered:
      echo(name, text, notice);
      if (auto away = chat().away(name); away && !notice) numeric("301", {name}, *away);
      return;
    case core::SendStatus::storing:
      echo(name, text, notice);
      ++stores_pending_;
      if (!notice) numeric("301", {name}, "Offline; the message will be delivered at their next login");
      return;
    case core::SendStatus::to_self:
      echo_to_self(text);
      return;
    case core::SendStatus::recipient_offline:
      if (!notice) numeric("401", {name}, "Offline; guests cannot leave messages for later");
      return;
    case core::SendStatus::unknown_user:
      if (!notice) numeric("401", {std::string_view(target).substr(0, 64)}, "No such nick/channel");
      return;
    case core::SendStatus::empty_text:
      if (!notice) numeric("412", {}, "No text to send");
      return;
  }
}

void IrcSession::on_broadcast(const std::string& text, bool notice) {
  auto offline = chat().broadcast_all(user(), text, store_callback());
  if (!offline) return notice ? void() : numeric("412", {}, "No text to send");
  echo(kEveryone, text, notice);
  if (*offline > 0) ++stores_pending_;
}

// A commit for each message that waits for the store; input waits for all
// of them, as the classic prompt does.
store::Callback<store::Done> IrcSession::store_callback() {
  return [this](store::Result<store::Done> result) {
    std::string error = result.ok() ? std::string() : result.error();
    asio::post(connection().worker().context(), [this, ok = result.ok(), error = std::move(error)] {
      if (!ok) {
        spdlog::error("store write failed user={}: {}", user(), error);
        store_failed_ = true;
      }
      if (--stores_pending_ > 0) return;
      auto hold = std::move(store_hold_);
      if (store_failed_)
        reply(line(server(), "NOTICE", {nick_or_star()},
                   "Error: a message could not be stored and was not delivered; please try again"));
      store_failed_ = false;
      if (!connection().closing()) connection().resume();
      // `hold` goes last: it may keep this session alive.
    });
  };
}

void IrcSession::await_sends() {
  if (stores_pending_ <= 0 || store_hold_) return;
  connection().pause();
  store_hold_ = std::static_pointer_cast<IrcSession>(shared_from_this());
}

void IrcSession::on_quit(const Message& m) {
  std::string reason = m.params.empty() ? "Quit" : "Quit: " + clean(m.param(0)).substr(0, 200);
  finish(End::logout, closing(reason));
}

void IrcSession::on_away(const Message& m) {
  chat().set_away(user(), m.param(0));
  if (m.param(0).empty()) return numeric("305", {}, "You are no longer marked as being away");
  numeric("306", {}, "You have been marked as being away");
}

void IrcSession::on_setname(const Message& m) {
  if (guest())
    return reply(fmt::format(":{} FAIL SETNAME CANNOT_CHANGE_REALNAME :Guests have no introduction\r\n", server()));
  auto status = chat().set_intro(user(), m.param(0), store_callback());
  if (status == core::IntroStatus::too_long)
    return reply(fmt::format(":{} FAIL SETNAME INVALID_REALNAME :An introduction is at most {} characters\r\n",
                             server(), chat().settings().intro_max));
  ++stores_pending_;
  if (has(cap::setname)) reply(line(user_source(nick_, false), "SETNAME", {}, clean(m.param(0))));
}

}  // namespace parley::proto::irc
