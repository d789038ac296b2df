// Measures parleyd end to end over loopback and prints numbers (no pass/fail):
//   memory per logged-in connection, broadcast fan-out deliveries per second,
//   and private-message round-trip latency.
// Usage: fanout_bench [--clients N] [--messages M] [--pings K] [--threads T] [--server PATH]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int clients = 500;
  int messages = 200;
  int pings = 2000;
  int threads = 0;
  std::string server = std::string(PARLEY_BINARY_DIR) + "/parleyd";
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "fanout_bench: %s\n", what.c_str());
  std::exit(1);
}

class Client {
 public:
  explicit Client(unsigned short port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect failed");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  Client(Client&& o) noexcept : fd_(o.fd_), buffer_(std::move(o.buffer_)) { o.fd_ = -1; }
  int fd() const { return fd_; }
  void send(const std::string& s) {
    if (::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(s.size())) die("send failed");
  }
  // Reads what is available; false on EOF.
  bool pump() {
    char buf[65536];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
  void wait_for(const std::string& text) {
    while (buffer_.find(text) == std::string::npos) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 30000) <= 0 || !pump()) die("timed out waiting for '" + text + "'");
    }
    buffer_.erase(0, buffer_.find(text) + text.size());
  }
  // Counts and consumes complete occurrences of `text`.
  int take(const std::string& text) {
    int n = 0;
    size_t pos = 0, last = 0;
    while ((pos = buffer_.find(text, pos)) != std::string::npos) {
      ++n;
      pos += text.size();
      last = pos;
    }
    buffer_.erase(0, last);
    return n;
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

// User + system CPU time the process has used, in microseconds.
double cpu_us(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto fields = content.substr(content.rfind(')') + 2);
  std::vector<std::string> parts;
  size_t pos = 0;
  while (parts.size() < 15) {
    auto next = fields.find(' ', pos);
    parts.push_back(fields.substr(pos, next - pos));
    pos = next + 1;
  }
  // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
  double ticks = std::stod(parts[11]) + std::stod(parts[12]);
  return ticks * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (k == "--server")
      opt.server = argv[i + 1];
    else if (k == "--clients")
      opt.clients = v;
    else if (k == "--messages")
      opt.messages = v;
    else if (k == "--pings")
      opt.pings = v;
    else if (k == "--threads")
      opt.threads = v;
    else
      die("unknown option " + k);
  }
  auto dir = std::filesystem::temp_directory_path() / ("parley-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream users(dir / "user_pass.txt");
    for (int i = 0; i < opt.clients; ++i) users << "u" << i << " pw" << i << "\n";
  }
  std::string parleyd = opt.server;
  std::vector<std::string> args{parleyd, "--password-hash-cost", "min", "--db", (dir / "bench.db").string()};
  if (opt.threads > 0) args.insert(args.end(), {"--threads", std::to_string(opt.threads)});
  args.push_back("0");
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  int pipefd[2];
  if (pipe(pipefd) != 0) die("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
  pid_t pid;
  if (posix_spawn(&pid, parleyd.c_str(), &fa, nullptr, cargs.data(), environ) != 0) die("cannot start parleyd");
  close(pipefd[1]);
  std::string log;
  unsigned short port = 0;
  while (!port) {
    char buf[4096];
    ssize_t n = read(pipefd[0], buf, sizeof buf);
    if (n <= 0) die("parleyd exited: " + log);
    log.append(buf, static_cast<size_t>(n));
    auto pos = log.find("listening on ");
    auto eol = pos == std::string::npos ? pos : log.find('\n', pos);
    if (eol != std::string::npos) port = static_cast<unsigned short>(std::stoi(log.substr(log.rfind(':', eol) + 1)));
  }
  // Keep draining the server's log so its writes never block.
  std::thread([fd = pipefd[0]] {
    char buf[4096];
    while (read(fd, buf, sizeof buf) > 0) {
    }
  }).detach();
  long rss_before = rss_kib(pid);

  std::vector<Client> clients;
  clients.reserve(static_cast<size_t>(opt.clients));
  auto login_start = Clock::now();
  for (int i = 0; i < opt.clients; ++i) {
    clients.emplace_back(port);
    clients.back().send("u" + std::to_string(i) + "\npw" + std::to_string(i) + "\n");
  }
  for (auto& c : clients) c.wait_for("Command: ");
  double login_s = std::chrono::duration<double>(Clock::now() - login_start).count();
  long rss_after = rss_kib(pid);
  double per_conn = static_cast<double>(rss_after - rss_before) * 1024.0 / opt.clients;
  std::printf("connections            %d logged in in %.2f s\n", opt.clients, login_s);
  std::printf("server RSS             %ld KiB idle, %ld KiB with connections\n", rss_before, rss_after);
  std::printf("memory per connection  %.0f bytes (%.0f connections per GiB)\n", per_conn,
              per_conn > 0 ? (1024.0 * 1024 * 1024) / per_conn : 0.0);

  // Fan-out: client 0 broadcasts; every other client must receive every message.
  double cpu_before = cpu_us(pid);
  auto start = Clock::now();
  for (int m = 0; m < opt.messages; ++m) clients[0].send("broadcast message bench " + std::to_string(m) + "\n");
  const std::string tag = "<broadcast message>\n";
  std::vector<int> got(clients.size(), 0);
  long remaining = static_cast<long>(opt.messages) * (opt.clients - 1);
  std::vector<pollfd> fds;
  for (auto& c : clients) fds.push_back({c.fd(), POLLIN, 0});
  while (remaining > 0) {
    if (poll(fds.data(), fds.size(), 30000) <= 0) die("fan-out stalled");
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      if (!clients[i].pump()) die("a client was disconnected");
      if (i == 0) {
        clients[0].take("Command: ");
        continue;
      }
      int n = clients[i].take(tag);
      got[i] += n;
      remaining -= n;
    }
  }
  double fan_s = std::chrono::duration<double>(Clock::now() - start).count();
  double deliveries = static_cast<double>(opt.messages) * (opt.clients - 1);
  double cpu_spent = cpu_us(pid) - cpu_before;
  std::printf("broadcast fan-out      %d messages x %d recipients in %.3f s = %.0f deliveries/s\n", opt.messages,
              opt.clients - 1, fan_s, deliveries / fan_s);
  std::printf("server CPU             %.2f us per delivery (%.0f deliveries per CPU-second)\n", cpu_spent / deliveries,
              deliveries / (cpu_spent / 1e6));

  // Latency: u1 messages u2 and waits for it to arrive, K times.
  std::vector<double> rtt;
  rtt.reserve(static_cast<size_t>(opt.pings));
  for (int k = 0; k < opt.pings; ++k) {
    auto t0 = Clock::now();
    clients[1].send("message u2 ping\n");
    clients[2].wait_for("u1: ping <private message>\n");
    rtt.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    clients[1].wait_for("Command: ");
  }
  std::sort(rtt.begin(), rtt.end());
  auto pct = [&](double p) { return rtt[static_cast<size_t>(p * static_cast<double>(rtt.size() - 1))]; };
  std::printf("private message latency p50 %.0f us, p99 %.0f us, max %.0f us (%d samples)\n", pct(0.5), pct(0.99),
              rtt.back(), opt.pings);

  clients.clear();
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::remove_all(dir);
  return 0;
}
