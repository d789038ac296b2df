// parleyd's log: levels, the text, JSON and journal formats, JOURNAL_STREAM,
// and the debug line for connections that end before login.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// Boost.JSON, header-only: an independent parser judges the JSON lines.
#include <boost/json/src.hpp>
#include <cstring>
#include <ctime>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "server_support.hpp"
#include "tls_support.hpp"

extern char** environ;

namespace parley::test {
namespace {

using support::count_of;

// "2026-11-30T12:00:00.123Z": the stamp's UTC time, or nullopt when `text`
// does not start with one.
std::optional<std::time_t> utc_stamp(const std::string& text) {
  static const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() < shape.size()) return std::nullopt;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    char want = shape[i], got = text[i];
    if (want == 'd' ? !(got >= '0' && got <= '9') : got != want) return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  tm.tm_hour = std::stoi(text.substr(11, 2));
  tm.tm_min = std::stoi(text.substr(14, 2));
  tm.tm_sec = std::stoi(text.substr(17, 2));
  return timegm(&tm);
}

const std::set<std::string> kLevels{"trace", "debug", "info", "warning", "error", "critical"};

// A text line: "<UTC stamp> <level> <message>".
bool is_text_line(const std::string& line) {
  if (!utc_stamp(line) || line.size() < 26 || line[24] != ' ') return false;
  auto space = line.find(' ', 25);
  return space != std::string::npos && kLevels.count(line.substr(25, space - 25)) == 1;
}

// A port nothing listens on: bound once, then released.
unsigned short unused_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// parleyd with stderr on a pipe made here, so that JOURNAL_STREAM can name
// that pipe (or another file), and with the environment a test chooses.
class PipedServer {
 public:
  enum class Journal { unset, this_pipe, other_file };

  PipedServer(const TempDir& dir, std::vector<std::string> args, std::vector<std::string> env = {},
              Journal journal = Journal::unset) {
    dir.write("user_pass.txt", demo_users());
    std::vector<std::string> argv{binary_path("parleyd"), "--password-hash-cost", "min"};
    argv.insert(argv.end(), args.begin(), args.end());
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    fd_ = fds[0];
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) {
      std::string entry(*e);
      if (!entry.starts_with("JOURNAL_STREAM=") && !entry.starts_with("TZ=")) environment.push_back(entry);
    }
    environment.insert(environment.end(), env.begin(), env.end());
    struct stat st {};
    if (journal == Journal::this_pipe) fstat(fds[1], &st);
    if (journal == Journal::other_file) stat(dir.path().c_str(), &st);
    if (journal != Journal::unset)
      environment.push_back("JOURNAL_STREAM=" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino));

