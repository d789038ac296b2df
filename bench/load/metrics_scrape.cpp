#include "metrics_scrape.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "clock.hpp"

namespace parley_load {

std::optional<sockaddr_in> parse_address(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string host(text.substr(0, colon));
  auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return std::nullopt;
  return addr;
}

Scrape scrape_metrics(const sockaddr_in& where, double timeout_s) {
  Scrape out;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    out.error = std::string("socket: ") + std::strerror(errno);
    return out;
  }
  // Blocking, with time limits on every call; the whole exchange is bounded by the deadline below.
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_s);
  tv.tv_usec = static_cast<suseconds_t>((timeout_s - std::floor(timeout_s)) * 1e6);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  Ns deadline = now_ns() + seconds_ns(timeout_s);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&where), sizeof where) != 0) {
    out.error = std::string("cannot connect: ") + std::strerror(errno);
  } else {
    // HTTP/1.0: the answer is not chunked and ends when the server closes.
    std::string request = "GET /metrics HTTP/1.0\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      out.error = std::string("cannot send the request: ") + std::strerror(errno);
    } else {
      char buffer[65536];
      for (;;) {
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
          answer.append(buffer, static_cast<std::size_t>(n));
          if (answer.size() > (64u << 20)) {
            out.error = "the answer is larger than 64 MiB";
            break;
          }
        } else if (n == 0) {
          break;
        } else if (errno != EINTR) {
          out.error = errno == EAGAIN || errno == EWOULDBLOCK ? "no complete answer in time"
                                                              : std::string("read: ") + std::strerror(errno);
          break;
        }
        if (now_ns() > deadline) {
          out.error = "no complete answer in time";
          break;
        }
      }
    }
  }
  ::close(fd);
  if (!out.ok()) return out;
  auto header_end = answer.find("\r\n\r\n");
  auto first_line = std::string_view(answer).substr(0, answer.find("\r\n"));
  if (header_end == std::string::npos || !first_line.starts_with("HTTP/") ||
      first_line.find(" 200") == std::string_view::npos) {
    out.error = "unexpected answer: " + std::string(first_line.substr(0, 100));
    return out;
  }
  out.body = answer.substr(header_end + 4);
  return out;
}

std::optional<double> metric_sum(std::string_view page, std::string_view name, std::string_view labels) {
  std::optional<double> sum;
  while (!page.empty()) {
    auto newline = page.find('\n');
    auto line = page.substr(0, newline);
    page = newline == std::string_view::npos ? std::string_view() : page.substr(newline + 1);
    if (line.empty() || line.front() == '#' || !line.starts_with(name) || line.size() == name.size()) continue;
    auto rest = line.substr(name.size());
    std::string_view label_set;
    if (rest.front() == '{') {
      auto close = rest.find('}');
      if (close == std::string_view::npos) continue;
      label_set = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    }
    if (rest.empty() || rest.front() != ' ') continue;  // a longer name with the same beginning
    if (!labels.empty() && label_set.find(labels) == std::string_view::npos) continue;
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::string value(rest.substr(0, rest.find(' ')));  // a timestamp may follow
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0' || !std::isfinite(v)) continue;
    sum = sum.value_or(0) + v;
  }
  return sum;
}

}  // namespace parley_load
