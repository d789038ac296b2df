// parleyd's web listener (docs/WEB.md): an HTTP upgrade to /ws without an
// Origin (a program, not a browser), then one JSON object per WebSocket text
// message. Logged in at "ready" (after "welcome" and whatever waited
// offline); every "message" event is a delivery; "sent" answers a room
// message once stored, or a private one stored for later ("stored":true).
#include <string>

#include "connection.hpp"
#include "json_members.hpp"
#include "protocol.hpp"
#include "websocket_frame.hpp"
#include "worker.hpp"

namespace parley_load {

namespace {

// Login steps.
constexpr std::uint8_t kWaitUpgrade = 0;  // GET /ws sent, waiting for 101
constexpr std::uint8_t kHeld = 1;         // upgraded, login held back (login scenario)
constexpr std::uint8_t kWaitWelcome = 2;  // login sent
constexpr std::uint8_t kWaitReady = 3;    // welcome; offline messages may come before ready
constexpr std::uint8_t kLoggedIn = 4;
constexpr std::uint8_t kJoinSent = 5;  // join sent, waiting for joined

// The server's response head is small; anything longer is not parleyd.
constexpr std::size_t kMaxResponseHead = 16 * 1024;
// A "ready" lists everyone online: about 60 bytes a user.
constexpr std::uint64_t kMaxMessage = 64ull << 20;

// What one server message says, as far as the benchmark cares.
struct Event {
  std::string_view type, text, code, to;
  bool offline = false;
  bool stored = false;
};

Event read_event(std::string_view json) {
  Event e;
  for_each_member(json, [&e](const JsonMember& m) {
    if (m.key == "type")
      e.type = m.value;
    else if (m.key == "text")
      e.text = m.value;
    else if (m.key == "code")
      e.code = m.value;
    else if (m.key == "to")
      e.to = m.value;
    else if (m.key == "offline")
      e.offline = m.value == "true";
    else if (m.key == "stored")
      e.stored = m.value == "true";
  });
  return e;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

// The start of a server message, for an error report.
std::string head_of(std::string_view text, std::size_t limit = 200) { return std::string(text.substr(0, limit)); }

class Web final : public Protocol {
 public:
  explicit Web(const Options& opt) : opt_(opt) {
    host_ = opt.host + ":" + std::to_string(opt.port);
    if (!opt.room.empty())
      fanout_prefix_ = R"({"type":"send","to":")" + opt.room + R"(","text":")";
    else
      fanout_prefix_ = R"({"type":"broadcast","text":")";
  }

  void connected(Worker& w, Connection& c) override {
    c.step = kWaitUpgrade;
    auto& out = w.output(c);
    out.append("GET /ws HTTP/1.1\r\nHost: ");
    out.append(host_);
    out.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
    out.append(ws::make_key());
    out.append("\r\nSec-WebSocket-Version: 13\r\n\r\n");
  }

  void release(Worker& w, Connection& c) override { log_in(w, c); }

  std::size_t consume(Worker& w, Connection& c, std::string_view data) override {
    std::size_t pos = 0;
    if (c.step == kWaitUpgrade) {
      auto end = data.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (data.size() > kMaxResponseHead) w.setup_failed(c, "no end to the server's HTTP response");
        return 0;
      }
      auto status = data.substr(0, data.find("\r\n"));
      if (!status.starts_with("HTTP/1.1 101 ")) {
        w.setup_failed(c, "upgrade to /ws refused: " + std::string(status));
        return data.size();
      }
      pos = end + 4;
      if (w.run().hold_logins) {
        c.step = kHeld;
        w.hold(c);
      } else {
        log_in(w, c);
      }
    }
    while (pos < data.size() && c.state != State::closed) {
      ws::Frame f;
      std::string_view why;
      auto parsed = ws::parse_frame(data.substr(pos), kMaxMessage, f, why);
      if (parsed == ws::Parsed::incomplete) break;
      if (parsed == ws::Parsed::bad) {
        w.protocol_error(c, "bad WebSocket frame from the server: " + std::string(why));
        return data.size();
      }
      pos += f.size;
      on_frame(w, c, f);
    }
    return pos;
  }

  void append_private(std::string& out, std::uint32_t to_index, const Payload& p) override {
    thread_local std::string json;
    json.assign(R"({"type":"send","to":"u)");
    json.append(std::to_string(to_index + 1));
    json.append(R"(","text":")");
    append_payload(json, p, opt_.size);
    json.append("\"}");
    ws::append_frame(out, ws::kText, json);
  }

