// WeeChat, as Debian's weechat-headless package ships it, driven in tmux.
//
// Debian 12 splits WeeChat into weechat-curses (the terminal UI) and
// weechat-headless (no UI); only the latter is installed for the tests. With
// no screen to read, the driver uses WeeChat's own plugins instead, as a
// script or a bot would: commands go in through the fifo plugin's pipe, and
// what each buffer shows comes out through the logger plugin, one file per
// buffer (flushed at once), in WeeChat's display format "date\tprefix\ttext".
// tmux hosts the process and its --stdout log, shown when a test fails.
//
// Only the irc, logger and fifo plugins are loaded: no script manager (it
// downloads), no relay, no exec; the home directory is the test's temp dir.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "harness.hpp"
#include "irc_login.hpp"
#include "tmux_driver.hpp"

namespace parley::test {

class WeechatClient {
 public:
  static bool available();

  // Starts WeeChat in a window of `tmux` with its home in `dir` and connects
  // to 127.0.0.1 with SASL PLAIN. The IRC server is called "parley" in it.
  WeechatClient(Tmux& tmux, const std::filesystem::path& dir, const IrcLogin& login);
  ~WeechatClient();
  WeechatClient(const WeechatClient&) = delete;
  WeechatClient& operator=(const WeechatClient&) = delete;

  // Runs a command as if typed in the server buffer ("/join #room").
  void command(const std::string& line);
  // Says `text` to "#room" (typed in its buffer) or to a nick (/msg).
  void say(const std::string& target, const std::string& text);
  // Waits until the buffer of `target` ("" = server buffer) shows `text`.
  bool wait_for(const std::string& target, const std::string& text, std::chrono::milliseconds timeout = kWait);
  // Every buffer's log and the window, for failure messages.
  std::string describe();
  // "/quit", then waits for the process to end.
  void quit();

 private:
  std::filesystem::path log_of(const std::string& target) const;
  std::string buffer_of(const std::string& target) const;
  void write_fifo(const std::string& line);

  Tmux& tmux_;
  std::filesystem::path dir_;
  std::filesystem::path fifo_;
  std::string window_;
};

}  // namespace parley::test
