// parleyd's classic protocol (docs/PROTOCOL.md). Prompts come without a
// newline and may be followed on the same "line" by a delivered message, so
// a prompt is recognised, and consumed, wherever a line starts.
#include <strings.h>

#include <string>

#include "connection.hpp"
#include "protocol.hpp"
#include "worker.hpp"

namespace parley_load {

namespace {

constexpr std::string_view kUsername = "Username: ";
constexpr std::string_view kPassword = "Password: ";
constexpr std::string_view kCommand = "Command: ";
constexpr std::string_view kPrivate = " <private message>";
constexpr std::string_view kBroadcast = " <broadcast message>";

// Login steps.
constexpr std::uint8_t kWaitUsername = 0;
constexpr std::uint8_t kWaitPassword = 1;
constexpr std::uint8_t kWaitWelcome = 2;
constexpr std::uint8_t kWaitFirstCommand = 3;  // offline messages may come first
constexpr std::uint8_t kLoggedIn = 4;
constexpr std::uint8_t kJoinSent = 5;      // join #room sent; "[#room] ... joined" lines may come first
constexpr std::uint8_t kJoinAnswered = 6;  // joined (stored); its prompt follows

// Room names ignore ASCII case, and lines show the creator's spelling.
bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

class Classic final : public Protocol {
 public:
  explicit Classic(const Options& opt)
      : password_(opt.password + "\n"),
        room_(opt.room),
        room_prefix_(opt.room.empty() ? std::string() : "[" + opt.room + "] "),
        fanout_command_(opt.room.empty() ? std::string("broadcast message ") : "message " + opt.room + " ") {}

  void connected(Worker&, Connection& c) override { c.step = kWaitUsername; }

  void release(Worker& w, Connection& c) override { send_name(w, c); }

  std::size_t consume(Worker& w, Connection& c, std::string_view data) override {
    std::size_t pos = 0;
    while (pos < data.size() && c.state != State::closed) {
      auto rest = data.substr(pos);
      if (rest.starts_with(kCommand)) {
        pos += kCommand.size();
        on_command_prompt(w, c);
        continue;
      }
      if (rest.starts_with(kUsername)) {
        pos += kUsername.size();
        on_username_prompt(w, c);
        continue;
      }
      if (rest.starts_with(kPassword)) {
        pos += kPassword.size();
        if (c.step == kWaitPassword) {
          c.step = kWaitWelcome;
          w.send(c, password_);
        }
        continue;
      }
      auto newline = rest.find('\n');
      if (newline == std::string_view::npos) break;
      auto line = rest.substr(0, newline);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos += newline + 1;
      on_line(w, c, line);
    }
    return pos;
  }

  void append_private(std::string& out, std::uint32_t to_index, const Payload& p) override {
    out.append("message u");
    out.append(std::to_string(to_index + 1));
    out.push_back(' ');
    append_payload(out, p, size_);
    out.push_back('\n');
  }

  void append_broadcast(std::string& out, const Payload& p) override {
    out.append(fanout_command_);
    append_payload(out, p, size_);
    out.push_back('\n');
  }

  void join_channel(Worker& w, Connection& c) override {
    c.step = kJoinSent;
    auto& out = w.output(c);
    out.append("join ");
    out.append(room_);
    out.push_back('\n');
  }

  void set_auditorium(Worker&, Connection&) override {}

  void log_out(Worker& w, Connection& c) override { w.send(c, "logout\n"); }

  void set_size(std::uint32_t size) { size_ = size; }

 private:
  void send_name(Worker& w, Connection& c) {
    c.step = kWaitPassword;
    auto& out = w.output(c);
    out.append(user_name(c.index));
    out.push_back('\n');
  }

  void on_username_prompt(Worker& w, Connection& c) {
    if (c.step != kWaitUsername) return;  // asked again after an error line, which failed the login
    if (w.run().hold_logins && c.state == State::login) return w.hold(c);
    send_name(w, c);
  }

  void on_command_prompt(Worker& w, Connection& c) {
    if (c.step == kWaitFirstCommand) {
      c.step = kLoggedIn;
      w.logged_in(c);
    } else if (c.step == kJoinAnswered) {
      c.step = kLoggedIn;
      w.joined(c);
    } else if (!room_.empty() && c.step == kLoggedIn && c.state == State::ready) {
      // The only commands a room member sends are room messages, each
      // answered by a prompt once stored.
      w.stored_ack(c);
    }
  }

  void on_join_answer(Worker& w, Connection& c, std::string_view line) {
    // Already a member: a room left over in the database from an earlier run.
    if (line.starts_with("Created ") || line.starts_with("Joined ") || line.starts_with("Error: you are already in "))
      c.step = kJoinAnswered;
    else if (line.starts_with("Error: "))
      w.setup_failed(c, "join " + room_ + " refused: " + std::string(line));
  }

  void on_line(Worker& w, Connection& c, std::string_view line) {
    if (c.step == kJoinSent) return on_join_answer(w, c, line);
    if (!room_prefix_.empty() && starts_with_nocase(line, room_prefix_)) {
      auto rest = line.substr(room_prefix_.size());
      auto colon = rest.find(": ");
      if (colon == std::string_view::npos) return;  // an event: "<user> joined the room"...
      return w.delivery(c, rest.substr(colon + 2), false);
    }
    if (line.starts_with("Error: ")) {
      if (c.step < kWaitFirstCommand) return w.setup_failed(c, "login refused: " + std::string(line));
      return w.error_line(c, line);
    }
    if (c.step == kWaitWelcome) {
      if (line.starts_with("Login successful")) c.step = kWaitFirstCommand;
      return;
    }
    if (line.ends_with(kPrivate) || line.ends_with(kBroadcast)) {
      auto tail = line.ends_with(kPrivate) ? kPrivate.size() : kBroadcast.size();
      bool offline = !line.empty() && line.front() == '[';
      if (offline) {
        auto close = line.find("] ");
        if (close == std::string_view::npos) return;
        line.remove_prefix(close + 2);
      }
      auto colon = line.find(": ");
      if (colon == std::string_view::npos || colon + 2 + tail > line.size()) return;
      auto text = line.substr(colon + 2, line.size() - tail - (colon + 2));
      return w.delivery(c, text, offline);
    }
    if (line.starts_with("(Receiver ") ||
        (line.starts_with("(") && line.find(" users are currently offline") != std::string_view::npos)) {
      return w.stored_ack(c);
    }
    // Anything else (the welcome, "Your offline messages:", notices) is not counted.
  }

  std::string password_;
  std::string room_;            // empty: broadcast
  std::string room_prefix_;     // "[#room] "
  std::string fanout_command_;  // "broadcast message " or "message #room "
  std::uint32_t size_ = 64;
};

}  // namespace

std::unique_ptr<Protocol> make_classic_protocol(const Options& opt) {
  auto p = std::make_unique<Classic>(opt);
  p->set_size(opt.size);
  return p;
}

}  // namespace parley_load