  void append_broadcast(std::string& out, const Payload& p) override {
    thread_local std::string json;
    json.assign(fanout_prefix_);
    append_payload(json, p, opt_.size);
    json.append("\"}");
    ws::append_frame(out, ws::kText, json);
  }

  void join_channel(Worker& w, Connection& c) override {
    c.step = kJoinSent;
    ws::append_frame(w.output(c), ws::kText, R"({"type":"join","room":")" + opt_.room + "\"}");
  }

  void set_auditorium(Worker&, Connection&) override {}

  void log_out(Worker& w, Connection& c) override { ws::append_frame(w.output(c), ws::kText, R"({"type":"logout"})"); }

 private:
  void log_in(Worker& w, Connection& c) {
    c.step = kWaitWelcome;
    std::string json = R"({"type":"login","user":")" + user_name(c.index) + R"(","password":)";
    append_json_string(json, opt_.password);
    json.push_back('}');
    ws::append_frame(w.output(c), ws::kText, json);
  }

  void on_frame(Worker& w, Connection& c, const ws::Frame& f) {
    switch (f.opcode) {
      case ws::kText:
        if (c.fragmented) return w.protocol_error(c, "a new message inside a fragmented one");
        if (f.fin) return on_message(w, c, f.payload);
        c.fragmented = true;
        c.message.assign(f.payload);
        return;
      case ws::kContinuation:
        if (!c.fragmented) return w.protocol_error(c, "a continuation frame with nothing to continue");
        if (c.message.size() + f.payload.size() > kMaxMessage)
          return w.protocol_error(c, "a message larger than parley_load accepts");
        c.message.append(f.payload);
        if (f.fin) {
          c.fragmented = false;
          std::string whole;
          whole.swap(c.message);
          on_message(w, c, whole);
        }
        return;
      case ws::kPing:
        return ws::append_frame(w.output(c), ws::kPong, f.payload);
      case ws::kPong:
        return;
      case ws::kClose:
        // Answer it; the server closes the connection next. Its reason came
        // in a bye before, which is what the report quotes.
        if (!c.close_sent) {
          c.close_sent = true;
          ws::append_frame(w.output(c), ws::kClose, f.payload.substr(0, 2));
        }
        return;
      default:
        return w.protocol_error(c, "a binary message from the server");
    }
  }

  void on_message(Worker& w, Connection& c, std::string_view json) {
    if (c.state == State::leaving) return;  // logged out: only the goodbye is left
    auto e = read_event(json);
    if (e.type == "message") return w.delivery(c, e.text, e.offline);
    if (e.type == "sent") {
      // Stored: a room message, or a private one for a receiver offline.
      if (e.stored || (!opt_.room.empty() && e.to.starts_with('#') && c.state == State::ready)) w.stored_ack(c);
      return;
    }
    if (e.type == "welcome") {
      if (c.step == kWaitWelcome) c.step = kWaitReady;
      return;
    }
    if (e.type == "ready") {
      if (c.step == kWaitReady) {
        c.step = kLoggedIn;
        w.logged_in(c);
      }
      return;
    }
    if (e.type == "joined") {
      if (c.step == kJoinSent) {
        c.step = kLoggedIn;
        w.joined(c);
      }
      return;
    }
    if (e.type == "error") {
      if (c.step < kLoggedIn) return w.setup_failed(c, "login refused: " + head_of(json));
      if (c.step == kJoinSent) {
        // Already a member: a room left over in the database from an earlier run.
        if (e.code == "already_member") {
          c.step = kLoggedIn;
          return w.joined(c);
        }
        return w.setup_failed(c, "join " + opt_.room + " refused: " + head_of(json));
      }
      return w.error_line(c, json);
    }
    if (e.type == "bye") {
      if (c.step < kLoggedIn) return w.setup_failed(c, "refused: " + head_of(json));
      return w.error_line(c, json);
    }
    // hello, presence, room_event, unread, history, notice...: not counted.
  }

  const Options& opt_;
  std::string host_;
  std::string fanout_prefix_;  // up to the text of a broadcast or room message
};

}  // namespace

std::unique_ptr<Protocol> make_web_protocol(const Options& opt) { return std::make_unique<Web>(opt); }

}  // namespace parley_load
