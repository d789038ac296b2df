// IRC client side (RFC 1459/2812 as InspIRCd speaks it): register with
// NICK/USER, count 001 as logged in, answer PING, treat PRIVMSG as a
// delivery, and ignore the rest of the chatter (005, MOTD, NAMES...).
#include <string>

#include "connection.hpp"
#include "protocol.hpp"
#include "worker.hpp"

namespace parley_load {

namespace {

constexpr std::uint8_t kRegistering = 0;
constexpr std::uint8_t kRegistered = 1;

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

class Irc final : public Protocol {
 public:
  explicit Irc(const Options& opt) : opt_(opt) {}

  void connected(Worker& w, Connection& c) override {
    c.step = kRegistering;
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

  void join_channel(Worker& w, Connection& c) override { w.send(c, "JOIN " + opt_.channel + "\r\n"); }

  void set_auditorium(Worker& w, Connection& c) override { w.send(c, "MODE " + opt_.channel + " +u\r\n"); }

  void log_out(Worker& w, Connection& c) override { w.send(c, "QUIT\r\n"); }

 private:
  void register_user(Worker& w, Connection& c) {
    auto name = user_name(c.index);
    auto& out = w.output(c);
    if (!opt_.irc_password.empty()) out.append("PASS " + opt_.irc_password + "\r\n");
    out.append("NICK " + name + "\r\nUSER " + name + " 0 * :" + name + "\r\n");
  }

  void on_line(Worker& w, Connection& c, std::string_view line) {
    std::string_view rest = line;
    if (!rest.empty() && rest.front() == ':') word(rest);  // prefix
    auto command = word(rest);
    if (command == "PRIVMSG" || command == "NOTICE") {
      if (command == "NOTICE") return;  // server notices ("*** Looking up your hostname")
      auto colon = rest.find(':');
      if (colon == std::string_view::npos) return;
      return w.delivery(c, rest.substr(colon + 1), false);
    }
    if (command == "PING") {
      std::string pong = "PONG ";
      pong.append(rest);
      pong.append("\r\n");
      return w.send(c, pong);
    }
    if (command == "ERROR") {
      if (c.step == kRegistering) return w.setup_failed(c, "server refused the connection: " + std::string(line));
      return w.error_line(c, line);
    }
    if (command == "MODE") {
      auto target = word(rest);
      if (c.state == State::joining && target == opt_.channel && rest.find('u') != std::string_view::npos)
        w.channel_mode_set(c);
      return;
    }
    if (!is_numeric(command)) return;
    if (command == "001") {
      if (c.step == kRegistering) {
        c.step = kRegistered;
        w.logged_in(c);
      }
      return;
    }
    if (command == "366") {  // end of NAMES: the JOIN is complete
      word(rest);            // our nick
      if (c.state == State::joining && word(rest) == opt_.channel) w.joined(c);
      return;
    }
    if ((command[0] == '4' || command[0] == '5') && command != "422") {  // 422: no MOTD, harmless
      if (c.step == kRegistering) return w.setup_failed(c, "registration refused: " + std::string(line));
      if (c.state == State::joining) return w.setup_failed(c, "channel setup refused: " + std::string(line));
      return w.error_line(c, line);
    }
  }

  const Options& opt_;
};

}  // namespace

std::unique_ptr<Protocol> make_irc_protocol(const Options& opt) { return std::make_unique<Irc>(opt); }

std::unique_ptr<Protocol> make_protocol(const Options& opt) {
  return opt.protocol == ProtocolKind::irc ? make_irc_protocol(opt) : make_classic_protocol(opt);
}

}  // namespace parley_load
