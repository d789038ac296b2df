// The connection to parleyd: reading, writing, logging out.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "client/conversation.hpp"
#include "client/server_link.hpp"
#include "client/server_stream.hpp"

namespace parley::client {

// How the connection ended.
struct CloseInfo {
  bool quit_requested = false;  // quit() was called (Ctrl+C, Ctrl+D, end of input)
  bool logged_in = false;
  bool logout_sent = false;         // by the person, by a script or by quit()
  bool idle_logout = false;         // the server's last line: logged out for inactivity
  boost::system::error_code error;  // empty or eof when the server closed normally
};

// What shows the conversation to the person: the interactive terminal or
// plain output for scripts.
class Frontend {
 public:
  virtual ~Frontend() = default;
  virtual void show_line(const std::string& line) = 0;
  // The server waits for an answer to `prompt` (give it with Session::answer).
  virtual void show_prompt(Prompt prompt) = 0;
  // `--user` or PARLEY_PASSWORD answered `prompt` already.
  virtual void show_auto_answer(Prompt prompt, std::string_view answer) = 0;
  // Called once, as the last thing.
  virtual void closed(const CloseInfo& info) = 0;
};

class Session {
 public:
  // How long quit() waits for the server to close after `logout`.
  static constexpr std::chrono::seconds kLogoutWait{5};

  Session(ServerLink link, Conversation conversation);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start(Frontend& frontend);
  // Sends `line` in answer to the prompt the frontend was shown.
  void answer(std::string line);
  // Ends the session politely: `logout` once logged in and the server waits
  // for a command, otherwise just closes. A second call closes at once.
  void quit();
  const Conversation& conversation() const { return conversation_; }
  bool is_open() const { return !finished_; }

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  void handle(const ServerEvent& event);
  void handle_prompt(Prompt prompt);
  void leave_at_prompt(Prompt prompt);
  void send(std::string line);
  void finish(const boost::system::error_code& error);

  ServerLink link_;
  Conversation conversation_;
  ServerStream stream_;
  Frontend* frontend_ = nullptr;
  // A member, not a coroutine local: g++ 12 with sanitizers wrongly reports
  // -Wmismatched-new-delete for coroutine frames holding large arrays.
  std::array<char, 16384> read_buffer_{};
  std::string outbox_;
  bool writing_ = false;
  bool quitting_ = false;
  bool finished_ = false;
  boost::asio::steady_timer logout_deadline_;
};

}  // namespace parley::client
