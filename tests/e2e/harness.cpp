#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace parley::test {

namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

std::vector<char*> to_argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// Waits for a child with a deadline; returns true and sets status when it exited.
bool wait_child(pid_t pid, int& status, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0) return false;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);  // waitpid has no timeout; poll briefly
  }
}

}  // namespace

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "parley-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const {
  std::ofstream out(path_ / name, std::ios::binary);
  out << content;
}

std::string demo_users() {
  return "columbia 116bway\n"
         "seas summerisover\n"
         "csee4119 lotsofassignments\n"
         "facebook wastingtime\n"
         "google hasglasses\n"
         "alice secret\n"
         "bob hunter2\n"
         "carol swordfish\n";
}

std::string binary_path(const std::string& name) { return std::string(PARLEY_BINARY_DIR) + "/" + name; }

ServerProcess::ServerProcess(const std::filesystem::path& dir, std::vector<std::string> extra_args) {
  std::vector<std::string> args{binary_path("parleyd")};
  // The cheapest hash unless a test asks for a real one.
  if (std::find(extra_args.begin(), extra_args.end(), "--password-hash-cost") == extra_args.end())
    args.insert(args.end(), {"--password-hash-cost", "min"});
  for (auto& a : extra_args) args.push_back(a);
  args.push_back("0");
  auto argv = to_argv(args);

  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    throw std::runtime_error("cannot start parleyd: " + std::string(strerror(rc)));
  }
  stderr_fd_ = pipefd[0];
  reader_ = std::thread([this] { read_stderr(); });

  std::string line = wait_for_log("listening on");
  auto colon = line.rfind(':');
  if (line.empty() || colon == std::string::npos) {
    ADD_FAILURE() << "parleyd did not report a listening port; log:\n" << log();
    return;
  }
  port_ = static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
  if (reader_.joinable()) reader_.join();
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

void ServerProcess::read_stderr() {
  std::string partial;
  char buf[4096];
  for (;;) {
    ssize_t n = read(stderr_fd_, buf, sizeof buf);
    if (n <= 0) break;
    partial.append(buf, static_cast<size_t>(n));
    size_t pos;
    std::lock_guard lock(mutex_);
    while ((pos = partial.find('\n')) != std::string::npos) {
      lines_.push_back(partial.substr(0, pos));
      partial.erase(0, pos + 1);
    }
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  if (!partial.empty()) lines_.push_back(partial);
  eof_ = true;
  changed_.notify_all();
}

std::string ServerProcess::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  size_t checked = 0;
  std::string found;
  changed_.wait_for(lock, timeout, [&] {
    for (; checked < lines_.size(); ++checked) {
      if (lines_[checked].find(text) != std::string::npos) {
        found = lines_[checked];
        return true;
      }
    }
    return eof_;
  });
  return found;
}

std::string ServerProcess::wait_for_nth_log(const std::string& text, std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  size_t checked = 0;
  size_t seen = 0;
  std::string found;
  changed_.wait_for(lock, timeout, [&] {
    for (; checked < lines_.size(); ++checked) {
      if (lines_[checked].find(text) != std::string::npos && ++seen == n) {
        found = lines_[checked];
        return true;
      }
    }
    return eof_;
  });
  return found;
}

bool ServerProcess::log_contains(const std::string& text) {
  std::lock_guard lock(mutex_);
  for (auto& l : lines_)
    if (l.find(text) != std::string::npos) return true;
  return false;
}

std::string ServerProcess::log() {
  std::lock_guard lock(mutex_);
  std::string all;
  for (auto& l : lines_) all += l + "\n";
  return all;
}

int ServerProcess::stop(int sig) {
  if (pid_ <= 0) return status_;
  kill(pid_, sig);
  return wait_exit();
}

int ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return status_;
  if (!wait_child(pid_, status_, timeout)) {
    ADD_FAILURE() << "parleyd did not exit in time";
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return status_;
}

