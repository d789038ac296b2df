// IRC client side (RFC 1459/2812 and the IRCv3 registration as InspIRCd and
// parleyd speak them): register with NICK/USER, after PASS or SASL PLAIN
// when the server has accounts, count 001 as logged in, answer PING, treat
// PRIVMSG as a delivery, and ignore the rest of the chatter (005, MOTD,
// NAMES, NOTICEs, channels the server joins us to).
#include <strings.h>

#include <string>

#include "base64.hpp"
#include "connection.hpp"
#include "protocol.hpp"
#include "worker.hpp"

namespace parley_load {

namespace {

// Registration steps, in order. The top bit is kept apart: the connection
// is in the benchmark channel already (the server joined it at registration).
constexpr std::uint8_t kCapRequested = 0;  // SASL: CAP REQ :sasl sent, waiting for ACK
constexpr std::uint8_t kSaslStarted = 1;   // AUTHENTICATE PLAIN sent, waiting for "AUTHENTICATE +"
constexpr std::uint8_t kSaslSent = 2;      // credentials sent, waiting for 903
constexpr std::uint8_t kRegistering = 3;   // waiting for 001
constexpr std::uint8_t kAwaitJoin = 4;     // registered, waiting for the server's JOIN of the channel
constexpr std::uint8_t kRegistered = 5;
constexpr std::uint8_t kInChannel = 0x80;
constexpr std::uint8_t kStepMask = 0x7f;

std::uint8_t step_of(const Connection& c) { return c.step & kStepMask; }
void set_step(Connection& c, std::uint8_t step) { c.step = static_cast<std::uint8_t>((c.step & kInChannel) | step); }

// Next space-separated word of an IRC line.
std::string_view word(std::string_view& rest) {
  auto space = rest.find(' ');
  auto w = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return w;
}

bool is_numeric(std::string_view command) {
  return command.size() == 3 && command[0] >= '0' && command[0] <= '9' && command[1] >= '0' && command[1] <= '9' &&
         command[2] >= '0' && command[2] <= '9';
}

// Nicknames and channel names ignore case (ASCII is enough for u1..uN and #bench).
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

class Irc final : public Protocol {
 public:
  explicit Irc(const Options& opt) : opt_(opt) {}

  void connected(Worker& w, Connection& c) override {
    c.step = opt_.irc_login == IrcLogin::sasl ? kCapRequested : kRegistering;
    if (w.run().hold_logins) return w.hold(c);
    register_user(w, c);
  }

  void release(Worker& w, Connection& c) override { register_user(w, c); }

