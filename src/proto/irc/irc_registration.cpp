// Registration: CAP negotiation, SASL PLAIN or PASS onto the shared login
// steps, NICK and USER; then the welcome burst and the user's channels.
#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "core/password.hpp"
#include "core/text.hpp"
#include "proto/irc/casemap.hpp"
#include "proto/irc/irc_session.hpp"
#include "proto/irc/wire.hpp"

namespace parley::proto::irc {

namespace {
constexpr std::size_t kSaslChunk = 400;
constexpr std::size_t kSaslMax = 1200;  // base64 of a name and a password of the longest kinds
}  // namespace

void IrcSession::on_registering(const Message& m) {
  const auto& c = m.command;
  if (c == "CAP") return on_cap(m);
  if (c == "AUTHENTICATE") return on_authenticate(m);
  if (c == "NICK") return on_nick(m);
  if (c == "PASS") {
    if (m.params.empty()) return numeric("461", {"PASS"}, "Not enough parameters");
    pass_ = m.params.front();
    return;
  }
  if (c == "USER") {
    if (m.params.size() < 4) return numeric("461", {"USER"}, "Not enough parameters");
    got_user_ = true;
    realname_ = clean(m.params[3]).substr(0, 64);
    return try_register();
  }
  if (c == "PING") {
    if (m.params.empty()) return numeric("409", {}, "No origin specified");
    return server_line("PONG", {server()}, m.params.front());
  }
  if (c == "PONG") return;
  if (c == "QUIT") return finish(End::logout, closing("Quit"));
  numeric("451", {}, "You have not registered");
}

void IrcSession::on_cap(const Message& m) {
  std::string sub(m.param(0));
  for (auto& ch : sub) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  bool registering = state_ != State::ready;
  if (sub == "LS") {
    if (registering) cap_negotiating_ = true;
    int version = 0;
    auto v = m.param(1);
    std::from_chars(v.data(), v.data() + v.size(), version);
    if (version >= 302) caps_ |= cap::cap_notify;
    return reply(line(server(), "CAP", {nick_or_star(), "LS"}, cap_list(version)));
  }
  if (sub == "LIST") return reply(line(server(), "CAP", {nick_or_star(), "LIST"}, cap_names(caps_)));
  if (sub == "REQ") {
    if (registering) cap_negotiating_ = true;
    auto request = parse_cap_request(m.param(1));
    // sasl cannot be dropped once used; caps that shape joining are fixed after it.
    if (!request) return reply(line(server(), "CAP", {nick_or_star(), "NAK"}, m.param(1).substr(0, 400)));
    caps_ = (caps_ | request->add) & ~request->remove;
    return reply(line(server(), "CAP", {nick_or_star(), "ACK"}, m.param(1).substr(0, 400)));
  }
  if (sub == "END") {
    if (!registering) return;
    cap_negotiating_ = false;
    return try_register();
  }
  numeric("410", {std::string_view(sub).substr(0, 32)}, "Invalid CAP command");
}

void IrcSession::on_authenticate(const Message& m) {
  if (!has(cap::sasl)) return numeric("904", {}, "SASL authentication failed: request the sasl capability first");
  if (sasl_ == Sasl::done) return numeric("907", {}, "You have already authenticated using SASL");
  auto arg = m.param(0);
  if (arg == "*") {
    sasl_ = Sasl::none;
    sasl_buffer_.clear();
    return numeric("906", {}, "SASL authentication aborted");
  }
  if (sasl_ == Sasl::none) {
    std::string mech(arg);
    for (auto& ch : mech) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (mech != "PLAIN") {
      numeric("908", {"PLAIN"}, "are available SASL mechanisms");
      return numeric("904", {}, "SASL authentication failed");
    }
    sasl_ = Sasl::plain;
    return reply("AUTHENTICATE +\r\n");
  }
  if (sasl_ != Sasl::plain) return;
  if (arg != "+") sasl_buffer_.append(arg);
  if (sasl_buffer_.size() > kSaslMax) {
    sasl_ = Sasl::none;
    sasl_buffer_.clear();
    return numeric("905", {}, "SASL message too long");
  }
  if (arg.size() == kSaslChunk) return;  // more to come
  auto data = std::exchange(sasl_buffer_, {});
  on_sasl_plain(data);
}

// PLAIN: base64 of "authzid NUL authcid NUL password".
void IrcSession::on_sasl_plain(std::string_view base64) {
  std::string decoded(base64.size(), '\0');
  std::size_t length = 0;
  bool ok = sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), base64.data(),
                              base64.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0;
  decoded.resize(ok ? length : 0);
  auto first = decoded.find('\0');
  auto second = first == std::string::npos ? std::string::npos : decoded.find('\0', first + 1);
  if (!ok || second == std::string::npos) {
    sasl_ = Sasl::none;
    return numeric("904", {}, "SASL authentication failed: not PLAIN credentials");
  }
  std::string authzid = decoded.substr(0, first);
  std::string authcid = decoded.substr(first + 1, second - first - 1);
  std::string password = decoded.substr(second + 1);
  if (authcid.empty() || (!authzid.empty() && fold(authzid) != fold(authcid))) {
    sasl_ = Sasl::none;
    return numeric("904", {}, "SASL authentication failed: log in as your own account");
  }
  sasl_ = Sasl::checking;
  login_with_password(authcid, std::move(password));
}