CommandResult run_command(const std::vector<std::string>& argv_in, const std::string& input,
                          std::chrono::milliseconds timeout, const std::vector<std::string>& extra_env) {
  std::vector<std::string> args = argv_in;
  auto argv = to_argv(args);
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
  for (auto& e : extra_env) env_store.push_back(e);
  auto envp = to_argv(env_store);

  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  CommandResult result;
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    result.err = strerror(rc);
    return result;
  }
  signal(SIGPIPE, SIG_IGN);
  size_t written = 0;
  int in_fd = in[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out[0], POLLIN, 0});
    if (err_open) fds.push_back({err[0], POLLIN, 0});
    if (in_fd >= 0) fds.push_back({in_fd, POLLOUT, 0});
    int ms = remaining_ms(deadline);
    if (ms == 0 || poll(fds.data(), fds.size(), ms) <= 0) {
      ADD_FAILURE() << "command timed out: " << argv_in[0];
      kill(pid, SIGKILL);
      break;
    }
    for (auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in_fd) {
        ssize_t n = write(in_fd, input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<size_t>(n);
        if (n < 0 || written == input.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      char buf[4096];
      ssize_t n = read(p.fd, buf, sizeof buf);
      if (n <= 0) {
        (p.fd == out[0] ? out_open : err_open) = false;
      } else {
        (p.fd == out[0] ? result.out : result.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  close(out[0]);
  close(err[0]);
  if (!wait_child(pid, result.status, timeout)) {
    kill(pid, SIGKILL);
    waitpid(pid, &result.status, 0);
  }
  return result;
}

LineClient::LineClient(unsigned short port, const std::string& host, const std::string& source) {
  bool v6 = host.find(':') != std::string::npos;
  fd_ = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (!source.empty() && !v6) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
      throw std::runtime_error("bind to " + source + " failed: " + std::string(strerror(errno)));
  }
  int rc;
  if (v6) {
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_port = htons(port);
    inet_pton(AF_INET6, host.c_str(), &addr.sin6_addr);
    rc = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  } else {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    rc = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  if (rc != 0) throw std::runtime_error("connect failed: " + std::string(strerror(errno)));
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

LineClient::~LineClient() { close(); }

void LineClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void LineClient::send_raw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ADD_FAILURE() << "send failed: " << strerror(errno);
      return;
    }
    sent += static_cast<size_t>(n);
  }
}

bool LineClient::fill(std::chrono::steady_clock::time_point deadline) {
  if (closed_) return false;
  pollfd p{fd_, POLLIN, 0};
  int ms = remaining_ms(deadline);
  if (ms == 0 || poll(&p, 1, ms) <= 0) return false;
  char buf[65536];
  ssize_t n = recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> take_through(std::string& buffer, const std::string& text) {
  auto pos = buffer.find(text);
  if (pos == std::string::npos) return std::nullopt;
  std::string out = buffer.substr(0, pos + text.size());
  buffer.erase(0, pos + text.size());
  return out;
}

std::string LineClient::expect(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto out = take_through(buffer_, text)) return *out;
    if (!fill(deadline)) {
      ADD_FAILURE() << "expected \"" << text << "\" but got \"" << buffer_ << "\""
                    << (closed_ ? " and the connection closed" : " before the deadline");
      std::string out;
      out.swap(buffer_);
      return out;
    }
  }
}

std::string LineClient::read_until_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) {
  }
  if (!closed_) ADD_FAILURE() << "connection was not closed; got \"" << buffer_ << "\"";
  std::string out;
  out.swap(buffer_);
  return out;
}

std::string LineClient::login(const std::string& user, const std::string& password) {
  expect("Username: ");
  send_line(user);
  expect("Password: ");
  send_line(password);
  return expect("Command: ");
}

std::string LineClient::command(const std::string& line) {
  send_line(line);
  return expect("Command: ");
}

}  // namespace parley::test
