// parleyd tells a service manager (systemd, Type=notify) through the socket
// named by NOTIFY_SOCKET: ready once it listens, reloading around SIGHUP,
// stopping at shutdown.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "harness.hpp"
#include "server_support.hpp"

namespace parley::test {
namespace {

// A datagram socket standing in for systemd's notification socket, named
// in NOTIFY_SOCKET while it exists (parleyd inherits the environment).
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("cannot bind " + path.string());
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~NotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    close(fd_);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // The next notification, or "" when none comes in time.
  std::string next() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(kWait.count())) != 1) return "";
    char buffer[4096];
    auto n = recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
  }

 private:
  int fd_ = -1;
};

bool has_line(const std::string& message, const std::string& prefix) {
  std::size_t start = 0;
  while (start <= message.size()) {
    auto end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    if (message.compare(start, prefix.size(), prefix) == 0) return true;
    start = end + 1;
  }
  return false;
}

TEST(ServerNotify, ReadyReloadingAndStoppingReachTheServiceManager) {
  TempDir dir;
  dir.write("user_pass.txt", demo_users());
  NotifySocket notify(dir / "notify");
  ServerProcess server(dir.path());

  auto ready = notify.next();
  EXPECT_TRUE(has_line(ready, "READY=1")) << ready;
  EXPECT_TRUE(has_line(ready, "STATUS=listening on ")) << ready;
  EXPECT_NE(ready.find(":" + std::to_string(server.port())), std::string::npos) << ready;

  // Still serving, and the reload is framed by RELOADING=1 and READY=1.
  LineClient alice(server.port());
  alice.login("alice", "secret");
  kill(server.pid(), SIGHUP);
  auto reloading = notify.next();
  EXPECT_TRUE(has_line(reloading, "RELOADING=1")) << reloading;
  EXPECT_TRUE(has_line(reloading, "MONOTONIC_USEC=")) << reloading;
  auto reloaded = notify.next();
  EXPECT_TRUE(has_line(reloaded, "READY=1")) << reloaded;
  EXPECT_NE(alice.command("whoelse").find("currently online"), std::string::npos);

  int status = server.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << server.log();
  auto stopping = notify.next();
  EXPECT_TRUE(has_line(stopping, "STOPPING=1")) << stopping;
}

}  // namespace
}  // namespace parley::test
