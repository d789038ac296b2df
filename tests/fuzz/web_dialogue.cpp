// Two web protocol sessions in a dialogue (see dialogue_harness.hpp for how
// it runs and what every dialogue checks); the transport under them hands
// over lines as the WebSocket transport does, one JSON request a line.
//
// Invariants of the web protocol: every line the server sends is one JSON
// object with a string "type"; "welcome" comes at most once, and only to a
// client that sent a login request with an account's name (in any case) and
// its exact password; nothing a user sent reaches another client as a raw
// control character (JSON escapes them).
#include <boost/json/parse.hpp>

#include "dialogue_harness.hpp"
#include "proto/web/web_request.hpp"
#include "proto/web/web_session.hpp"

namespace {

using namespace parley;
using namespace parley::fuzz;
namespace json = boost::json;

constexpr std::size_t kMaxQueue = 8192;

net::ConnectionLimits web_limits() {
  net::ConnectionLimits limits;
  limits.max_queue_bytes = kMaxQueue;
  return limits;
}

// Did a client that sent `sent` log in to an account as `name`?
bool may_log_in(std::string_view sent, std::string_view name) {
  const Account* account = nullptr;
  for (const auto& a : kAccounts)
    if (same_name(name, a.name)) account = &a;
  if (!account) return false;
  for (auto newline = sent.find('\n'); newline != std::string_view::npos; newline = sent.find('\n')) {
    auto parsed = proto::web::parse_request(sent.substr(0, newline));
    sent.remove_prefix(newline + 1);
    auto* r = std::get_if<proto::web::Request>(&parsed);
    if (!r || r->type != "login") continue;
    auto* user = r->fields.if_contains("user");
    auto* password = r->fields.if_contains("password");
    if (user && user->is_string() && password && password->is_string() &&
        same_name(std::string_view(user->get_string()), account->name) &&
        std::string_view(password->get_string()) == account->password)
      return true;
  }
  return false;
}

class WebDialogue final : public Dialogue {
 public:
  WebDialogue() : Dialogue(web_limits()) {}

 private:
  std::shared_ptr<session::Session> make_session(std::unique_ptr<net::Transport> transport,
                                                 session::Admission::Pass pass) override {
    return std::make_shared<proto::web::WebSession>(std::move(transport), context(), worker(), std::move(pass));
  }

  void check_step() override {
    for (std::size_t i = 0; i < clients().size(); ++i) check_lines(i);
  }

  void check_end() override {
    for (std::size_t i = 0; i < clients().size(); ++i) {
      check_lines(i);
      check(seen_[i] == clients()[i].state->written.size(), "the server's last line is not finished");
    }
  }

  void check_lines(std::size_t i) {
    std::string_view written(clients()[i].state->written);
    for (auto newline = written.find('\n', seen_[i]); newline != std::string_view::npos;
         newline = written.find('\n', seen_[i])) {
      auto line = written.substr(seen_[i], newline - seen_[i]);
      seen_[i] = newline + 1;
      check_line(i, line);
    }
  }

  void check_line(std::size_t i, std::string_view line) {
    auto show = [&] { std::fprintf(stderr, "line to client %zu: %s\n", i, core::log_safe(line, 9000).c_str()); };
    for (char c : line)
      if (is_control(static_cast<unsigned char>(c))) {
        show();
        check(false, "a raw control character in a line");
      }
    json::error_code ec;
    auto v = json::parse(line, ec);
    if (ec || !v.is_object() || !v.as_object().contains("type") || !v.as_object().at("type").is_string()) {
      show();
      check(false, "a line is not a JSON object with a type");
    }
    const auto& o = v.as_object();
    if (o.at("type") != "welcome") return;
    check(++welcomed_[i] == 1, "welcome twice");
    auto* user = o.if_contains("user");
    check(user && user->is_string(), "welcome without a user");
    if (!may_log_in(clients()[i].sent, std::string_view(user->get_string()))) {
      show();
      check(false, "welcome to a client that proved no account");
    }
  }

  std::array<std::size_t, 2> seen_{};
  std::array<std::size_t, 2> welcomed_{};
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  install_checking_log();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  WebDialogue dialogue;
  dialogue.run(data, size);
  return 0;
}
