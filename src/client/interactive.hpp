// The interactive client: a terminal on standard input.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <optional>

#include "client/completion.hpp"
#include "client/default_target.hpp"
#include "client/line_editor.hpp"
#include "client/line_kind.hpp"
#include "client/options.hpp"
#include "client/session.hpp"

namespace parley::client {

class InteractiveFrontend : public Frontend {
 public:
  InteractiveFrontend(boost::asio::io_context& io, Session& session, Palette palette,
                      std::optional<std::filesystem::path> history_file);

  // Takes over the terminal and starts reading keys and signals.
  void start();
  int exit_status() const { return exit_status_; }

  void show_line(const std::string& line) override;
  void show_prompt(Prompt prompt) override;
  void show_auto_answer(Prompt prompt, std::string_view answer) override;
  void closed(const CloseInfo& info) override;

 private:
  boost::asio::awaitable<void> read_keys();
  boost::asio::awaitable<void> handle_signals();
  void suspend_until_continued();
  void quit();
  // A line typed after a prompt: at the command prompt the client's own
  // commands and the default target apply.
  void submit(std::string line);

  Session& session_;
  Palette palette_;
  CompletionEngine completion_;
  DefaultTarget target_;
  LineEditor editor_;
  boost::asio::posix::stream_descriptor keyboard_;
  boost::asio::signal_set signals_;
  std::array<char, 4096> key_buffer_{};  // a member for g++ 12, see Session::read_buffer_
  bool closed_ = false;
  int exit_status_ = kExitFailure;
};

}  // namespace parley::client
