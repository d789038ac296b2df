// Presence beyond being logged in: guests, away messages, watched names,
// and the presence messages that tell others about them.
#include <algorithm>
#include <unordered_set>

#include "core/chat_service.hpp"
#include "core/text.hpp"
#include "core/user_file.hpp"

namespace parley::core {

namespace {

// Cuts valid UTF-8 to at most `max` code points.
void cut_chars(std::string& text, std::size_t max) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (chars++ == max) return text.resize(i);
  }
}

// Cleaned like an intro, then cut.
std::string away_text(std::string_view text) {
  std::string clean(trim(sanitize_text(text)));
  cut_chars(clean, kAwayMax);
  // Cutting may leave a space at the end.
  if (auto trimmed = trim(clean); trimmed.size() != clean.size()) clean = std::string(trimmed);
  return clean;
}

const std::vector<store::RoomId> kNoRooms;

}  // namespace

void ChatService::announce(const std::string& name, bool guest, const Presence& presence,
                           const std::vector<store::RoomId>& rooms, PresenceChange change, std::string text,
                           Outbox& out) const {
  // Each participant once, the user's own connections never.
  std::unordered_set<const Participant*> seen;
  for (const auto& p : presence.connections) seen.insert(p.get());
  Recipients to;
  auto add = [&](const std::shared_ptr<Participant>& p) {
    if (seen.insert(p.get()).second) to.push_back(p);
  };
  for (const auto& p : presence_everyone_.connections()) add(p);
  if (auto watching = watchers_.find(name); watching != watchers_.end())
    for (const auto& [raw, p] : watching->second) add(p);
  for (auto id : rooms)
    if (auto room = rooms_.find(id); room != rooms_.end())
      for (const auto& p : room->second.presence_live.connections()) add(p);
  if (to.empty()) return;
  ChatMessage m;
  m.sender = name;
  m.text = std::move(text);
  m.kind = MessageKind::presence;
  m.sent_at = clock_.now();
  m.presence = change;
  m.guest = guest;
  out.emplace_back(std::move(to), std::move(m));
}

bool ChatService::guest_user(std::string_view user) const {
  return guests_.count(user) > 0 && accounts_.count(user) == 0;
}

bool ChatService::acting_guest(const Actor& actor) const { return !actor.is_operator() && guest_user(actor.user); }

GuestStatus ChatService::join_guest(const std::string& nick, std::shared_ptr<Participant> participant) {
  if (!is_valid_username(nick)) return GuestStatus::bad_name;
  Outbox out;
  {
    std::lock_guard lock(mutex_);
    if (accounts_.count(nick)) return GuestStatus::account_name;
    if (guests_.count(nick)) return GuestStatus::in_use;
    auto& guest = guests_[nick];
    guest.presence.connections.push_back(std::move(participant));
    announce(nick, true, guest.presence, kNoRooms, PresenceChange::online, {}, out);
  }
  deliver_all(std::move(out));
  return GuestStatus::ok;
}

bool ChatService::is_guest(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return guest_user(name);
}

Recipients ChatService::take_guest_offline(std::string_view nick, Outbox& out) {
  auto it = guests_.find(nick);
  if (it == guests_.end()) return {};
  const std::string name = it->first;
  auto& guest = it->second;
  announce(name, true, guest.presence, guest.rooms, PresenceChange::offline, {}, out);
  auto rooms = guest.rooms;
  for (auto id : rooms)
    if (auto room = rooms_.find(id); room != rooms_.end())
      guest_leave_room(guest, name, room->second, RoomEvent::left, name, nullptr);
  Recipients connections = std::move(guest.presence.connections);
  guests_.erase(it);
  return connections;
}

void ChatService::set_away(const std::string& user, std::string_view text) {
  std::string clean = away_text(text);
  Outbox out;
  {
    std::lock_guard lock(mutex_);
    const std::string* name = nullptr;
    Presence* presence = nullptr;
    const std::vector<store::RoomId>* rooms = &kNoRooms;
    bool guest = false;
    if (auto online = online_.find(user); online != online_.end()) {
      name = &online->first;
      presence = &online->second;
      if (auto account = accounts_.find(user); account != accounts_.end()) rooms = &account->second.rooms;
    } else if (auto g = guests_.find(user); g != guests_.end()) {
      name = &g->first;
      presence = &g->second.presence;
      rooms = &g->second.rooms;
      guest = true;
    }
    if (!presence || presence->away == clean) return;  // offline, or nothing changes
    presence->away = clean;
    if (clean.empty())
      announce(*name, guest, *presence, *rooms, PresenceChange::back, {}, out);
    else
      announce(*name, guest, *presence, *rooms, PresenceChange::away, std::move(clean), out);
  }
  deliver_all(std::move(out));
}

