#include "weechat_driver.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <vector>

namespace parley::test {

namespace {

const std::string kProgram = "weechat-headless";

}  // namespace

bool WeechatClient::available() { return !find_program(kProgram).empty(); }

WeechatClient::WeechatClient(Tmux& tmux, const std::filesystem::path& dir, const IrcLogin& login)
    : tmux_(tmux), dir_(dir), fifo_(dir / "weechat.fifo"), window_("weechat-" + login.nick) {
  std::filesystem::create_directories(dir_);
  // Read at startup, before any buffer or pipe exists.
  std::ofstream(dir_ / "fifo.conf") << "[file]\nenabled = on\npath = \"" << fifo_.string() << "\"\n";
  std::ofstream(dir_ / "logger.conf") << "[file]\nauto_log = on\nflush_delay = 0\n";

  const std::string& n = login.nick;
  std::string server = "/server add parley 127.0.0.1/" + std::to_string(login.port) + " -notls -nicks=" + n +
                       " -username=" + n + " -realname=" + n + " -sasl_mechanism=plain -sasl_username=" + n +
                       " -sasl_password=" + login.password + " -noautoreconnect" +
                       // WeeChat 3.8 spaces the lines it sends 2 s apart by default.
                       " -anti_flood_prio_high=0 -anti_flood_prio_low=0";
  tmux_.open_window(window_,
                    {find_program(kProgram), "--dir", dir_.string(), "--stdout", "--plugins", "irc,logger,fifo",
                     "--run-command", server + ";/connect parley"},
                    {"HOME=" + dir_.string(), "TERM=screen", "LANG=C.UTF-8", "TZ=UTC"});
}

WeechatClient::~WeechatClient() { tmux_.stop(window_); }

std::string WeechatClient::buffer_of(const std::string& target) const {
  return target.empty() ? "irc.server.parley" : "irc.parley." + target;
}

std::filesystem::path WeechatClient::log_of(const std::string& target) const {
  std::string name = buffer_of(target) + ".weechatlog";
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return dir_ / "logs" / name;
}

void WeechatClient::write_fifo(const std::string& line) {
  // The pipe exists once the fifo plugin is loaded; opening it without a
  // reader fails, so wait for WeeChat to be reading.
  int fd = -1;
  bool opened = poll_until([&] {
    fd = open(fifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    return fd >= 0;
  });
  // The fifo plugin is Debian's weechat-plugins, which scripts/install-deps installs.
  ASSERT_TRUE(opened) << "WeeChat's fifo never opened (is weechat-plugins installed?)\n" << describe();
  std::string bytes = line + "\n";
  ssize_t n = write(fd, bytes.data(), bytes.size());
  close(fd);
  ASSERT_EQ(n, static_cast<ssize_t>(bytes.size())) << "writing to WeeChat's fifo failed";
}

void WeechatClient::command(const std::string& line) { write_fifo(buffer_of("") + " *" + line); }

void WeechatClient::say(const std::string& target, const std::string& text) {
  // A channel's buffer exists once joined; a private one only once a message
  // came or went, so the first one is a /msg.
  bool channel = !target.empty() && (target[0] == '#' || target[0] == '&');
  if (channel)
    write_fifo(buffer_of(target) + " *" + text);
  else
    command("/msg " + target + " " + text);
}

bool WeechatClient::wait_for(const std::string& target, const std::string& text, std::chrono::milliseconds timeout) {
  auto path = log_of(target);
  return poll_until([&] { return file_text(path).find(text) != std::string::npos; }, timeout);
}

std::string WeechatClient::describe() {
  std::string out = "--- WeeChat's window:\n" + tmux_.screen(window_);
  std::error_code ec;
  std::vector<std::filesystem::path> logs;
  for (auto& entry : std::filesystem::directory_iterator(dir_ / "logs", ec)) logs.push_back(entry.path());
  std::sort(logs.begin(), logs.end());
  for (auto& log : logs) out += "--- " + log.filename().string() + ":\n" + file_text(log);
  return out;
}

void WeechatClient::quit() {
  command("/quit");
  if (!poll_until([&] { return tmux_.exited(window_); })) ADD_FAILURE() << "WeeChat did not quit\n" << describe();
}

}  // namespace parley::test