    std::vector<char*> argv_c, env_c;
    for (auto& a : argv) argv_c.push_back(a.data());
    argv_c.push_back(nullptr);
    for (auto& e : environment) env_c.push_back(e.data());
    env_c.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addchdir_np(&actions, dir.path().c_str());
    int rc = posix_spawn(&pid_, argv_c[0], &actions, nullptr, argv_c.data(), env_c.data());
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) throw std::runtime_error("cannot start parleyd: " + std::string(strerror(rc)));
  }
  ~PipedServer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(fd_);
  }
  PipedServer(const PipedServer&) = delete;
  PipedServer& operator=(const PipedServer&) = delete;

  // Reads stderr until a line contains `text`; that line, or "" at the end
  // of stderr or the deadline.
  std::string wait_for(const std::string& text) {
    auto deadline = std::chrono::steady_clock::now() + kWait;
    for (std::size_t checked = 0;; ++checked) {
      while (checked == lines_.size())
        if (!read_more(deadline)) return "";
      if (lines_[checked].find(text) != std::string::npos) return lines_[checked];
    }
  }
  // The port of the first listener logged.
  unsigned short port() {
    auto line = wait_for("listening on");
    auto colon = line.rfind(':');
    return colon == std::string::npos ? 0 : static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
  }
  // SIGTERM, then every line up to the end; the exit status.
  int stop() {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + kWait;
    while (read_more(deadline)) {
    }
    int status = -1;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  const std::vector<std::string>& lines() const { return lines_; }
  std::string log() const {
    std::string all;
    for (auto& l : lines_) all += l + "\n";
    return all;
  }

 private:
  bool read_more(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    auto n = read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    partial_.append(buf, static_cast<std::size_t>(n));
    for (std::size_t end; (end = partial_.find('\n')) != std::string::npos; partial_.erase(0, end + 1))
      lines_.push_back(partial_.substr(0, end));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string partial_;
  std::vector<std::string> lines_;
};

class ServerLogs : public ServerFixture {};

TEST_F(ServerLogs, JsonLinesParseAndCarryAnyText) {
  // The users file's name reaches the log as it is: quotes, a backslash, a
  // tab, a newline, an escape and a byte that is not UTF-8.
  const std::string name = "users \"a\\b\"\tc\nd\x1b[31m\xff.txt";
  dir_.write(name, demo_users());
  server_ = std::make_unique<ServerProcess>(
      dir_.path(), std::vector<std::string>{"--log-format", "json", "--log-level", "debug", "--users", name});
  ASSERT_NE(port(), 0) << server_->log();
  LineClient(port()).expect("Username: ");
  ASSERT_FALSE(server_->wait_for_log("closed before login").empty()) << server_->log();
  logout(*user("alice", "secret"));
  ASSERT_FALSE(server_->wait_for_log("logout user=alice").empty()) << server_->log();
  server_->stop(SIGTERM);

  std::set<std::string> messages;
  std::set<std::string> levels;
  std::string imported;
  std::istringstream log(server_->log());
  for (std::string line; std::getline(log, line);) {
    boost::json::error_code error;
    auto value = boost::json::parse(line, error);
    ASSERT_FALSE(error) << "not JSON: " << line;
    ASSERT_TRUE(value.is_object()) << line;
    const auto& object = value.as_object();
    ASSERT_EQ(object.size(), 3u) << line;
    ASSERT_TRUE(object.contains("time") && object.contains("level") && object.contains("msg")) << line;
    std::string time(object.at("time").as_string());
    EXPECT_TRUE(utc_stamp(time) && time.size() == 24) << line;
    std::string level(object.at("level").as_string());
    EXPECT_EQ(kLevels.count(level), 1u) << line;
    std::string msg(object.at("msg").as_string());
    if (msg.starts_with("imported ")) imported = msg;
    if (msg.starts_with("closed before login")) levels.insert(level);
  }
  // The byte that is not UTF-8 reads back as U+FFFD, the rest as it was.
  EXPECT_TRUE(imported.starts_with("imported users \"a\\b\"\tc\nd\x1b[31m\xEF\xBF\xBD.txt: ")) << server_->log();
  EXPECT_EQ(levels, std::set<std::string>{"debug"}) << server_->log();
}

TEST_F(ServerLogs, DebugShowsWhyConnectionsEndedBeforeLogin) {
  TestAuthority ca("parley test CA");
  auto [cert, key] = ca.issue(ServerCertSpec{}).write(dir_.path(), "server");
  start({"--log-level", "debug", "--login-timeout", "1", "--login-times", "1", "--tls-port", "0", "--tls-cert", cert,
         "--tls-key", key});
  {
    LineClient quitter(port());
    quitter.expect("Username: ");
  }
  auto line = server_->wait_for_log("reason=closed by peer");
  EXPECT_NE(line.find(" debug closed before login from=127.0.0.1:"), std::string::npos) << line;
  EXPECT_NE(line.find(" protocol=classic after="), std::string::npos) << line;

  LineClient slow(port());
  EXPECT_EQ(slow.read_until_closed(), "Username: Error: login timed out\n");
  line = server_->wait_for_log("reason=login timeout");
  auto after = line.find("after=");
  ASSERT_NE(after, std::string::npos) << server_->log();
  EXPECT_GE(std::stod(line.substr(after + 6)), 1.0) << line;  // the login timeout

  LineClient guesser(port());
  guesser.expect("Username: ");
  guesser.send_line("alice");
  guesser.expect("Password: ");
  guesser.send_line("wrong");
  EXPECT_NE(guesser.read_until_closed().find("is blocked from this address"), std::string::npos);
  EXPECT_FALSE(server_->wait_for_log("reason=refused").empty()) << server_->log();

  {
    LineClient plain_on_tls(tls_port(*server_));
    plain_on_tls.send_line("alice");
    plain_on_tls.read_until_closed();
  }
  line = server_->wait_for_log("reason=error");
  EXPECT_NE(line.find("protocol=classic+tls"), std::string::npos) << server_->log();

  LineClient waiting(port());
  waiting.expect("Username: ");
  server_->stop(SIGTERM);
  EXPECT_TRUE(server_->log_contains("reason=server shutdown")) << server_->log();
  EXPECT_EQ(count_of(server_->log(), "closed before login"), 5u) << server_->log();
}

TEST_F(ServerLogs, TheDefaultLevelHidesDebugLines) {
  start({"--threads", "1"});
  LineClient(port()).expect("Username: ");
  logout(*user("alice", "secret"));
  EXPECT_FALSE(server_->wait_for_log("logout user=alice").empty()) << server_->log();
  server_->stop(SIGTERM);
  EXPECT_FALSE(server_->log_contains("closed before login")) << server_->log();
  EXPECT_FALSE(server_->log_contains(" debug ")) << server_->log();
}

TEST(ServerLogLevel, WarnHidesInfoLines) {
  TempDir dir;
  auto port = unused_port();
  PipedServer server(
      dir, {"--log-level", "warn", "--bind", "127.0.0.1", "--max-connections-per-address", "1", std::to_string(port)});
  // Nothing below a warning is logged, not even the listening port: wait
  // until it answers. From another address than the server's, so that a
  // connect before the server listens cannot connect the socket to itself.
  const std::string source = "127.0.0.2";
  std::unique_ptr<LineClient> first;
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!first && std::chrono::steady_clock::now() < deadline) {
    try {
      first = std::make_unique<LineClient>(port, "127.0.0.1", source);
    } catch (const std::runtime_error&) {
      std::this_thread::sleep_for(20ms);  // no log line announces it
    }
  }
  ASSERT_TRUE(first) << server.log();
  LineClient second(port, "127.0.0.1", source);
  EXPECT_EQ(second.read_until_closed(), "Error: too many connections from your address\n");
  EXPECT_FALSE(server.wait_for("connection refused from=127.0.0.2").empty());
  EXPECT_NE(first->login("alice", "secret").find("Login successful"), std::string::npos);
  first->send_line("logout");
  first->read_until_closed();
  int status = server.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << server.log();
  for (const auto& line : server.lines()) {
    EXPECT_TRUE(is_text_line(line)) << line;
    EXPECT_EQ(line.find(" info "), std::string::npos) << line;
  }
  EXPECT_EQ(server.lines().size(), 1u) << server.log();
}

