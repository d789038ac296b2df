#include "connection.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace parley_load {

std::string user_name(std::uint32_t index) { return "u" + std::to_string(index + 1); }

std::uint32_t spread_source(std::uint32_t index, std::uint32_t per_source) {
  return htonl((127u << 24) | ((1u + index / per_source) & 0xffffffu));
}

int start_connect(const sockaddr_in& target, std::uint32_t source) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  auto fail = [fd] {
    int err = errno;
    close(fd);
    return -err;
  };
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) return fail();
  if (source != 0) {
    if (setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one) != 0) return fail();
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = source;
    if (bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) return fail();
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0 && errno != EINPROGRESS)
    return fail();
  return fd;
}

}  // namespace parley_load
