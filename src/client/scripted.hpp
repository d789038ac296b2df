// The scripted client: standard input is a pipe or a file.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <optional>
#include <string>

#include "client/default_target.hpp"
#include "client/line_kind.hpp"
#include "client/options.hpp"
#include "client/session.hpp"

namespace parley::client {

// Answers each prompt with the next input line, so the conversation keeps
// the order of the script; prints what the server sends as it comes,
// prompts included, byte for byte. At the command prompt the client's own
// commands and the default target apply as in the terminal (`/switch`);
// a line they consume answers nothing, and the next line answers the same
// prompt. At the end of input it waits for the reply to the last line,
// then logs out.
class ScriptedFrontend : public Frontend {
 public:
  ScriptedFrontend(boost::asio::io_context& io, Session& session, Palette palette);

  void start();
  int exit_status() const { return exit_status_; }

  void show_line(const std::string& line) override;
  void show_prompt(Prompt prompt) override;
  void show_auto_answer(Prompt prompt, std::string_view answer) override;
  void closed(const CloseInfo& info) override;

 private:
  // Lines read ahead of the conversation; beyond this the reader waits.
  static constexpr std::size_t kMaxQueuedLines = 256;

  boost::asio::awaitable<void> read_input();
  boost::asio::awaitable<void> wait_for_room();
  boost::asio::awaitable<void> handle_signals();
  void answer_if_ready();
  // What `line` sends to the server, if anything.
  std::optional<std::string> routed(std::string line);

  Session& session_;
  Palette palette_;
  boost::asio::posix::stream_descriptor input_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer room_;  // cancelled when a queued line is used
  std::deque<std::string> lines_;
  DefaultTarget target_;
  bool input_ended_ = false;
  bool awaiting_answer_ = false;
  bool interrupted_ = false;
  bool closed_ = false;
  int exit_status_ = kExitFailure;
};

}  // namespace parley::client
