// Helpers shared by the server end-to-end tests.
//
// Raw sockets for what LineClient cannot do: choose the source address,
// shrink the receive buffer before connecting, and read without failing the
// test when the peer goes away (needed while a server is killed).
#include "server_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace parley::test::support {

// Connects to 127.0.0.1:port (or ::1 when `source` is an IPv6 address) from
// `source`; `rcvbuf` > 0 shrinks SO_RCVBUF before the connect. Returns the fd
// or -1.
int connect_from(const std::string& source, unsigned short port, int rcvbuf) {
  bool v6 = source.find(':') != std::string::npos;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int rc;
  if (v6) {
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    inet_pton(AF_INET6, source.c_str(), &local.sin6_addr);
    sockaddr_in6 peer{};
    peer.sin6_family = AF_INET6;
    peer.sin6_port = htons(port);
    inet_pton(AF_INET6, "::1", &peer.sin6_addr);
    rc = bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
    if (rc == 0) rc = connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer);
  } else {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &peer.sin_addr);
    rc = bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
    if (rc == 0) rc = connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer);
  }
  if (rc != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads from `fd` into `buffer` until it contains `text`; on success moves
// everything up to and including `text` to `out`. Returns false (without
// failing the test) on EOF, error or deadline; `buffer` keeps what came.
bool read_until(int fd, std::string& buffer, const std::string& text, std::string& out,
                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto pos = buffer.find(text);
    if (pos != std::string::npos) {
      out = buffer.substr(0, pos + text.size());
      buffer.erase(0, pos + text.size());
      return true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer.append(buf, static_cast<std::size_t>(n));
  }
}

// Reads until EOF or the deadline; returns true on EOF. Appends to `buffer`.
bool read_to_eof(int fd, std::string& buffer, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == ECONNRESET) return true;
    if (n <= 0) return true;
    buffer.append(buf, static_cast<std::size_t>(n));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool ipv6_loopback_available() {
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Splits "[YYYY-MM-DD HH:MM] rest" into the stamp and the rest.
// (No std::regex: g++ 12 warns inside it under sanitizers.)
bool split_stamp(const std::string& line, std::string& stamp, std::string& rest) {
  static const std::string shape = "[dddd-dd-dd dd:dd] ";
  if (line.size() < shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    char want = shape[i], got = line[i];
    if (want == 'd' ? !(got >= '0' && got <= '9') : got != want) return false;
  }
  stamp = line.substr(1, 16);
  rest = line.substr(shape.size());
  return true;
}

// Parses "<sender>: <tag>-<name>-<number> <private message>".
bool parse_numbered(const std::string& line, const std::string& tag, std::string& sender, std::string& name,
                    int& number) {
  static const std::string suffix = " <private message>";
  auto colon = line.find(": ");
  if (colon == std::string::npos || line.size() < suffix.size() ||
      line.compare(line.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  sender = line.substr(0, colon);
  std::string body = line.substr(colon + 2, line.size() - suffix.size() - colon - 2);
  if (body.rfind(tag + "-", 0) != 0) return false;
  body.erase(0, tag.size() + 1);
  auto dash = body.rfind('-');
  if (dash == std::string::npos || dash + 1 == body.size()) return false;
  name = body.substr(0, dash);
  std::string digits = body.substr(dash + 1);
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  number = std::stoi(digits);
  return true;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

}  // namespace parley::test::support
