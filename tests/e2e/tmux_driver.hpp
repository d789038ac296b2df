// Runs terminal programs (IRC clients) in windows of a private tmux server,
// types into them and reads their screens.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "harness.hpp"

namespace parley::test {

// Polls `done` until it holds or `timeout` passes; the only waiting the
// client drivers do, since tmux and the clients' files give no events.
bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = kWait);

// The program `name` found in $PATH, or "" when there is none.
std::string find_program(const std::string& name);

// Whole contents of a file, or "" when it does not exist (yet).
std::string file_text(const std::filesystem::path& path);

// A tmux server of its own, on a socket in `dir`, with a configuration of its
// own (never the user's ~/.tmux.conf), so tests never touch a person's tmux.
// Windows stay on screen after their program exits, for failure messages.
// The destructor ends every program it started, then the server.
class Tmux {
 public:
  explicit Tmux(const std::filesystem::path& dir);
  ~Tmux();
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;

  static bool available();

  // Starts `argv` in a new window `name` with exactly `env` ("NAME=value")
  // as its environment; returns the program's pid (0 when tmux failed).
  pid_t open_window(const std::string& name, const std::vector<std::string>& argv, const std::vector<std::string>& env);
  // Types `text` literally, then Enter.
  void type_line(const std::string& name, const std::string& text);
  // What the window shows now, one line per row.
  std::string screen(const std::string& name);
  // Waits until the window shows `text`.
  bool wait_for_text(const std::string& name, const std::string& text, std::chrono::milliseconds timeout = kWait);
  // True once the window's program has exited.
  bool exited(const std::string& name);
  // Asks the program to end (SIGTERM), then kills it if it lingers.
  void stop(const std::string& name);

 private:
  std::string run(std::vector<std::string> args);
  std::filesystem::path socket_;
  std::filesystem::path config_;
  bool started_ = false;
  std::vector<std::pair<std::string, pid_t>> windows_;
};

}  // namespace parley::test
