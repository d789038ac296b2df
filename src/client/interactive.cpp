#include "client/interactive.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstdio>
#include <ctime>

#include "client/local_time.hpp"
#include "client/options.hpp"
#include "client/spawn.hpp"
#include "core/text.hpp"

namespace parley::client {

namespace asio = boost::asio;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

std::string describe_loss(const boost::system::error_code& error) {
  if (!error || error == asio::error::eof) return "Disconnected";
  return "Disconnected (" + error.message() + ")";
}

}  // namespace

InteractiveFrontend::InteractiveFrontend(asio::io_context& io, Session& session, Palette palette,
                                         std::optional<std::filesystem::path> history_file)
    : session_(session),
      palette_(palette),
      editor_(io.get_executor(), completion_, std::move(history_file),
              LineEditor::Callbacks{[this](std::string line) { submit(std::move(line)); }, [this] { quit(); }}),
      keyboard_(io, ::dup(STDIN_FILENO)),
      signals_(io, SIGINT, SIGTERM, SIGHUP) {
  signals_.add(SIGWINCH);
  signals_.add(SIGTSTP);
  ::tzset();  // history times are shown in the zone TZ names
}

void InteractiveFrontend::start() {
  editor_.start();
  spawn_checked(keyboard_.get_executor(), read_keys());
  spawn_checked(keyboard_.get_executor(), handle_signals());
}

asio::awaitable<void> InteractiveFrontend::read_keys() {
  while (!closed_) {
    auto [error, size] = co_await keyboard_.async_read_some(asio::buffer(key_buffer_), kUseTuple);
    if (closed_) co_return;
    editor_.add_keys(std::string_view(key_buffer_.data(), size));
    if (error) {
      quit();  // the terminal went away
      co_return;
    }
  }
}

asio::awaitable<void> InteractiveFrontend::handle_signals() {
  while (!closed_) {
    auto [error, signal_number] = co_await signals_.async_wait(kUseTuple);
    if (error || closed_) co_return;
    if (signal_number == SIGWINCH) {
      editor_.resize();
    } else if (signal_number == SIGTSTP) {
      suspend_until_continued();
    } else {
      editor_.abandon_line();
      quit();
    }
  }
}

void InteractiveFrontend::suspend_until_continued() {
  editor_.suspend();
  // The shell gets its terminal back as it was, blocking reads included.
  int flags = ::fcntl(STDIN_FILENO, F_GETFL);
  if (flags >= 0) ::fcntl(STDIN_FILENO, F_SETFL, flags & ~O_NONBLOCK);
  ::raise(SIGSTOP);  // continues here after `fg`
  if (flags >= 0) ::fcntl(STDIN_FILENO, F_SETFL, flags);
  editor_.resume();
}

void InteractiveFrontend::quit() {
  if (!closed_) session_.quit();
}

void InteractiveFrontend::submit(std::string line) {
  if (closed_) return;
  if (session_.conversation().current_prompt() != Prompt::Command) {
    session_.answer(std::move(line));
    return;
  }
  auto routed = target_.route(line);
  switch (routed.kind) {
    case DefaultTarget::Routed::Kind::Send:
      session_.answer(std::move(routed.text));
      return;
    case DefaultTarget::Routed::Kind::Nothing:
      break;
    case DefaultTarget::Routed::Kind::Switched:
      completion_.set_switched(target_.target().has_value());
      editor_.print(palette_.paint(core::sanitize_text(routed.text), LineKind::Notice));
      break;
    case DefaultTarget::Routed::Kind::Refused:
      editor_.print(palette_.paint(core::sanitize_text(routed.text), LineKind::Error));
      break;
  }
  show_prompt(Prompt::Command);  // the server got nothing, so it will not prompt
}

void InteractiveFrontend::show_line(const std::string& line) {
  std::string clean = core::sanitize_text(line);
  completion_.observe_line(clean);
  std::string shown = with_local_time(clean);
  editor_.print(palette_.paint(shown, classify_line(shown)));
}

void InteractiveFrontend::show_prompt(Prompt prompt) {
  completion_.observe_prompt();
  switch (prompt) {
    case Prompt::Username:
      editor_.edit(prompt_text(prompt), false);
      break;
    case Prompt::Password:
      editor_.hide(prompt_text(prompt));
      break;
    case Prompt::Command:
      completion_.set_self(session_.conversation().username());
      editor_.edit(target_.prompt(), true);
      break;
    case Prompt::Introduction:
      editor_.edit("", false);
      break;
  }
}

void InteractiveFrontend::show_auto_answer(Prompt prompt, std::string_view answer) {
  completion_.observe_prompt();
  editor_.print(std::string(prompt_text(prompt)) + core::sanitize_text(answer));
}

void InteractiveFrontend::closed(const CloseInfo& info) {
  closed_ = true;
  editor_.stop();
  std::string farewell;
  if (info.quit_requested) {
    farewell = "Goodbye!";
    exit_status_ = kExitOk;
  } else if (info.logout_sent || info.idle_logout) {
    farewell = "Disconnected";
    exit_status_ = kExitOk;
  } else {
    farewell = describe_loss(info.error);
    exit_status_ = kExitFailure;
  }
  std::printf("%s\n", palette_.status(farewell).c_str());
  std::fflush(stdout);
  boost::system::error_code ignored;
  keyboard_.close(ignored);
  signals_.cancel(ignored);
}

}  // namespace parley::client