void IrcSession::on_nick(const Message& m) {
  if (m.params.empty() || m.params.front().empty()) return numeric("431", {}, "No nickname given");
  const auto& nick = m.params.front();
  if (!valid_nick(nick)) return numeric("432", {std::string_view(nick).substr(0, 64)}, "Erroneous nickname");
  nick_ = nick;
  try_register();
}

std::string IrcSession::blocked_words(const std::string& name, std::chrono::seconds left, bool now) const {
  auto who = core::sanitize_text(std::string_view(name).substr(0, 64));
  if (now)
    return fmt::format("Too many failed attempts; {} is blocked from this address for {} seconds", who, left.count());
  return fmt::format("{} is blocked from this address; try again in {} seconds", who, left.count());
}

void IrcSession::login_with_password(const std::string& given, std::string password) {
  std::string name = chat().account_name(given).value_or(given);
  if (auto left = blocked(name)) {
    if (sasl_ == Sasl::checking) numeric("904", {}, "SASL authentication failed");
    return finish(End::refused, closing(blocked_words(name, *left, false)));
  }
  set_user(name);
  state_ = State::verifying;
  check_login(std::move(password));
}

void IrcSession::on_login_verdict(const std::string& name, core::LoginVerdict verdict) {
  bool by_sasl = sasl_ == Sasl::checking;
  switch (verdict.outcome) {
    case core::LoginOutcome::ok:
      if (!by_sasl) return register_account();
      account_ = name;
      sasl_ = Sasl::done;
      state_ = State::registering;
      numeric("900", {user_source(nick_.empty() ? name : nick_, false), name},
              fmt::format("You are now logged in as {}", name));
      numeric("903", {}, "SASL authentication successful");
      connection().resume();
      return try_register();
    case core::LoginOutcome::blocked:
    case core::LoginOutcome::still_blocked:
      if (by_sasl) numeric("904", {}, "SASL authentication failed");
      return finish(End::refused,
                    closing(blocked_words(name, verdict.block, verdict.outcome == core::LoginOutcome::blocked)));
    case core::LoginOutcome::failed:
      if (!by_sasl) {
        numeric("464", {}, "Password incorrect");
        return finish(End::refused, closing("Password incorrect"));
      }
      sasl_ = Sasl::none;
      state_ = State::registering;
      numeric("904", {}, "SASL authentication failed");
      return connection().resume();
  }
}

