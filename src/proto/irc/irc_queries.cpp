// Who is there: WHO, WHOIS, WHOWAS, ISON, USERHOST, MONITOR, and the
// server's own LUSERS, MOTD and VERSION.
#include <fmt/format.h>

#include <ctime>

#include "proto/classic/room_format.hpp"
#include "proto/irc/casemap.hpp"
#include "proto/irc/irc_session.hpp"
#include "proto/irc/wire.hpp"

namespace parley::proto::irc {

namespace {
constexpr std::size_t kMonitorMax = 100;

std::string user_part(std::string_view name, bool guest) { return guest ? "guest" : std::string(name); }
std::string host_part(bool guest) { return guest ? "guest" : "parley"; }

}  // namespace

void IrcSession::on_who(const Message& m) {
  std::string mask(m.param(0));
  if (mask.empty()) mask = "*";
  auto row = [&](std::string_view channel, std::string_view name, bool guest, bool here, bool owner,
                 std::string_view intro) {
    std::string flags = here ? "H" : "G";
    if (owner) flags += "@";
    numeric("352", {channel, user_part(name, guest), host_part(guest), server(), name, flags},
            intro.empty() ? std::string("0") : fmt::format("0 {}", intro));
  };
  if (mask == "*" || mask == kEveryone) {
    row(mask == "*" ? "*" : kEveryone, nick_, guest(), true, false, "");
    for (const auto& u : chat().who_else(user()))
      row(mask == "*" ? "*" : kEveryone, u.name, u.guest, u.away.empty(), false, u.intro);
  } else if (is_channel(mask)) {
    auto members = chat().members(core::Actor{user()}, mask);
    if (members.status == core::RoomStatus::ok)
      for (const auto& u : members.members) row(members.room, u.name, u.guest, u.online, u.owner, u.intro);
  } else if (auto d = chat().details(user(), mask); d && d->online) {
    row("*", d->name, d->guest, d->away.empty(), false, d->intro);
  }
  numeric("315", {std::string_view(mask).substr(0, 64)}, "End of /WHO list");
}

void IrcSession::on_whois(const Message& m) {
  if (m.params.empty()) return numeric("431", {}, "No nickname given");
  // WHOIS [server] nick: the last parameter is the nick.
  std::string nick(m.params.back());
  auto d = chat().details(user(), nick);
  if (!d || !d->online) {
    numeric("401", {std::string_view(nick).substr(0, 64)}, "No such nick/channel");
    return numeric("318", {std::string_view(nick).substr(0, 64)}, "End of /WHOIS list");
  }
  numeric("311", {d->name, user_part(d->name, d->guest), host_part(d->guest), "*"}, d->intro);
  if (!d->rooms.empty()) numeric_list("319", {d->name}, d->rooms, ' ');
  numeric("312", {d->name, server()}, irc().network);
  if (!d->away.empty()) numeric("301", {d->name}, d->away);
  if (d->guest)
    numeric("320", {d->name}, "is a guest, not logged in to an account");
  else
    numeric("330", {d->name, d->name}, "is logged in as");
  numeric("318", {d->name}, "End of /WHOIS list");
}

void IrcSession::on_whowas(const Message& m) {
  if (m.params.empty()) return numeric("431", {}, "No nickname given");
  std::string nick(m.params.front());
  auto d = chat().details(user(), nick);
  if (!d || d->guest) {
    numeric("406", {std::string_view(nick).substr(0, 64)}, "There was no such nickname");
    return numeric("369", {std::string_view(nick).substr(0, 64)}, "End of WHOWAS");
  }
  numeric("314", {d->name, d->name, "parley", "*"}, d->intro);
  std::string seen = d->online      ? "online now"
                     : d->last_seen ? "last seen " + classic::utc_stamp(*d->last_seen)
                                    : "never seen";
  numeric("312", {d->name, server()}, seen);
  numeric("369", {d->name}, "End of WHOWAS");
}

void IrcSession::on_ison(const Message& m) {
  std::vector<std::string> online;
  std::set<std::string> seen;
  for (const auto& p : m.params)
    for (auto name : split_list(p, ' '))
      if (auto d = chat().details(user(), name); d && d->online && seen.insert(fold(d->name)).second)
        online.push_back(d->name);
  if (online.empty()) return numeric("303", {}, "");
  numeric_list("303", {}, online, ' ');
}

void IrcSession::on_userhost(const Message& m) {
  std::string out;
  for (std::size_t i = 0; i < m.params.size() && i < 5; ++i)
    if (auto d = chat().details(user(), m.params[i]); d && d->online)
      out += fmt::format("{}{}={}{}@{}", out.empty() ? "" : " ", d->name, d->away.empty() ? '+' : '-',
                         user_part(d->name, d->guest), host_part(d->guest));
  numeric("302", {}, out);
}

void IrcSession::on_monitor(const Message& m) {
  std::string sub(m.param(0));
  auto self = std::static_pointer_cast<core::Participant>(std::static_pointer_cast<IrcSession>(shared_from_this()));
  auto status = [&](const std::vector<std::string>& names) {
    std::vector<std::string> on, off;
    for (const auto& n : names) {
      auto d = chat().details(user(), n);
      if (d && d->online)
        on.push_back(user_source(d->name, d->guest));
      else
        off.push_back(n);
    }
    numeric_list("730", {}, on, ',');
    numeric_list("731", {}, off, ',');
  };
  if (sub == "+") {
    std::vector<std::string> added;
    for (auto name : split_list(m.param(1))) {
      auto key = fold(name);
      if (!monitor_.contains(key) && monitor_.size() >= kMonitorMax) {
        numeric("734", {std::to_string(kMonitorMax), std::string(name)}, "Monitor list is full");
        break;
      }
      if (!valid_nick(name) || !monitor_.insert(key).second) continue;  // already watched: said before
      chat().watch(self, name);
      added.emplace_back(name);
    }
    return status(added);
  }
  if (sub == "-") {
    for (auto name : split_list(m.param(1)))
      if (monitor_.erase(fold(name))) chat().unwatch(this, name);
    return;
  }
  if (sub == "C" || sub == "c") {
    for (const auto& name : monitor_) chat().unwatch(this, name);
    monitor_.clear();
    return;
  }
  if (sub == "L" || sub == "l") {
    numeric_list("732", {}, {monitor_.begin(), monitor_.end()}, ',');
    return numeric("733", {}, "End of MONITOR list");
  }
  if (sub == "S" || sub == "s") return status({monitor_.begin(), monitor_.end()});
  numeric("421", {"MONITOR"}, "Unknown MONITOR subcommand: use + - C L or S");
}

std::string IrcSession::presence_lines(const core::ChatMessage& m) const {
  std::string out;
  auto source = user_source(m.sender, m.guest);
  bool watched = monitor_.contains(fold(m.sender));
  switch (m.presence) {
    case core::PresenceChange::online:
      if (watched) out += line(server(), "730", {nick_}, source);
      if (has(cap::away_notify)) out += line(source, "AWAY", {});
      break;
    case core::PresenceChange::offline:
      if (watched) out += line(server(), "731", {nick_}, m.sender);
      if (has(cap::away_notify)) out += line(source, "AWAY", {}, "Offline");
      break;
    case core::PresenceChange::away:
      if (has(cap::away_notify)) out += line(source, "AWAY", {}, m.text);
      break;
    case core::PresenceChange::back:
      if (has(cap::away_notify)) out += line(source, "AWAY", {});
      break;
  }
  return out;
}

void IrcSession::on_lusers() {
  // At registration this connection is not online yet; it counts all the same.
  bool counted = state_ == State::ready || guest();
  auto users = chat().online_count() + (counted || chat().is_online(user()) ? 0 : 1);
  auto clients = chat().connection_count() + (counted ? 0 : 1);
  numeric("251", {}, fmt::format("There are {} users and 0 invisible on 1 servers", users));
  numeric("254", {std::to_string(chat().room_count())}, "channels formed");
  numeric("255", {}, fmt::format("I have {} clients and 0 servers", clients));
}

void IrcSession::on_motd() {
  const auto& motd = irc().motd;
  if (motd.empty()) return numeric("422", {}, "MOTD File is missing");
  numeric("375", {}, fmt::format("- {} Message of the day - ", server()));
  std::string_view rest = motd;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    numeric("372", {}, fmt::format("- {}", rest.substr(0, nl)));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  }
  numeric("376", {}, "End of /MOTD command.");
}

void IrcSession::on_version() { numeric("351", {"parley-" + irc_.version, server()}, "parley chat server"); }

}  // namespace parley::proto::irc
