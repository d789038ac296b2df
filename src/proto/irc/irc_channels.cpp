// Rooms as channels: JOIN, PART, TOPIC, NAMES, LIST, INVITE, KICK, MODE,
// and room events as the lines IRC clients know.
#include <fmt/format.h>

#include "core/text.hpp"
#include "proto/irc/casemap.hpp"
#include "proto/irc/irc_session.hpp"
#include "proto/irc/wire.hpp"

namespace parley::proto::irc {

namespace {
constexpr std::size_t kJoinReplay = 20;  // messages shown on an explicit JOIN
}

void IrcSession::room_failed(core::RoomStatus status, std::string_view room, std::string_view target) {
  room = room.substr(0, 64);
  target = target.substr(0, 64);
  using S = core::RoomStatus;
  switch (status) {
    case S::ok:
    case S::created:
      return;
    case S::bad_name:
      return numeric("479", {room}, "Illegal channel name: # and 1 to 32 letters, digits, '.', '_' or '-'");
    case S::no_such_room:
      return numeric("403", {room}, "No such channel");
    case S::not_member:
      return numeric("442", {room}, "You're not on that channel");
    case S::already_member:
      return numeric("443", {target, room}, "is already on channel");
    case S::invite_only:
      return numeric("473", {room}, "Cannot join channel (+i): it is invite-only");
    case S::not_owner:
      return numeric("482", {room}, "You're not channel operator");
    case S::no_such_user:
      return numeric("401", {target}, "No such nick/channel");
    case S::target_not_member:
      return numeric("441", {target, room}, "They aren't on that channel");
    case S::target_is_owner:
      return numeric("482", {room},
                     fmt::format("{} is an owner too: owners are removed by the server administrator", target));
    case S::to_self:
      return numeric("482", {room}, "Not to yourself");
    case S::too_many_rooms:
      return numeric("405", {room}, "The server has as many rooms as it may");
    case S::too_many_joined:
      return numeric("405", {room}, "You have joined too many channels");
    case S::empty_text:
      return numeric("412", {}, "No text to send");
    case S::already_invited:
      return numeric("443", {target, room}, "is already invited");
    case S::too_long:
      return numeric("417", {room}, fmt::format("A topic is at most {} characters", core::kTopicMax));
    case S::too_many_invites:
      return numeric("417", {room}, "The channel has too many pending invitations");
    case S::guest_not_allowed:
      return numeric("477", {room}, "Guests cannot do that: log in with an account");
  }
}

void IrcSession::after_change(const core::RoomReply& reply) {
  if (reply.status == core::RoomStatus::ok || reply.status == core::RoomStatus::created) ++stores_pending_;
}

void IrcSession::channel_burst(const std::string& room, const std::string& topic) {
  auto self = user_source(nick_, guest());
  if (has(cap::extended_join))
    reply(line(self, "JOIN", {room, guest() ? std::string("*") : nick_}, realname_));
  else
    reply(line(self, "JOIN", {room}));
  if (!topic.empty()) numeric("332", {room}, topic);
  names(room);
}

void IrcSession::on_join(const Message& m) {
  if (m.params.empty()) return numeric("461", {"JOIN"}, "Not enough parameters");
  if (m.params[0] == "0") return numeric("476", {"0"}, "Rooms are kept until you PART them, one by one");
  for (auto name : split_list(m.params[0])) {
    if (name == kEveryone) continue;  // always joined
    join_one(std::string(name));
  }
}

void IrcSession::join_one(const std::string& name) {
  auto result = chat().join_room(user(), name, this, store_callback());
  if (result.status == core::RoomStatus::already_member) return channel_burst(result.room, result.topic);
  if (result.status != core::RoomStatus::ok && result.status != core::RoomStatus::created)
    return room_failed(result.status, name, {});
  after_change(result);
  channel_burst(result.room, result.topic);
  if (guest()) return;
  // The room's last messages, as a client that was there would have them.
  auto room = result.room;
  chat().history(user(), room, 0, kJoinReplay, here<store::HistoryPage>([this, room](auto page) {
                   if (connection().closing() || !page.ok() || page.value().messages.empty()) return;
                   replay(room, page.value().messages, true);
                 }));
}

void IrcSession::on_part(const Message& m) {
  if (m.params.empty()) return numeric("461", {"PART"}, "Not enough parameters");
  for (auto name : split_list(m.params[0])) {
    if (name == kEveryone) {
      numeric("442", {kEveryone}, "&everyone cannot be left: broadcasts reach every user");
      continue;
    }
    auto result = chat().leave_room(user(), name, this, store_callback());
    if (result.status != core::RoomStatus::ok) {
      room_failed(result.status, name, {});
      continue;
    }
    after_change(result);
    reply(line(user_source(nick_, guest()), "PART", {result.room}));
  }
}

void IrcSession::on_topic(const Message& m) {
  if (m.params.empty()) return numeric("461", {"TOPIC"}, "Not enough parameters");
  const auto& room = m.params[0];
  if (room == kEveryone) {
    if (m.params.size() > 1) return numeric("482", {kEveryone}, "&everyone's topic is fixed");
    return numeric("332", {kEveryone}, "Everyone on the server: what is said here is a broadcast to every user");
  }
  if (m.params.size() < 2) {
    auto result = chat().topic(user(), room);
    if (result.status != core::RoomStatus::ok) return room_failed(result.status, room, {});
    if (result.topic.empty()) return numeric("331", {result.room}, "No topic is set");
    return numeric("332", {result.room}, result.topic);
  }
  auto result = chat().set_topic(core::Actor{user()}, room, m.params[1], this, store_callback());
  if (result.status != core::RoomStatus::ok) return room_failed(result.status, room, {});
  after_change(result);
  reply(line(user_source(nick_, guest()), "TOPIC", {result.room}, result.topic));
}

void IrcSession::on_names(const Message& m) {
  if (m.params.empty()) return numeric("366", {"*"}, "End of /NAMES list");
  for (auto name : split_list(m.params[0])) names(std::string(name));
}

void IrcSession::names(const std::string& channel) {
  bool userhost = has(cap::userhost_in_names);
  std::vector<std::string> entries;
  std::string room(kEveryone);
  if (channel == kEveryone) {
    entries.push_back(userhost ? user_source(nick_, guest()) : nick_);
    for (const auto& u : chat().who_else(user())) entries.push_back(userhost ? user_source(u.name, u.guest) : u.name);
  } else {
    auto members = chat().members(core::Actor{user()}, channel);
    if (members.status != core::RoomStatus::ok) return numeric("366", {channel}, "End of /NAMES list");
    room = std::move(members.room);
    entries.reserve(members.members.size());
    for (const auto& member : members.members) {
      std::string entry = member.owner ? "@" : "";
      entry += userhost ? user_source(member.name, member.guest) : member.name;
      entries.push_back(std::move(entry));
    }
  }
  std::string chunk;
  for (const auto& e : entries) {
    if (!chunk.empty() && chunk.size() + e.size() > 400) {
      numeric("353", {"=", room}, chunk);
      chunk.clear();
    }
    if (!chunk.empty()) chunk += ' ';
    chunk += e;
  }
  if (!chunk.empty()) numeric("353", {"=", room}, chunk);
  numeric("366", {room}, "End of /NAMES list");
}

void IrcSession::on_list(const Message& m) {
  numeric("321", {"Channel"}, "Users  Name");
  std::set<std::string> wanted;
  if (!m.params.empty())
    for (auto name : split_list(m.params[0])) wanted.insert(fold(name));
  auto shown = [&](const std::string& name) { return wanted.empty() || wanted.contains(fold(name)); };
  if (shown(std::string(kEveryone)))
    numeric("322", {kEveryone, std::to_string(chat().online_count())},
            "[+nt] Everyone on the server: what is said here is a broadcast to every user");
  auto listing = chat().rooms(user());
  for (const auto* list : {&listing.joined, &listing.public_rooms})
    for (const auto& room : *list) {
      if (!shown(room.name)) continue;
      auto modes = fmt::format("[+{}nt]", room.invite_only ? "i" : "");
      numeric("322", {room.name, std::to_string(room.members)}, room.topic.empty() ? modes : modes + " " + room.topic);
    }
  numeric("323", {}, "End of /LIST");
}

void IrcSession::on_invite(const Message& m) {
  if (m.params.size() < 2) return numeric("461", {"INVITE"}, "Not enough parameters");
  auto result = chat().invite(core::Actor{user()}, m.params[0], m.params[1], this, store_callback());
  if (result.status != core::RoomStatus::ok) return room_failed(result.status, m.params[1], m.params[0]);
  after_change(result);
  numeric("341", {result.target, result.room});
}

void IrcSession::on_kick(const Message& m) {
  if (m.params.size() < 2) return numeric("461", {"KICK"}, "Not enough parameters");
  const auto& room = m.params[0];
  for (auto target : split_list(m.params[1])) {
    auto result = chat().remove_member(core::Actor{user()}, target, room, this, store_callback());
    if (result.status != core::RoomStatus::ok) {
      room_failed(result.status, room, target);
      continue;
    }
    after_change(result);
    reply(line(user_source(nick_, guest()), "KICK", {result.room, result.target},
               m.params.size() > 2 ? clean(m.params[2]) : nick_));
  }
}

void IrcSession::on_mode(const Message& m) {
  if (m.params.empty()) return numeric("461", {"MODE"}, "Not enough parameters");
  const auto& target = m.params[0];
  if (!is_channel(target)) {
    if (fold(target) != fold(nick_)) return numeric("502", {}, "Can't change mode for other users");
    return numeric("221", {"+i"});
  }
  if (target == kEveryone) {
    if (m.params.size() < 2) return numeric("324", {kEveryone, "+nt"});
    auto modes = std::string_view(m.params[1]);
    if (modes == "b" || modes == "+b") return numeric("368", {kEveryone}, "End of channel ban list");
    return numeric("482", {kEveryone}, "&everyone's modes are fixed");
  }
  if (m.params.size() < 2) {
    auto members = chat().members(core::Actor{user()}, target);
    if (members.status != core::RoomStatus::ok) return room_failed(members.status, target, {});
    bool invite_only = false;
    for (const auto& r : chat().rooms(user()).joined)
      if (fold(r.name) == fold(members.room)) invite_only = r.invite_only;
    return numeric("324", {members.room, invite_only ? "+int" : "+nt"});
  }
  std::string_view modes = m.params[1];
  std::size_t arg = 2;
  bool adding = true;
  for (char c : modes) {
    if (c == '+' || c == '-') {
      adding = c == '+';
      continue;
    }
    if (c == 'b') {  // clients ask for the ban list on joining: there is none
      numeric("368", {target}, "End of channel ban list");
      continue;
    }
    if (c == 'i') {
      auto result = chat().set_access(core::Actor{user()}, target, adding, this, store_callback());
      if (result.status != core::RoomStatus::ok) {
        room_failed(result.status, target, {});
        continue;
      }
      after_change(result);
      reply(line(user_source(nick_, guest()), "MODE", {result.room, adding ? "+i" : "-i"}));
      continue;
    }
    if (c == 'o') {
      if (arg >= m.params.size()) {
        numeric("461", {"MODE"}, "Not enough parameters");
        continue;
      }
      const auto& who = m.params[arg++];
      if (!adding) {
        numeric("482", {target}, "Owners stay owners; the server administrator can remove one");
        continue;
      }
      auto result = chat().add_owner(core::Actor{user()}, who, target, this, store_callback());
      if (result.status != core::RoomStatus::ok) {
        room_failed(result.status, target, who);
        continue;
      }
      after_change(result);
      reply(line(user_source(nick_, guest()), "MODE", {result.room, "+o", result.target}));
      continue;
    }
    if (c == 'n' || c == 't') continue;  // always set
    numeric("472", {std::string(1, c)}, "is unknown mode char to me");
  }
}

void IrcSession::on_room_message(const std::string& room, const std::string& text, bool notice) {
  auto result = chat().send_room(user(), room, text, this, store_callback());
  if (result.status != core::RoomStatus::ok) {
    if (notice) return;
    if (result.status == core::RoomStatus::not_member || result.status == core::RoomStatus::no_such_room)
      return numeric("404", {std::string_view(room).substr(0, 64)}, "Cannot send to channel: join it first");
    return room_failed(result.status, room, {});
  }
  after_change(result);
  echo(result.room, text, notice);
}

std::string IrcSession::event_line(const core::ChatMessage& m) const {
  std::string source = m.sender.empty() ? server() : user_source(m.sender, m.guest);
  if (m.kind == core::MessageKind::invitation) return line(source, "INVITE", {nick_, m.room});
  switch (m.event) {
    case core::RoomEvent::joined:
      if (has(cap::extended_join)) return line(source, "JOIN", {m.room, m.guest ? "*" : m.sender}, m.sender);
      return line(source, "JOIN", {m.room});
    case core::RoomEvent::left:
      return line(source, "PART", {m.room});
    case core::RoomEvent::removed:
      return line(source, "KICK", {m.room, m.target},
                  m.sender.empty() ? "Removed by the server administrator" : "Removed by " + m.sender);
    case core::RoomEvent::topic:
      return line(source, "TOPIC", {m.room}, m.text);
    case core::RoomEvent::owner_added:
      return line(m.sender.empty() ? server() : source, "MODE", {m.room, "+o", m.target});
    case core::RoomEvent::owner_dropped:
      return line(server(), "MODE", {m.room, "-o", m.sender});
    case core::RoomEvent::access:
      return line(source, "MODE", {m.room, m.text == "invite-only" ? "+i" : "-i"});
  }
  return {};
}

}  // namespace parley::proto::irc
