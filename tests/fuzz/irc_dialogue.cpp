// Two IRC sessions in a dialogue (see dialogue_harness.hpp for how it runs
// and what every dialogue checks). The first input byte's low bit turns
// guests on; the server is "fuzz.test", pinging after a second of quiet.
//
// Invariants of IRC: every line the server sends ends in CR LF, holds no
// NUL, CR or LF inside, and besides its tags is at most 512 bytes with the
// CR LF; 001 comes at most once, and only to a client that proved an account
// (AUTHENTICATE PLAIN with that account's name and exact password, or PASS
// with it and NICK the account's name, in any case) or, with guests on,
// under a nick no account has; what a client saw holds a control character
// (CR LF aside) only if that client sent it itself.
#include <sodium.h>

#include "dialogue_harness.hpp"
#include "proto/irc/irc_session.hpp"
#include "proto/irc/message.hpp"

namespace {

using namespace parley;
using namespace parley::fuzz;

constexpr std::size_t kMaxQueue = 8192;
constexpr std::string_view kServer = "fuzz.test";

bool is_foreign_control(unsigned char c) { return is_control(c) && c != '\r'; }

// The messages a client sent, as the server reads them.
std::vector<proto::irc::Message> messages_of(std::string_view stream) {
  std::vector<proto::irc::Message> out;
  for (auto newline = stream.find('\n'); newline != std::string_view::npos; newline = stream.find('\n')) {
    auto parsed = proto::irc::parse(stream.substr(0, newline));
    if (parsed.message) out.push_back(std::move(*parsed.message));
    stream.remove_prefix(newline + 1);
  }
  return out;
}

// SASL PLAIN for `account`: "\0name\0password" or "name\0name\0password",
// the names in any case.
bool plain_proves(std::string_view base64, const Account& account) {
  std::string decoded(base64.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), base64.data(), base64.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  decoded.resize(length);
  auto first = decoded.find('\0');
  if (first == std::string::npos) return false;
  auto second = decoded.find('\0', first + 1);
  if (second == std::string::npos) return false;
  std::string_view all(decoded);
  auto authzid = all.substr(0, first);
  auto authcid = all.substr(first + 1, second - first - 1);
  return (authzid.empty() || same_name(authzid, account.name)) && same_name(authcid, account.name) &&
         all.substr(second + 1) == account.password;
}

// May a client that sent `sent` be welcomed as `nick`?
bool may_register(std::string_view sent, std::string_view nick, bool guests) {
  const Account* account = nullptr;
  for (const auto& a : kAccounts)
    if (same_name(nick, a.name)) account = &a;
  if (!account) return guests;
  bool sasl = false, pass = false, named = false;
  for (const auto& m : messages_of(sent)) {
    if (m.command == "AUTHENTICATE" && plain_proves(m.param(0), *account)) sasl = true;
    if (m.command == "PASS" && m.param(0) == account->password) pass = true;
    if (m.command == "NICK" && same_name(m.param(0), account->name)) named = true;
  }
  return (sasl || pass) && named;
}

net::ConnectionLimits irc_limits() {
  net::ConnectionLimits limits;
  limits.max_queue_bytes = kMaxQueue;
  return limits;
}

proto::irc::IrcSettings irc_settings(bool guests) {
  proto::irc::IrcSettings s;
  s.server_name = std::string(kServer);
  s.guests = guests;
  s.ping_interval = std::chrono::seconds(1);
  return s;
}

class IrcDialogue final : public Dialogue {
 public:
  explicit IrcDialogue(bool guests) : Dialogue(irc_limits()), guests_(guests), irc_(irc_settings(guests), "fuzz") {}

 private:
  std::shared_ptr<session::Session> make_session(std::unique_ptr<net::Transport> transport,
                                                 session::Admission::Pass pass) override {
    return std::make_shared<proto::irc::IrcSession>(std::move(transport), context(), irc_, worker(), std::move(pass));
  }

  void check_step() override {
    for (std::size_t i = 0; i < clients().size(); ++i) check_lines(i);
  }

  void check_end() override {
    for (std::size_t i = 0; i < clients().size(); ++i) {
      const auto& c = clients()[i];
      check_lines(i);
      check(seen_[i] == c.state->written.size(), "the server's last line is not finished");
      for (char ch : c.state->written)
        if (is_foreign_control(static_cast<unsigned char>(ch)))
          check(c.sent.find(ch) != std::string::npos, "a control character reached another client");
    }
  }

  // The lines written to client `i` since the last look.
  void check_lines(std::size_t i) {
    const auto& c = clients()[i];
    std::string_view written(c.state->written);
    for (auto newline = written.find('\n', seen_[i]); newline != std::string_view::npos;
         newline = written.find('\n', seen_[i])) {
      auto line = written.substr(seen_[i], newline + 1 - seen_[i]);
      seen_[i] = newline + 1;
      check_line(i, line);
    }
  }

  void check_line(std::size_t i, std::string_view line) {
    auto show = [&] { std::fprintf(stderr, "line to client %zu: %s\n", i, core::log_safe(line, 9000).c_str()); };
    if (line.size() < 2 || line[line.size() - 2] != '\r') {
      show();
      check(false, "a line does not end in CR LF");
    }
    auto body = line.substr(0, line.size() - 2);
    if (body.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos) {
      show();
      check(false, "a line holds a NUL, CR or LF");
    }
    auto rest = line;
    if (!rest.empty() && rest.front() == '@') {
      auto space = rest.find(' ');
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
    if (rest.size() > 512) {
      show();
      // Opt-in, to look past over-long lines for other findings.
      if (!std::getenv("PARLEY_FUZZ_LONG_LINES")) check(false, "a line is over 512 bytes besides its tags");
    }
    // ":fuzz.test 001 nick :..."
    std::string welcome = ":" + std::string(kServer) + " 001 ";
    if (!rest.starts_with(welcome)) return;
    check(++welcomed_[i] == 1, "001 twice");
    auto nick = rest.substr(welcome.size());
    nick = nick.substr(0, nick.find(' '));
    if (!may_register(clients()[i].sent, nick, guests_)) {
      show();
      check(false, "001 to a client that proved no account and is no guest");
    }
  }

  bool guests_;
  proto::irc::IrcContext irc_;
  std::array<std::size_t, 2> seen_{};      // bytes of each client's output checked
  std::array<std::size_t, 2> welcomed_{};  // 001 lines each client got
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  install_checking_log();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  IrcDialogue dialogue(size > 0 && (data[0] & 1) != 0);
  dialogue.run(data, size);
  return 0;
}
