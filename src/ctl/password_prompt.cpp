#include "ctl/password_prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace parley::ctl {

namespace {

void wipe(std::string& secret) {
  volatile char* p = secret.data();
  for (std::size_t i = 0; i < secret.size(); ++i) p[i] = 0;
  secret.clear();
}

// One line from the terminal with echo off; the terminal is restored
// whatever happens.
std::string ask_quietly(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios saved{};
  bool restore = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (restore) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (!got) throw std::runtime_error("no password given");
  return line;
}

}  // namespace

std::string read_new_password(const std::string& user) {
  if (::isatty(STDIN_FILENO)) {
    std::string first = ask_quietly("New password for " + user + ": ");
    std::string second = ask_quietly("Again: ");
    bool same = first == second;
    wipe(second);
    if (!same) {
      wipe(first);
      throw std::runtime_error("the two passwords differ; nothing was changed");
    }
    return first;
  }
  std::string line;
  if (!std::getline(std::cin, line)) throw std::runtime_error("no password on stdin (expected one line)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace parley::ctl
