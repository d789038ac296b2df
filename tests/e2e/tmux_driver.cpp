#include "tmux_driver.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace parley::test {

namespace {

constexpr auto kPollInterval = 50ms;
constexpr auto kStopWait = 5s;
const std::string kSession = "parley";

std::string trim_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Tmux::available() { return !find_program("tmux").empty(); }

Tmux::Tmux(const std::filesystem::path& dir) : socket_(dir / "tmux.socket"), config_(dir / "tmux.conf") {
  // Dead windows stay to be read; no status line, so the pane is the screen.
  std::ofstream(config_) << "set -g remain-on-exit on\n"
                            "set -g status off\n"
                            "set -g default-terminal screen\n"
                            "set -g history-limit 5000\n";
}

Tmux::~Tmux() {
  for (auto& [name, pid] : windows_) stop(name);
  if (started_) run({"kill-server"});
}

std::string Tmux::run(std::vector<std::string> args) {
  args.insert(args.begin(), {find_program("tmux"), "-S", socket_.string(), "-f", config_.string()});
  CommandResult result = run_command(args, "");
  if (result.status != 0) ADD_FAILURE() << "tmux " << args[5] << " failed: " << result.err;
  return result.out;
}

pid_t Tmux::open_window(const std::string& name, const std::vector<std::string>& argv,
                        const std::vector<std::string>& env) {
  std::vector<std::string> args;
  if (started_)
    args = {"new-window", "-d", "-t", kSession + ":", "-n", name};
  else
    args = {"new-session", "-d", "-s", kSession, "-x", "200", "-y", "50", "-n", name};
  args.insert(args.end(), {"-P", "-F", "#{pane_pid}", "--", "/usr/bin/env", "-i"});
  args.insert(args.end(), env.begin(), env.end());
  args.insert(args.end(), argv.begin(), argv.end());
  std::string out = trim_newline(run(args));
  started_ = true;
  pid_t pid = out.empty() ? 0 : static_cast<pid_t>(std::stol(out));
  if (pid > 0) windows_.emplace_back(name, pid);
  return pid;
}

void Tmux::type_line(const std::string& name, const std::string& text) {
  run({"send-keys", "-t", kSession + ":" + name, "-l", "--", text});
  run({"send-keys", "-t", kSession + ":" + name, "Enter"});
}

std::string Tmux::screen(const std::string& name) {
  // -J: a long line the window wrapped is one line again.
  return run({"capture-pane", "-p", "-J", "-t", kSession + ":" + name});
}

bool Tmux::wait_for_text(const std::string& name, const std::string& text, std::chrono::milliseconds timeout) {
  return poll_until([&] { return screen(name).find(text) != std::string::npos; }, timeout);
}

bool Tmux::exited(const std::string& name) {
  return trim_newline(run({"display-message", "-p", "-t", kSession + ":" + name, "#{pane_dead}"})) == "1";
}

void Tmux::stop(const std::string& name) {
  for (auto& [window, pid] : windows_) {
    if (window != name || pid <= 0) continue;
    // weechat-headless ignores SIGHUP, so ending the tmux server would leave
    // it running: each program is ended by its pid while tmux still reaps it.
    if (!exited(name)) {
      kill(pid, SIGTERM);
      if (!poll_until([&] { return exited(name); }, kStopWait)) {
        kill(pid, SIGKILL);
        poll_until([&] { return exited(name); }, kStopWait);
      }
    }
    pid = 0;
  }
}

}  // namespace parley::test