  std::size_t consume(Worker& w, Connection& c, std::string_view data) override {
    std::size_t pos = 0;
    while (pos < data.size() && c.state != State::closed) {
      auto newline = data.find('\n', pos);
      if (newline == std::string_view::npos) break;
      auto line = data.substr(pos, newline - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos = newline + 1;
      on_line(w, c, line);
    }
    return pos;
  }

  void append_private(std::string& out, std::uint32_t to_index, const Payload& p) override {
    out.append("PRIVMSG u");
    out.append(std::to_string(to_index + 1));
    out.append(" :");
    append_payload(out, p, opt_.size);
    out.append("\r\n");
  }

  void append_broadcast(std::string& out, const Payload& p) override {
    out.append("PRIVMSG ");
    out.append(opt_.channel);
    out.append(" :");
    append_payload(out, p, opt_.size);
    out.append("\r\n");
  }

  void join_channel(Worker& w, Connection& c) override {
    // A member from an earlier run was joined by the server at registration;
    // a second JOIN would get no answer.
    if (persistent() && (c.step & kInChannel) != 0) return w.joined(c);
    w.send(c, "JOIN " + opt_.channel + "\r\n");
  }

  void set_auditorium(Worker& w, Connection& c) override { w.send(c, "MODE " + opt_.channel + " +u\r\n"); }

  void log_out(Worker& w, Connection& c) override { w.send(c, "QUIT\r\n"); }

 private:
  // parleyd's rooms: membership outlives the connection.
  bool persistent() const { return !opt_.room.empty(); }

  // After 001, wait for the server to join us to the channel: always with
  // --irc-joined; with --room once the members have joined.
  bool awaits_join(Worker& w) const {
    return opt_.irc_joined || (persistent() && !w.run().needs_channel.load(std::memory_order_acquire));
  }

  void register_user(Worker& w, Connection& c) {
    auto name = user_name(c.index);
    auto& out = w.output(c);
    if (opt_.irc_login == IrcLogin::sasl) out.append("CAP LS 302\r\nCAP REQ :sasl\r\n");
    if (opt_.irc_login == IrcLogin::pass) out.append("PASS " + opt_.password + "\r\n");
    if (!opt_.irc_password.empty()) out.append("PASS " + opt_.irc_password + "\r\n");
    out.append("NICK " + name + "\r\nUSER " + name + " 0 * :" + name + "\r\n");
  }

  void sasl_plain(Worker& w, Connection& c) {
    auto name = user_name(c.index);
    std::string credentials = name;
    credentials.push_back('\0');
    credentials.append(name);
    credentials.push_back('\0');
    credentials.append(opt_.password);
    w.send(c, "AUTHENTICATE " + base64(credentials) + "\r\n");
  }

  void on_cap(Worker& w, Connection& c, std::string_view rest, std::string_view line) {
    word(rest);  // our nick, or *
    auto sub = word(rest);
    if (step_of(c) != kCapRequested) return;
    if (sub == "ACK" && rest.find("sasl") != std::string_view::npos) {
      set_step(c, kSaslStarted);
      return w.send(c, "AUTHENTICATE PLAIN\r\n");
    }
    if (sub == "NAK") return w.setup_failed(c, "server refused SASL: " + std::string(line));
  }

  // Our own JOIN (plain or extended-join) of the benchmark channel.
  void on_join(Worker& w, Connection& c, std::string_view prefix, std::string_view rest) {
    auto nick = prefix.substr(0, prefix.find('!'));
    auto channel = word(rest);
    if (!channel.empty() && channel.front() == ':') channel.remove_prefix(1);
    if (!same_name(nick, user_name(c.index)) || !same_name(channel, opt_.channel)) return;
    c.step |= kInChannel;
    if (step_of(c) == kAwaitJoin) {
      set_step(c, kRegistered);
      return w.logged_in(c);
    }
    // parleyd answers a JOIN once the membership is stored; the NAMES that
    // follow list every member, which this client does not need.
    if (persistent() && c.state == State::joining) w.joined(c);
  }

  void on_line(Worker& w, Connection& c, std::string_view line) {
    if (c.state == State::leaving) return;  // logged out: only the goodbye is left
    std::string_view rest = line;
    if (!rest.empty() && rest.front() == '@') word(rest);  // message tags
    std::string_view prefix;
    if (!rest.empty() && rest.front() == ':') prefix = word(rest).substr(1);
    auto command = word(rest);
    if (command == "PRIVMSG") {
      auto colon = rest.find(':');
      if (colon == std::string_view::npos) return;
      return w.delivery(c, rest.substr(colon + 1), false);
    }
    if (command == "NOTICE") return;  // server notices ("*** Looking up your hostname")
    if (command == "PING") {
      std::string pong = "PONG ";
      pong.append(rest);
      pong.append("\r\n");
      return w.send(c, pong);
    }
    if (command == "ERROR") {
      if (step_of(c) < kRegistered) return w.setup_failed(c, "server refused the connection: " + std::string(line));
      return w.error_line(c, line);
    }
    if (command == "JOIN") return on_join(w, c, prefix, rest);
    if (command == "CAP") return on_cap(w, c, rest, line);
    if (command == "AUTHENTICATE") {
      if (step_of(c) == kSaslStarted && rest == "+") {
        set_step(c, kSaslSent);
        sasl_plain(w, c);
      }
      return;
    }
    if (command == "MODE") {
      auto target = word(rest);
      if (c.state == State::joining && target == opt_.channel && rest.find('u') != std::string_view::npos)
        w.channel_mode_set(c);
      return;
    }
    if (!is_numeric(command)) return;
    if (command == "001") {
      if (step_of(c) < kRegistering)
        return w.setup_failed(c, "registered without SASL (does the server know CAP?): " + std::string(line));
      if (step_of(c) < kAwaitJoin) {
        if (awaits_join(w) && (c.step & kInChannel) == 0) return set_step(c, kAwaitJoin);
        set_step(c, kRegistered);
        w.logged_in(c);
      }
      return;
    }
    if (command == "903") {  // SASL succeeded
      if (step_of(c) == kSaslSent) {
        set_step(c, kRegistering);
        w.send(c, "CAP END\r\n");
      }
      return;
    }
    if (command == "902" || command == "904" || command == "905" || command == "906") {
      if (step_of(c) < kRegistering) return w.setup_failed(c, "SASL refused: " + std::string(line));
      return w.error_line(c, line);
    }
    if (command == "366") {  // end of NAMES: the JOIN is complete
      word(rest);            // our nick
      if (c.state == State::joining && same_name(word(rest), opt_.channel)) w.joined(c);
      return;
    }
    if ((command[0] == '4' || command[0] == '5') && command != "422") {  // 422: no MOTD, harmless
      if (step_of(c) < kRegistered) return w.setup_failed(c, "registration refused: " + std::string(line));
      if (c.state == State::joining) return w.setup_failed(c, "channel setup refused: " + std::string(line));
      return w.error_line(c, line);
    }
  }

  const Options& opt_;
};

}  // namespace

std::unique_ptr<Protocol> make_irc_protocol(const Options& opt) { return std::make_unique<Irc>(opt); }

}  // namespace parley_load