std::optional<std::string> ChatService::away(std::string_view user) const {
  std::lock_guard lock(mutex_);
  const Presence* presence = nullptr;
  if (auto online = online_.find(user); online != online_.end())
    presence = &online->second;
  else if (auto guest = guests_.find(user); guest != guests_.end())
    presence = &guest->second.presence;
  if (!presence || presence->away.empty()) return std::nullopt;
  return presence->away;
}

void ChatService::watch(const std::shared_ptr<Participant>& participant, std::string_view name) {
  std::lock_guard lock(mutex_);
  auto watchers = watchers_.find(name);
  if (watchers == watchers_.end()) watchers = watchers_.emplace(std::string(name), Watchers{}).first;
  watchers->second[participant.get()] = participant;
  auto& names = watching_[participant.get()];
  if (!names.count(name)) names.emplace(std::string(name), true);
}

void ChatService::unwatch(const Participant* participant, std::string_view name) {
  std::lock_guard lock(mutex_);
  auto names = watching_.find(participant);
  if (names == watching_.end()) return;
  names->second.erase(std::string(name));
  if (names->second.empty()) watching_.erase(names);
  if (auto watchers = watchers_.find(name); watchers != watchers_.end()) {
    watchers->second.erase(participant);
    if (watchers->second.empty()) watchers_.erase(watchers);
  }
}

void ChatService::unwatch_all(const Participant* participant) {
  std::lock_guard lock(mutex_);
  drop_watches(participant);
}

void ChatService::drop_watches(const Participant* participant) {
  auto names = watching_.find(participant);
  if (names == watching_.end()) return;
  for (const auto& [name, unused] : names->second) {
    auto watchers = watchers_.find(name);
    if (watchers == watchers_.end()) continue;
    watchers->second.erase(participant);
    if (watchers->second.empty()) watchers_.erase(watchers);
  }
  watching_.erase(names);
}

bool ChatService::is_online(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return online_.count(name) > 0 || guests_.count(name) > 0;
}

std::optional<UserDetails> ChatService::details(std::string_view asking, std::string_view name) const {
  std::lock_guard lock(mutex_);
  UserDetails d;
  const std::vector<store::RoomId>* rooms = &kNoRooms;
  const Presence* presence = nullptr;
  if (auto account = accounts_.find(name); account != accounts_.end()) {
    d.name = account->first;
    d.intro = account->second.intro;
    d.last_seen = account->second.last_seen;
    rooms = &account->second.rooms;
    if (auto online = online_.find(name); online != online_.end()) presence = &online->second;
  } else if (auto guest = guests_.find(name); guest != guests_.end()) {
    d.name = guest->first;
    d.guest = true;
    rooms = &guest->second.rooms;
    presence = &guest->second.presence;
  } else {
    return std::nullopt;
  }
  if (presence && !presence->connections.empty()) {
    d.online = true;
    d.away = presence->away;
    d.connections = presence->connections.size();
    d.since = presence->connections.front()->since();
    for (const auto& p : presence->connections) d.since = std::min(d.since, p->since());
  }
  // The rooms the asker may know of: public ones and those it is in.
  std::unordered_set<store::RoomId> shared;
  if (auto me = accounts_.find(asking); me != accounts_.end())
    shared.insert(me->second.rooms.begin(), me->second.rooms.end());
  else if (auto guest = guests_.find(asking); guest != guests_.end())
    shared.insert(guest->second.rooms.begin(), guest->second.rooms.end());
  for (auto id : *rooms) {
    const auto& room = rooms_.at(id);
    if (!room.invite_only || shared.count(id)) d.rooms.push_back(room.name);
  }
  std::sort(d.rooms.begin(), d.rooms.end(), name_less);
  return d;
}

}  // namespace parley::core
