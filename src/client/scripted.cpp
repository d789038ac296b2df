#include "client/scripted.hpp"

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstdio>

#include "client/spawn.hpp"
#include "core/text.hpp"

namespace parley::client {

namespace asio = boost::asio;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

void write_out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

std::string without_carriage_return(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

ScriptedFrontend::ScriptedFrontend(asio::io_context& io, Session& session, Palette palette)
    : session_(session),
      palette_(palette),
      input_(io),
      signals_(io, SIGINT, SIGTERM, SIGHUP),
      room_(io, asio::steady_timer::time_point::max()) {}

void ScriptedFrontend::start() {
  int input_copy = ::dup(STDIN_FILENO);
  if (input_copy < 0) {
    input_ended_ = true;  // no standard input at all
  } else {
    input_.assign(input_copy);
    spawn_checked(input_.get_executor(), read_input());
  }
  spawn_checked(input_.get_executor(), handle_signals());
}

asio::awaitable<void> ScriptedFrontend::read_input() {
  std::string buffer;
  while (!closed_) {
    co_await wait_for_room();
    if (closed_) co_return;
    auto [error, size] = co_await asio::async_read_until(input_, asio::dynamic_buffer(buffer), '\n', kUseTuple);
    if (closed_) co_return;
    if (error) break;
    lines_.push_back(without_carriage_return(buffer.substr(0, size - 1)));
    buffer.erase(0, size);
    answer_if_ready();
  }
  if (!buffer.empty()) lines_.push_back(without_carriage_return(std::move(buffer)));  // no final newline
  input_ended_ = true;
  answer_if_ready();
}

asio::awaitable<void> ScriptedFrontend::wait_for_room() {
  while (lines_.size() >= kMaxQueuedLines && !closed_) {
    room_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await room_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

asio::awaitable<void> ScriptedFrontend::handle_signals() {
  while (!closed_) {
    auto [error, signal_number] = co_await signals_.async_wait(kUseTuple);
    if (error || closed_) co_return;
    interrupted_ = true;
    session_.quit();
  }
}

void ScriptedFrontend::answer_if_ready() {
  while (awaiting_answer_ && !closed_) {
    if (lines_.empty()) {
      if (input_ended_) {
        awaiting_answer_ = false;
        session_.quit();
      }
      return;
    }
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    room_.cancel();
    if (auto to_send = routed(std::move(line))) {
      awaiting_answer_ = false;
      session_.answer(std::move(*to_send));
      return;
    }
  }
}

std::optional<std::string> ScriptedFrontend::routed(std::string line) {
  if (session_.conversation().current_prompt() != Prompt::Command) return line;
  auto result = target_.route(line);
  if (result.kind == DefaultTarget::Routed::Kind::Send) return std::move(result.text);
  if (result.kind == DefaultTarget::Routed::Kind::Refused) {
    constexpr std::string_view kErrorPrefix = "Error: ";
    std::string_view reason = result.text;
    if (reason.starts_with(kErrorPrefix)) reason.remove_prefix(kErrorPrefix.size());
    std::fprintf(stderr, "parley: %s\n", core::sanitize_text(reason).c_str());
    std::fflush(stderr);
  }
  return std::nullopt;
}

void ScriptedFrontend::show_line(const std::string& line) {
  std::string clean = core::sanitize_text(line);
  write_out(palette_.paint(clean, classify_line(clean)) + "\n");
}

void ScriptedFrontend::show_prompt(Prompt prompt) {
  write_out(prompt_text(prompt));
  awaiting_answer_ = true;
  answer_if_ready();
}

void ScriptedFrontend::show_auto_answer(Prompt prompt, std::string_view /*answer*/) { write_out(prompt_text(prompt)); }

void ScriptedFrontend::closed(const CloseInfo& info) {
  closed_ = true;
  if (info.logout_sent || info.idle_logout || interrupted_ || (info.quit_requested && info.logged_in)) {
    exit_status_ = kExitOk;
  } else if (info.quit_requested) {
    std::fprintf(stderr, "parley: the input ended before the login was complete\n");
    exit_status_ = kExitFailure;
  } else {
    bool plain_close = !info.error || info.error == asio::error::eof;
    std::string reason = plain_close ? "" : " (" + info.error.message() + ")";
    std::fprintf(stderr, "Disconnected%s\n", reason.c_str());
    exit_status_ = kExitFailure;
  }
  std::fflush(stderr);
  boost::system::error_code ignored;
  input_.close(ignored);
  signals_.cancel(ignored);
  room_.cancel();
}

}  // namespace parley::client