TEST(ServerLogTime, TextTimestampsAreUtcWithMilliseconds) {
  TempDir dir;
  // Local time five and a half hours from UTC: a local stamp would show.
  PipedServer server(dir, {"0"}, {"TZ=<+0530>-5:30"});
  ASSERT_NE(server.port(), 0) << server.log();
  auto now = std::time(nullptr);
  ASSERT_FALSE(server.lines().empty());
  for (const auto& line : server.lines()) {
    ASSERT_TRUE(is_text_line(line)) << line;
    auto stamp = utc_stamp(line);
    EXPECT_LE(std::abs(*stamp - now), 120) << line << " is not the UTC time now";
  }
}

TEST(ServerJournal, JournalStreamOnStderrMeansPriorityPrefixes) {
  TempDir dir;
  PipedServer server(dir, {"0"}, {}, PipedServer::Journal::this_pipe);
  ASSERT_NE(server.port(), 0) << server.log();
  EXPECT_EQ(server.stop(), 0) << server.log();
  const std::map<std::string, std::string> priority{
      {"<2>", "critical"}, {"<3>", "error"}, {"<4>", "warning"}, {"<6>", "info"}, {"<7>", "debug"}};
  for (const auto& line : server.lines()) {
    ASSERT_GE(line.size(), 4u) << line;
    auto level = priority.find(line.substr(0, 3));
    ASSERT_NE(level, priority.end()) << line;
    EXPECT_EQ(line.substr(3, level->second.size() + 1), level->second + " ") << line;
    EXPECT_FALSE(utc_stamp(line.substr(3 + level->second.size() + 1))) << "a timestamp: " << line;
  }
  EXPECT_FALSE(server.wait_for("<6>info classic protocol listening on").empty()) << server.log();
  EXPECT_FALSE(server.wait_for("<6>info shutdown complete").empty()) << server.log();
}

TEST(ServerJournal, JournalStreamOfAnotherFileIsIgnored) {
  TempDir dir;
  PipedServer server(dir, {"0"}, {}, PipedServer::Journal::other_file);
  ASSERT_NE(server.port(), 0) << server.log();
  for (const auto& line : server.lines()) EXPECT_TRUE(is_text_line(line)) << line;
}

TEST(ServerJournal, LogFormatOverridesJournalStream) {
  TempDir dir;
  PipedServer text(dir, {"--log-format", "text", "0"}, {}, PipedServer::Journal::this_pipe);
  ASSERT_NE(text.port(), 0) << text.log();
  for (const auto& line : text.lines()) EXPECT_TRUE(is_text_line(line)) << line;

  TempDir other;
  PipedServer journal(other, {"--log-format", "journal", "0"});
  ASSERT_NE(journal.port(), 0) << journal.log();
  for (const auto& line : journal.lines()) EXPECT_TRUE(line.starts_with("<6>info ")) << line;
}

TEST(ServerLogSettings, BadValuesAreRefusedAtStart) {
  auto level = run_command({binary_path("parleyd"), "--log-level", "loud", "0"}, "");
  EXPECT_EQ(WEXITSTATUS(level.status), 2);
  EXPECT_EQ(level.err,
            "parleyd: log-level must be one of trace, debug, info, warn, error, critical, off; not 'loud'\n");
  auto format = run_command({binary_path("parleyd"), "--log-format", "xml", "0"}, "");
  EXPECT_EQ(WEXITSTATUS(format.status), 2);
  EXPECT_EQ(format.err, "parleyd: log-format must be one of text, json, journal; not 'xml'\n");
}

}  // namespace
}  // namespace parley::test
