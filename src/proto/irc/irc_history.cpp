// What was said before: offline messages and unread room messages at
// registration, CHATHISTORY, and the *parley service user, which answers the
// classic commands in the classic words.
#include <fmt/format.h>

#include <charconv>

#include "core/text.hpp"
#include "proto/classic/commands.hpp"
#include "proto/classic/format.hpp"
#include "proto/classic/room_format.hpp"
#include "proto/irc/casemap.hpp"
#include "proto/irc/irc_session.hpp"
#include "proto/irc/wire.hpp"

namespace parley::proto::irc {

namespace {
constexpr std::size_t kHistoryMax = 500;  // CHATHISTORY=500

// A stored message as the line a client that was there would have seen:
// with server-time the time is a tag, without it a prefix of the text.
std::string past_line(const core::ChatMessage& original, TagSet tags, std::string_view me, std::string_view batch,
                      std::int64_t id) {
  core::ChatMessage m = original;
  if (tags == TagSet::none) m.text = fmt::format("[{}] {}", classic::utc_stamp(m.sent_at), m.text);
  std::string_view to = m.sender == me ? std::string_view(m.target) : me;
  std::string extra;
  if (!batch.empty()) extra = fmt::format("batch={}", batch);
  if (tags == TagSet::all && m.kind != core::MessageKind::room && id != 0)
    extra += fmt::format("{}msgid={}", extra.empty() ? "" : ";", id);
  return message_line(m, tags, to, extra);
}
}  // namespace

void IrcSession::offline_batch_for(const std::string& target) {
  if (!has(cap::batch)) return;
  if (!offline_batch_.empty() && fold(offline_target_) == fold(target)) return;
  close_offline_batch();
  offline_batch_ = new_batch_id();
  offline_target_ = target;
  reply(line(server(), "BATCH", {"+" + offline_batch_, "chathistory", target}));
}

void IrcSession::close_offline_batch() {
  if (offline_batch_.empty()) return;
  reply(line(server(), "BATCH", {"-" + std::exchange(offline_batch_, {})}));
  offline_target_.clear();
}

void IrcSession::on_offline_begin() { service_notice("Your offline messages:"); }

void IrcSession::on_offline_message(const core::ChatMessage& message) {
  std::string target = message.kind == core::MessageKind::broadcast ? std::string(kEveryone) : message.sender;
  offline_batch_for(target);
  reply(past_line(message, tag_set(), nick_, offline_batch_, 0));
}

void IrcSession::on_offline_kept() {
  close_offline_batch();
  service_notice("Your offline messages cannot be shown now; they are kept for your next login");
}

void IrcSession::on_unread_room(const core::RoomUnread& room) {
  close_offline_batch();
  std::vector<store::StoredMessage> messages = room.messages;
  replay(room.room, messages, true);
  auto shown = static_cast<std::int64_t>(room.messages.size());
  if (room.count > shown)
    reply(line(kServiceSource, "NOTICE", {room.room},
               fmt::format("{} unread messages, the last {} shown; CHATHISTORY or /msg *parley history {} 100 "
                           "shows more",
                           room.count, shown, room.room)));
}

void IrcSession::on_joined() {
  close_offline_batch();
  state_ = State::ready;
  connection().resume();
}

void IrcSession::replay(const std::string& target, const std::vector<store::StoredMessage>& messages, bool batch_it) {
  std::string batch;
  if (batch_it && has(cap::batch)) {
    batch = new_batch_id();
    reply(line(server(), "BATCH", {"+" + batch, "chathistory", target}));
  }
  auto tags = tag_set();
  for (const auto& s : messages) {
    core::ChatMessage m = s.message;
    if (m.kind == core::MessageKind::private_message && m.sender == nick_) m.target = target;
    reply(past_line(m, tags, nick_, batch, s.id));
  }
  if (!batch.empty()) reply(line(server(), "BATCH", {"-" + batch}));
}

// CHATHISTORY LATEST <target> * <limit>, or BEFORE <target> msgid=<id> <limit>.
void IrcSession::on_chathistory(const Message& m) {
  auto fail = [&](std::string_view code, std::string_view text) {
    if (m.params.size() > 1) return reply(line(server(), "FAIL", {"CHATHISTORY", code, m.param(0)}, text));
    reply(line(server(), "FAIL", {"CHATHISTORY", code}, text));
  };
  std::string sub(m.param(0));
  for (auto& c : sub) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (sub != "LATEST" && sub != "BEFORE") return fail("INVALID_PARAMS", "LATEST and BEFORE are supported");
  if (m.params.size() < 4) return fail("NEED_MORE_PARAMS", "Missing parameters");
  std::string target(m.param(1));
  auto ref = m.param(2);
  store::MessageId before = 0;
  if (ref != "*") {
    if (!ref.starts_with("msgid=")) return fail("INVALID_MSGREFID", "Only msgid references are supported");
    auto id = ref.substr(6);
    auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), before);
    if (ec != std::errc() || p != id.data() + id.size() || before <= 0) return fail("INVALID_MSGREFID", "Bad msgid");
    if (sub == "LATEST") return fail("INVALID_PARAMS", "LATEST takes *");
  } else if (sub == "BEFORE") {
    return fail("INVALID_MSGREFID", "BEFORE needs a msgid");
  }
  std::size_t limit = 0;
  auto l = m.param(3);
  auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), limit);
  if (ec != std::errc() || p != l.data() + l.size() || limit == 0) return fail("INVALID_PARAMS", "Bad limit");
  limit = std::min(limit, kHistoryMax);
  std::string label = gathering_ ? label_ : std::string();
  auto answer =
      chat().history(user(), target, before, limit, here<store::HistoryPage>([this, target, label](auto page) {
                       history_reply(target, label, std::move(page), false);
                     }));
  if (answer.status != core::HistoryStatus::ok) {
    // Nothing kept, or not for this user: an empty batch, as for a conversation without messages.
    return history_reply(target, {}, store::HistoryPage{}, false);
  }
}

