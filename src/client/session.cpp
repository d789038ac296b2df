#include "client/session.hpp"

#include <algorithm>

#include "client/password_input.hpp"
#include "client/spawn.hpp"

namespace parley::client {

namespace asio = boost::asio;

namespace {

// A pasted line may hold line breaks; they would split it into several
// protocol lines.
void flatten_line_breaks(std::string& line) {
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
}

}  // namespace

Session::Session(ServerLink link, Conversation conversation)
    : link_(std::move(link)), conversation_(std::move(conversation)), logout_deadline_(link_.get_executor()) {}

void Session::start(Frontend& frontend) {
  frontend_ = &frontend;
  spawn_checked(link_.get_executor(), read_loop());
}

asio::awaitable<void> Session::read_loop() {
  for (;;) {
    auto [error, size] = co_await link_.read_some(asio::buffer(read_buffer_));
    if (finished_) co_return;
    for (const auto& event : stream_.feed(std::string_view(read_buffer_.data(), size))) {
      handle(event);
      if (finished_) co_return;
    }
    if (error) {
      if (auto rest = stream_.take_rest(); !rest.empty()) frontend_->show_line(rest);
      finish(error);
      co_return;
    }
  }
}

void Session::handle(const ServerEvent& event) {
  if (event.kind == ServerEvent::Kind::Line) {
    conversation_.on_line_received(event.line);
    frontend_->show_line(event.line);
  } else {
    handle_prompt(event.prompt);
  }
}

void Session::handle_prompt(Prompt prompt) {
  auto automatic = conversation_.on_prompt(prompt);
  if (quitting_) {
    if (automatic) wipe(*automatic);
    leave_at_prompt(prompt);
    return;
  }
  if (automatic) {
    frontend_->show_auto_answer(prompt, prompt == Prompt::Password ? std::string_view() : *automatic);
    answer(std::move(*automatic));
    return;
  }
  frontend_->show_prompt(prompt);
}

void Session::answer(std::string line) {
  if (finished_) return;
  conversation_.on_line_sent(line);
  stream_.expect_reply();
  flatten_line_breaks(line);
  send(std::move(line));
}

void Session::quit() {
  if (finished_) return;
  if (quitting_) {
    finish({});
    return;
  }
  quitting_ = true;
  logout_deadline_.expires_after(kLogoutWait);
  logout_deadline_.async_wait([this](const boost::system::error_code& error) {
    if (!error) finish({});
  });
  // While a reply is on its way, its prompt decides (see handle_prompt).
  auto prompt = conversation_.current_prompt();
  if (!stream_.awaiting_reply() && prompt) leave_at_prompt(*prompt);
}

void Session::leave_at_prompt(Prompt prompt) {
  if (prompt != Prompt::Command) {
    // Not logged in, or any line would be taken as an introduction.
    finish({});
  } else if (!conversation_.logout_sent()) {
    answer("logout");
  }
}

void Session::send(std::string line) {
  line += '\n';
  outbox_ += line;
  wipe(line);
  if (!writing_) spawn_checked(link_.get_executor(), write_loop());
}

asio::awaitable<void> Session::write_loop() {
  writing_ = true;
  while (!outbox_.empty() && !finished_) {
    std::string chunk;
    chunk.swap(outbox_);
    auto [error, written] = co_await link_.write(asio::buffer(chunk));
    wipe(chunk);
    if (error) {
      writing_ = false;
      finish(error);
      co_return;
    }
  }
  writing_ = false;
}

void Session::finish(const boost::system::error_code& error) {
  if (finished_) return;
  finished_ = true;
  logout_deadline_.cancel();
  wipe(outbox_);
  link_.close();
  frontend_->closed(
      CloseInfo{quitting_, conversation_.logged_in(), conversation_.logout_sent(), conversation_.idle_logout(), error});
}

}  // namespace parley::client
