// Two classic sessions in a dialogue (see dialogue_harness.hpp for how it
// runs and what every dialogue checks).
//
// Invariants of the classic login: "Login successful" at most once, and only
// after that client sent an account's name and then its exact password; what
// a client saw holds a control character only if that client sent it itself,
// so nothing one client sends can drive the other's terminal.
#include <optional>

#include "dialogue_harness.hpp"
#include "proto/classic/classic_session.hpp"

namespace {

using namespace parley;
using namespace parley::fuzz;

constexpr std::size_t kMaxLine = 64;
constexpr std::size_t kMaxQueue = 4096;

// Lines as the framer cuts them; over-long ones as nullopt.
std::vector<std::optional<std::string>> lines_of(std::string_view stream) {
  std::vector<std::optional<std::string>> lines;
  for (auto newline = stream.find('\n'); newline != std::string_view::npos; newline = stream.find('\n')) {
    auto line = stream.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() <= kMaxLine)
      lines.emplace_back(std::string(line));
    else
      lines.emplace_back(std::nullopt);
    stream.remove_prefix(newline + 1);
  }
  return lines;
}

// Did this client send an account's name (any ASCII case), then, with
// nothing but over-long lines between, that account's exact password?
bool sent_right_password(std::string_view sent) {
  auto lines = lines_of(sent);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i]) continue;
    auto name = core::trim(*lines[i]);
    for (const auto& account : kAccounts) {
      if (!same_name(name, account.name)) continue;
      for (std::size_t j = i + 1; j < lines.size(); ++j) {
        if (!lines[j]) continue;
        if (*lines[j] == account.password) return true;
        break;
      }
    }
  }
  return false;
}

net::ConnectionLimits classic_limits() {
  net::ConnectionLimits limits;
  limits.max_line = kMaxLine;
  limits.max_queue_bytes = kMaxQueue;
  return limits;
}

class LoginDialogue final : public Dialogue {
 public:
  LoginDialogue() : Dialogue(classic_limits()) {}

 private:
  std::shared_ptr<session::Session> make_session(std::unique_ptr<net::Transport> transport,
                                                 session::Admission::Pass pass) override {
    return std::make_shared<proto::classic::ClassicSession>(std::move(transport), context(), worker(), std::move(pass));
  }

  void check_step() override {
    for (const auto& c : clients()) {
      if (c.state->closed) continue;
      check(count(c.state->written, "Login successful") <= 1, "logged in twice");
      if (c.state->written.find("Login successful") != std::string::npos)
        check(sent_right_password(c.sent), "logged in without the right password");
    }
  }

  void check_end() override {
    for (const auto& c : clients()) {
      if (c.state->written.find("Login successful") != std::string::npos)
        check(sent_right_password(c.sent), "logged in without the right password");
      // What this client sees holds control characters only if it sent them:
      // nothing the other one sends can drive its terminal.
      for (char ch : c.state->written)
        if (is_control(static_cast<unsigned char>(ch)))
          check(c.sent.find(ch) != std::string::npos, "a control character reached another client");
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  install_checking_log();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  LoginDialogue dialogue;
  dialogue.run(data, size);
  return 0;
}