void IrcSession::history_reply(const std::string& target, std::string label, store::Result<store::HistoryPage> page,
                               bool as_notices) {
  if (connection().closing()) return;
  bool was_gathering = gathering_;
  if (!label.empty() && !was_gathering) {
    gathering_ = true;
    label_ = std::move(label);
  }
  if (!page.ok()) {
    reply(line(server(), "FAIL", {"CHATHISTORY", "MESSAGE_ERROR", target}, "History cannot be read now"));
  } else if (as_notices) {
    const auto& messages = page.value().messages;
    if (messages.empty()) service_notice(classic::history_empty(target));
    if (page.value().older > 0) service_notice(classic::history_earlier(page.value().older));
    for (const auto& s : messages) service_notice(core::trim(classic::stamped_line(s.message)));
  } else {
    // Always a batch, even an empty one: the client waits for its end.
    std::string batch = new_batch_id();
    reply(line(server(), "BATCH", {"+" + batch, "chathistory", target}));
    auto tags = tag_set();
    for (const auto& s : page.value().messages) {
      core::ChatMessage m = s.message;
      if (m.kind == core::MessageKind::private_message) m.target = target;
      reply(past_line(m, tags, nick_, batch, s.id));
    }
    reply(line(server(), "BATCH", {"-" + batch}));
  }
  if (!was_gathering) end_reply();
}

void IrcSession::on_service(std::string_view text) {
  auto command = classic::parse_command(text);
  auto say = [this](std::string_view words) {
    while (!words.empty()) {
      auto nl = words.find('\n');
      auto piece = words.substr(0, nl);
      if (!piece.empty()) service_notice(piece);
      words = nl == std::string_view::npos ? std::string_view{} : words.substr(nl + 1);
    }
  };
  if (std::holds_alternative<classic::WhoElse>(command)) return say(classic::who_else(chat().who_else(user())));
  if (auto* who = std::get_if<classic::WhoLast>(&command)) {
    auto users = who->minutes ? chat().who_last(user(), *who->minutes) : std::nullopt;
    return say(users ? classic::who_last(*who->minutes, *users) : classic::wholast_range(chat().settings().last_hour));
  }
  if (auto* intro = std::get_if<classic::PersonalIntro>(&command)) {
    if (guest()) return say("Guests have no introduction");
    if (!intro->text) return say("Usage: personalintro <text>");
    auto status = chat().set_intro(user(), *intro->text, store_callback());
    say(classic::intro_saved(status, chat().settings().intro_max));
    if (status != core::IntroStatus::too_long) ++stores_pending_;
    return;
  }
  if (auto* history = std::get_if<classic::History>(&command)) {
    if (history->target.empty()) return say("Use: history <user>|#room [count]");
    auto target = history->target;
    auto answer = chat().history(
        user(), target, 0, static_cast<std::size_t>(history->count),
        here<store::HistoryPage>([this, target](auto page) { history_reply(target, {}, std::move(page), true); }));
    if (answer.status == core::HistoryStatus::guest) return say("Guests have no history: nothing is kept for them");
    if (answer.status != core::HistoryStatus::ok) say(classic::history_error(answer));
    return;
  }
  if (std::holds_alternative<classic::Help>(command) || std::holds_alternative<classic::Empty>(command))
    return say(fmt::format(
        "Commands: whoelse | wholast <minutes 0..{}> | personalintro <text> | history <user>|#room [count]\n"
        "Broadcast: talk in &everyone. Rooms: /join #room. See who is on: /who &everyone, /whois, /monitor.",
        chat().settings().last_hour));
  say("Unknown command for *parley; try: help");
}

}  // namespace parley::proto::irc
