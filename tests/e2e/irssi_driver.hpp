// irssi in a tmux window: typed into, and read from its screen.
//
// Its home is the test's temp dir with a generated config: one network
// ("parley", SASL PLAIN) and one server, 127.0.0.1, no TLS, autoconnect; no
// other network, no scripts, settings never saved back. Every window is also
// logged to a file (autolog), so a line that arrived in a window not on
// screen can be awaited before switching to it.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "harness.hpp"
#include "irc_login.hpp"
#include "tmux_driver.hpp"

namespace parley::test {

class IrssiClient {
 public:
  static bool available();

  IrssiClient(Tmux& tmux, const std::filesystem::path& dir, const IrcLogin& login);
  ~IrssiClient();
  IrssiClient(const IrssiClient&) = delete;
  IrssiClient& operator=(const IrssiClient&) = delete;

  // Types a line into the current window.
  void type(const std::string& line);
  // "/msg <target> <text>": to a nick or a channel.
  void say(const std::string& target, const std::string& text);
  // Waits until the window of `target` (a nick or a channel; "" for the
  // status window) has `text`, then switches to it and waits until the
  // screen shows it.
  bool wait_for(const std::string& target, const std::string& text, std::chrono::milliseconds timeout = kWait);
  // The screen and every window's log, for failure messages.
  std::string describe();
  // "/quit", then waits for the process to end.
  void quit();

 private:
  Tmux& tmux_;
  std::filesystem::path dir_;
  std::string window_;
};

}  // namespace parley::test