void IrcSession::try_register() {
  if (state_ != State::registering || cap_negotiating_ || nick_.empty() || !got_user_) return;
  if (sasl_ == Sasl::plain || sasl_ == Sasl::checking) return;
  if (sasl_ == Sasl::done) {
    if (fold(nick_) != fold(account_)) {
      numeric("432", {nick_}, fmt::format("Your nickname must be your account name: NICK {}", account_));
      nick_.clear();
      return;
    }
    return register_account();
  }
  if (!pass_.empty()) return login_with_password(nick_, std::exchange(pass_, {}));
  if (irc().guests) return register_guest();
  numeric("464", {}, "This server needs your account's password: log in with SASL PLAIN or PASS");
  finish(End::refused, closing("Password required"));
}

void IrcSession::register_account() {
  nick_ = user();  // the account's own spelling
  state_ = State::joining;
  wants_presence_ = has(cap::away_notify);
  welcome();
  auto_join();
  join();
}

void IrcSession::register_guest() {
  // Refused nicks are answered as to a client with no nick yet.
  auto refused = std::exchange(nick_, {});
  if (chat().exists(refused))
    return numeric("433", {refused}, "Nickname is an account's name: log in with SASL or PASS, or choose another");
  nick_ = refused;
  wants_presence_ = has(cap::away_notify);
  switch (join_as_guest(nick_)) {
    case core::GuestStatus::ok:
      break;
    case core::GuestStatus::bad_name:
      nick_.clear();
      return numeric("432", {refused}, "Erroneous nickname");
    case core::GuestStatus::account_name:
    case core::GuestStatus::in_use:
      nick_.clear();
      return numeric("433", {refused}, "Nickname is already in use");
  }
  welcome();
  auto_join();
  on_joined();
}

void IrcSession::welcome() {
  const auto& s = irc();
  numeric("001", {}, fmt::format("{} {}", settings().welcome, user_source(nick_, guest())));
  numeric("002", {}, fmt::format("Your host is {}, running version parley-{}", s.server_name, irc_.version));
  std::time_t t = std::chrono::system_clock::to_time_t(irc_.started);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char when[40];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &utc);
  numeric("003", {}, fmt::format("This server was created {}", when));
  auto version = "parley-" + irc_.version;
  numeric("004", {s.server_name, version, "i", "int", "o"});
  auto settings = chat().settings();
  std::vector<std::string> tokens = {
      "AWAYLEN=200",
      "CASEMAPPING=ascii",
      fmt::format("CHANLIMIT=#:{}", settings.max_rooms_per_user),
      "CHANMODES=,,,int",
      "CHANNELLEN=33",
      "CHANTYPES=#&",
      "CHATHISTORY=500",
      "MONITOR=100",
      "MSGREFTYPES=msgid",
      "NETWORK=" + s.network,
      "NICKLEN=32",
      "PREFIX=(o)@",
      "TARGMAX=PRIVMSG:,NOTICE:,JOIN:,PART:,NAMES:,MONITOR:,WHOIS:1,KICK:1,INVITE:1",
      fmt::format("TOPICLEN={}", core::kTopicMax),
      "USERLEN=32",
      "UTF8ONLY",
  };
  for (std::size_t i = 0; i < tokens.size(); i += 12) {
    std::string out = fmt::format(":{} 005 {}", server(), nick_);
    for (std::size_t j = i; j < tokens.size() && j < i + 12; ++j) out.append(" ").append(tokens[j]);
    out.append(" :are supported by this server\r\n");
    reply(std::move(out));
  }
  on_lusers();
  on_motd();
}

void IrcSession::auto_join() {
  auto self = user_source(nick_, guest());
  if (has(cap::extended_join))
    reply(line(self, "JOIN", {kEveryone, guest() ? std::string("*") : nick_}, realname_));
  else
    reply(line(self, "JOIN", {kEveryone}));
  numeric("332", {kEveryone}, "Everyone on the server: what is said here is a broadcast to every user");
  // Only you: a login costs the same among ten users or ten thousand.
  // NAMES and WHO for the channel list everyone online.
  numeric("353", {"=", kEveryone}, has(cap::userhost_in_names) ? self : nick_);
  numeric("366", {kEveryone}, "End of /NAMES list");
  if (guest()) return;
  for (const auto& room : chat().rooms(user()).joined) channel_burst(room.name, room.topic);
}

}  // namespace parley::proto::irc
