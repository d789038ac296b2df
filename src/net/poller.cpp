#include "net/poller.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace parley::net {

namespace {
constexpr int kEventsPerPass = 256;
}

Poller::Poller(boost::asio::io_context& context) : descriptor_(context) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  // The descriptor now owns the epoll set and closes it.
  descriptor_.assign(epoll_fd_);
}

Poller::~Poller() = default;

void Poller::start() { arm(); }

void Poller::add(int fd, PollTarget& target) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = &target;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
}

// Re-registering also re-checks readiness: a socket that drained between
// the write that filled it and this call is reported at once.
void Poller::watch_writes(int fd, PollTarget& target, bool on) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (on ? EPOLLOUT : 0u);
  ev.data.ptr = &target;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void Poller::remove(int fd) {
  epoll_event ev{};
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &ev);
}

void Poller::arm() {
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;  // the worker is stopping
    dispatch();
    arm();  // the reactor re-checks the set: events left over fire again
  });
}

void Poller::dispatch() {
  std::array<epoll_event, kEventsPerPass> events;
  int n = ::epoll_wait(epoll_fd_, events.data(), kEventsPerPass, 0);
  pass_time_ = std::chrono::steady_clock::now();
  // A target stays alive through its own on_poll(), and a close never frees
  // a connection synchronously, so every pointer in this batch stays valid.
  for (int i = 0; i < n; ++i)
    static_cast<PollTarget*>(events[static_cast<std::size_t>(i)].data.ptr)
        ->on_poll(events[static_cast<std::size_t>(i)].events);
}

}  // namespace parley::net
