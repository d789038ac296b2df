#include "ctl/control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace parley::ctl {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

using Clock = std::chrono::steady_clock;

// Waits until `fd` is ready for `events` or the deadline passes.
void wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) throw std::runtime_error("parleyd did not answer in time");
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return;
    if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
  }
}

// Requests carry passwords: they go only to a server run by root, by this
// user, or by the owner of the socket's directory (the service's user), never
// to whoever bound the path in a shared directory while parleyd was down.
void check_server_identity(int fd, const std::string& socket_path) {
  ucred peer{};
  socklen_t size = sizeof peer;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0)
    throw std::runtime_error(std::string("SO_PEERCRED: ") + std::strerror(errno));
  if (peer.uid == 0 || peer.uid == ::geteuid()) return;
  struct stat dir {};
  auto parent = std::filesystem::path(socket_path).parent_path();
  if (::stat(parent.empty() ? "." : parent.c_str(), &dir) == 0 && dir.st_uid == peer.uid) return;
  throw std::runtime_error(socket_path + " is served by uid " + std::to_string(peer.uid) +
                           ", neither root, this user nor the owner of its directory: not parleyd's socket");
}

}  // namespace

std::variant<proto::control::Response, Unreachable> ask_server(const std::string& socket_path,
                                                               const proto::control::Request& request,
                                                               std::chrono::seconds deadline_after) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) return Unreachable{"the socket path is too long"};
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  // A Unix socket connects at once or not at all (EAGAIN: its backlog is full).
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    int error = errno;
    if (error == ENOENT || error == ECONNREFUSED || error == ENOTDIR) return Unreachable{std::strerror(error)};
    throw std::runtime_error("cannot connect to " + socket_path + ": " + std::strerror(error));
  }
  check_server_identity(fd.get(), socket_path);
  auto deadline = Clock::now() + deadline_after;
  std::string out = proto::control::format_request(request);
  for (std::size_t sent = 0; sent < out.size();) {
    wait_for(fd.get(), POLLOUT, deadline);
    auto n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      throw std::runtime_error("lost the connection to parleyd: " + std::string(std::strerror(errno)));
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  std::string in;
  char buffer[4096];
  for (;;) {
    auto parsed = proto::control::parse_response(in);
    if (auto* response = std::get_if<proto::control::Response>(&parsed)) return std::move(*response);
    if (auto* problem = std::get_if<std::string>(&parsed)) throw std::runtime_error("parleyd answered: " + *problem);
    wait_for(fd.get(), POLLIN, deadline);
    auto n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n == 0) throw std::runtime_error("parleyd closed the connection without an answer");
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      throw std::runtime_error("lost the connection to parleyd: " + std::string(std::strerror(errno)));
    if (n > 0) in.append(buffer, static_cast<std::size_t>(n));
    if (in.size() > (std::size_t{64} << 20)) throw std::runtime_error("parleyd's answer is too long");
  }
}

}  // namespace parley::ctl
