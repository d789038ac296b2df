#include "irssi_driver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <vector>

namespace parley::test {

namespace {

const std::string kProgram = "irssi";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

bool IrssiClient::available() { return !find_program(kProgram).empty(); }

IrssiClient::IrssiClient(Tmux& tmux, const std::filesystem::path& dir, const IrcLogin& login)
    : tmux_(tmux), dir_(dir), window_("irssi-" + login.nick) {
  std::filesystem::create_directories(dir_);
  const std::string& n = login.nick;
  // What `/network add -sasl_mechanism plain ...` and `/server add -notls
  // -auto ...` would save; the settings irssi would otherwise take from the
  // user name and $IRCNICK.
  std::ofstream(dir_ / "config") << "servers = (\n"
                                 << "  { address = \"127.0.0.1\"; chatnet = \"parley\"; port = \"" << login.port
                                 << "\"; use_tls = \"no\"; autoconnect = \"yes\"; }\n"
                                 << ");\n"
                                 << "chatnets = {\n"
                                 << "  parley = { type = \"IRC\"; sasl_mechanism = \"PLAIN\"; sasl_username = \"" << n
                                 << "\"; sasl_password = \"" << login.password << "\"; };\n"
                                 << "};\n"
                                 << "settings = {\n"
                                 << "  core = { real_name = \"" << n << "\"; user_name = \"" << n << "\"; nick = \""
                                 << n
                                 << "\"; settings_autosave = \"no\"; };\n"
                                 // irssi spaces the lines it sends 2.2 s apart after the first 5 by default.
                                 << "  \"irc/core\" = { cmd_queue_speed = \"1msec\"; cmds_max_at_once = \"100\"; };\n"
                                 << "  \"fe-common/core\" = { autolog = \"yes\"; autolog_path = \""
                                 << (dir_ / "logs").string() << "/$tag/$0.log\"; };\n"
                                 << "};\n";
  tmux_.open_window(window_, {find_program(kProgram), "--home=" + dir_.string()},
                    {"HOME=" + dir_.string(), "TERM=screen", "LANG=C.UTF-8", "TZ=UTC"});
}

IrssiClient::~IrssiClient() { tmux_.stop(window_); }

void IrssiClient::type(const std::string& line) { tmux_.type_line(window_, line); }

void IrssiClient::say(const std::string& target, const std::string& text) { type("/msg " + target + " " + text); }

bool IrssiClient::wait_for(const std::string& target, const std::string& text, std::chrono::milliseconds timeout) {
  if (!target.empty()) {
    auto log = dir_ / "logs" / "parley" / (lower(target) + ".log");
    if (!poll_until([&] { return file_text(log).find(text) != std::string::npos; }, timeout)) return false;
  }
  type(target.empty() ? "/window goto 1" : "/window goto " + target);
  return tmux_.wait_for_text(window_, text, timeout);
}

std::string IrssiClient::describe() {
  std::string out = "--- irssi's screen:\n" + tmux_.screen(window_);
  std::error_code ec;
  std::vector<std::filesystem::path> logs;
  for (auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "logs", ec))
    if (entry.is_regular_file()) logs.push_back(entry.path());
  std::sort(logs.begin(), logs.end());
  for (auto& log : logs) out += "--- " + log.filename().string() + ":\n" + file_text(log);
  return out;
}

void IrssiClient::quit() {
  type("/quit");
  if (!poll_until([&] { return tmux_.exited(window_); })) ADD_FAILURE() << "irssi did not quit\n" << describe();
}

}  // namespace parley::test
