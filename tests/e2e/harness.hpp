// Test harness for end-to-end tests: real parleyd processes and real sockets.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace parley::test {

using namespace std::chrono_literals;

// Generous: sanitizer builds and a loaded CI machine are slow. Waits end as
// soon as the awaited event happens; the deadline only bounds a failure.
inline constexpr std::chrono::milliseconds kWait = 20s;

// A fresh directory removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// The accounts of the classic protocol's example sessions, plus a few more.
std::string demo_users();

// A running parleyd. Its stderr is captured line by line; the constructor
// returns once the server logs the port it listens on.
class ServerProcess {
 public:
  // `dir` is the working directory; extra arguments go before the port.
  ServerProcess(const std::filesystem::path& dir, std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Waits until a log line contains `text`; returns that line, or "" on timeout.
  std::string wait_for_log(const std::string& text, std::chrono::milliseconds timeout = kWait);
  // Waits until `n` log lines contain `text`; returns the n-th, or "" on timeout.
  std::string wait_for_nth_log(const std::string& text, std::size_t n, std::chrono::milliseconds timeout = kWait);
  // True when some log line so far contains `text`.
  bool log_contains(const std::string& text);
  std::string log();

  // Sends `sig` and waits for the process; returns its exit status as
  // waitpid reports it (use WIFEXITED/WEXITSTATUS, WIFSIGNALED).
  int stop(int sig);
  int wait_exit(std::chrono::milliseconds timeout = kWait);
  bool running() const { return pid_ > 0; }

 private:
  void read_stderr();
  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  unsigned short port_ = 0;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool eof_ = false;
  int status_ = 0;
};

// Path of a built binary (parleyd or parley) next to the tests.
std::string binary_path(const std::string& name);

// Runs a command to completion with the given stdin; captures stdout+stderr.
struct CommandResult {
  int status = -1;  // as from waitpid
  std::string out;
  std::string err;
};
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input,
                          std::chrono::milliseconds timeout = kWait, const std::vector<std::string>& extra_env = {});

// Takes everything up to and including `text` from the front of `buffer`;
// nullopt while `text` has not arrived.
std::optional<std::string> take_through(std::string& buffer, const std::string& text);

// A blocking TCP client with deadlines on every read.
class LineClient {
 public:
  // `source`: the local address to connect from (another 127.x address is
  // another client address to the server).
  explicit LineClient(unsigned short port, const std::string& host = "127.0.0.1", const std::string& source = "");
  ~LineClient();
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  void send_raw(const std::string& bytes);
  void send_line(const std::string& line) { send_raw(line + "\n"); }

  // Reads until the received text contains `text`; returns everything up to
  // and including it and keeps the rest. Fails the test on timeout or EOF.
  std::string expect(const std::string& text, std::chrono::milliseconds timeout = kWait);
  // Reads until the peer closes; returns what was left and what came.
  std::string read_until_closed(std::chrono::milliseconds timeout = kWait);
  // What was received but not yet consumed by expect().
  std::string pending() const { return buffer_; }

  // Username/password exchange up to the first "Command: ".
  std::string login(const std::string& user, const std::string& password);
  // Sends a command and returns its output up to the next "Command: ".
  std::string command(const std::string& line);
  bool closed() const { return closed_; }
  void close();
  int fd() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  bool closed_ = false;
  std::string buffer_;
};

}  // namespace parley::test
