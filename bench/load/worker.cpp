#include "worker.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "protocol.hpp"
#include "scenario.hpp"

namespace parley_load {

namespace {

constexpr std::uint64_t kWakeKey = ~std::uint64_t{0};
constexpr std::size_t kReadBuffer = 256 * 1024;
// A web "ready" lists everyone online, about 60 bytes a user, in one frame.
constexpr std::size_t kMaxPartialLine = 64 << 20;
constexpr int kMaxWaitMs = 10;

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

Worker::Worker(unsigned id, Run& run) : id_(id), run_(run), buffer_(kReadBuffer) {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_ < 0 || wake_ < 0) throw std::runtime_error("epoll/eventfd: " + errno_text(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeKey;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  auto per_worker = (run_.opt.concurrency + run_.threads - 1) / run_.threads;
  outstanding_limit_ = std::max<std::uint32_t>(1, per_worker);
}

Worker::~Worker() {
  join();
  for (auto& c : conns_)
    if (c.fd >= 0) ::close(c.fd);
  ::close(wake_);
  ::close(epoll_);
}

void Worker::own(std::uint32_t index) {
  Connection c;
  c.index = index;
  conns_.push_back(std::move(c));
}

void Worker::start() {
  thread_ = std::thread([this] { loop(); });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::post(std::function<void(Worker&)> task) {
  {
    std::lock_guard lock(inbox_mutex_);
    inbox_.push_back(std::move(task));
  }
  has_mail_.store(true, std::memory_order_release);
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_, &one, sizeof one);
}

void Worker::drain_inbox() {
  if (!has_mail_.exchange(false, std::memory_order_acquire)) return;
  std::vector<std::function<void(Worker&)>> tasks;
  {
    std::lock_guard lock(inbox_mutex_);
    tasks.swap(inbox_);
  }
  for (auto& t : tasks) t(*this);
}

void Worker::loop() {
  std::vector<epoll_event> events(1024);
  while (!run_.stop.load(std::memory_order_relaxed)) {
    now_ = now_ns();
    drain_inbox();
    start_connects();
    if (!waiting_.empty() && run_.channel_ready.load(std::memory_order_acquire)) {
      for (auto local : waiting_) {
        auto& c = conns_[local];
        if (c.state != State::wait_channel) continue;
        c.state = State::joining;
        run_.protocol.join_channel(*this, c);
      }
      waiting_.clear();
    }
    Ns wake_at = run_.scenario.on_tick(*this);
    flush_dirty();
    int timeout = kMaxWaitMs;
    if (wake_at > 0) {
      Ns until = wake_at - now_ns();
      timeout = until <= 0 ? 0 : static_cast<int>(std::min<Ns>(kMaxWaitMs, (until + 999'999) / 1'000'000));
    }
    int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      run_.fail("epoll_wait: " + errno_text(errno));
      break;
    }
    for (int i = 0; i < n; ++i) {
      now_ = now_ns();
      handle(events[static_cast<std::size_t>(i)].data.u64, events[static_cast<std::size_t>(i)].events);
    }
    flush_dirty();
  }
  for (auto& c : conns_) close(c);
}

void Worker::handle(std::uint64_t key, std::uint32_t events) {
  if (key == kWakeKey) {
    std::uint64_t count;
    [[maybe_unused]] auto n = ::read(wake_, &count, sizeof count);
    return;
  }
  auto& c = conns_[static_cast<std::size_t>(key)];
  if (c.state == State::closed || c.fd < 0) return;
  if (c.state == State::connecting) return finish_connect(c);
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(c);
  if (c.fd >= 0 && c.state != State::closed && (events & EPOLLOUT)) flush(c);
}

void Worker::queue_connect(std::uint32_t index) { to_connect_.push_back(index); }

void Worker::start_connects() {
  while (!to_connect_.empty() && outstanding_ < outstanding_limit_ && !run_.failed.load(std::memory_order_relaxed)) {
    auto index = to_connect_.front();
    to_connect_.pop_front();
    auto local = run_.local_index(index);
    auto& c = conns_[local];
    int fd = start_connect(run_.target, run_.spread_sources ? spread_source(index, run_.opt.per_source) : 0);
    if (fd < 0) {
      bump(counters.failed);
      if (-fd == EMFILE || -fd == ENFILE)
        run_.fail("out of file descriptors at connection " + std::to_string(index + 1) + " (" + errno_text(-fd) +
                  "); raise the limit with ulimit -n");
      else
        run_.fail("cannot connect " + user_name(index) + ": " + errno_text(-fd));
      c.state = State::closed;
      continue;
    }
    c.fd = fd;
    c.state = State::connecting;
    c.started = now_;
    c.outstanding = true;
    ++outstanding_;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = local;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
    c.write_armed = true;
  }
}

void Worker::finish_connect(Connection& c) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) {
    bump(counters.failed);
    run_.fail("cannot connect to the server (" + user_name(c.index) + "): " + errno_text(err));
    close(c);
    return;
  }
  bump(counters.connected);
  c.state = State::login;
  arm_write(c, false);
  run_.protocol.connected(*this, c);
}

void Worker::arm_write(Connection& c, bool on) {
  if (c.write_armed == on || c.fd < 0) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
  ev.data.u64 = run_.local_index(c.index);
  epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  c.write_armed = on;
}

void Worker::on_readable(Connection& c) {
  for (int round = 0; round < 8; ++round) {
    ssize_t n = ::recv(c.fd, buffer_.data(), buffer_.size(), 0);
    if (n > 0) {
      now_ = now_ns();
      ingest(c, buffer_.data(), static_cast<std::size_t>(n));
      if (c.state == State::closed || static_cast<std::size_t>(n) < buffer_.size()) return;
      continue;
    }
    if (n == 0) return lost(c, "connection closed by the server");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    return lost(c, errno_text(errno));
  }
}

void Worker::ingest(Connection& c, const char* data, std::size_t size) {
  if (c.in.empty()) {
    auto used = run_.protocol.consume(*this, c, std::string_view(data, size));
    if (c.state != State::closed && used < size) c.in.assign(data + used, size - used);
  } else {
    c.in.append(data, size);
    auto used = run_.protocol.consume(*this, c, c.in);
    if (c.state != State::closed) c.in.erase(0, used);
  }
  if (c.state == State::closed) {
    c.in.clear();
    return;
  }
  if (c.in.size() > kMaxPartialLine) lost(c, "a line or message from the server longer than 64 MiB");
}

std::string& Worker::output(Connection& c) {
  if (!c.dirty && c.state != State::closed) {
    c.dirty = true;
    dirty_.push_back(run_.local_index(c.index));
  }
  return c.out;
}

void Worker::flush_dirty() {
  // flush() may add nothing to dirty_, but be safe against growth while iterating.
  for (std::size_t i = 0; i < dirty_.size(); ++i) {
    auto& c = conns_[dirty_[i]];
    c.dirty = false;
    if (c.fd >= 0 && c.state != State::closed && c.state != State::connecting) flush(c);
  }
  dirty_.clear();
}

void Worker::flush(Connection& c) {
  while (c.out_sent < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out_sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (c.out_sent > 65536) {
        c.out.erase(0, c.out_sent);
        c.out_sent = 0;
      }
      return arm_write(c, true);
    }
    return lost(c, n < 0 ? errno_text(errno) : "write failed");
  }
  c.out.clear();
  c.out_sent = 0;
  arm_write(c, false);
}

void Worker::lost(Connection& c, const std::string& why) {
  if (c.state == State::closed) return;
  if (c.state == State::leaving) return member_left(c);
  if (c.state == State::ready) {
    bump(counters.disconnects);
    run_.sample_error(user_name(c.index) + " disconnected: " + why);
    close(c);
    return;
  }
  setup_failed(c, why + " while logging in");
}

void Worker::close(Connection& c) {
  if (c.fd >= 0) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
  }
  if (c.outstanding) {
    c.outstanding = false;
    --outstanding_;
  }
  c.state = State::closed;
  c.out.clear();
  c.out_sent = 0;
}

void Worker::hold(Connection& c) {
  c.state = State::held;
  if (c.outstanding) {
    c.outstanding = false;
    --outstanding_;
  }
  held_.push_back(run_.local_index(c.index));
  bump(counters.held);
}

void Worker::release_held() {
  for (auto local : held_) {
    auto& c = conns_[local];
    if (c.state != State::held) continue;
    c.state = State::login;
    c.started = now_ns();
    run_.protocol.release(*this, c);
  }
  held_.clear();
  flush_dirty();
}

void Worker::logged_in(Connection& c) {
  login_latency.record(now_ - c.started);
  if (!run_.needs_channel.load(std::memory_order_acquire)) return become_ready(c);
  if (c.index == 0) {
    c.state = State::joining;
    return run_.protocol.join_channel(*this, c);
  }
  c.state = State::wait_channel;
  waiting_.push_back(run_.local_index(c.index));
}

void Worker::joined(Connection& c) {
  if (c.index == 0 && run_.opt.irc_auditorium && run_.opt.protocol == ProtocolKind::irc)
    return run_.protocol.set_auditorium(*this, c);
  if (c.index == 0) run_.channel_ready.store(true, std::memory_order_release);
  if (run_.leave_after_join) {
    c.state = State::leaving;
    return run_.protocol.log_out(*this, c);
  }
  become_ready(c);
}

void Worker::channel_mode_set(Connection& c) {
  if (c.index != 0) return;
  run_.channel_ready.store(true, std::memory_order_release);
  become_ready(c);
}

void Worker::become_ready(Connection& c) {
  c.state = State::ready;
  if (c.outstanding) {
    c.outstanding = false;
    --outstanding_;
  }
  bump(counters.ready);
  set_max(counters.last_ready, now_);
  run_.scenario.on_ready(*this, c);
}

// The server closed a member's connection after its logout: the connection
// is fresh again for the login that follows.
void Worker::member_left(Connection& c) {
  close(c);
  c.state = State::pending;
  c.step = 0;
  c.in.clear();
  c.fragmented = false;
  c.close_sent = false;
  c.message.clear();
  bump(counters.members);
}

void Worker::setup_failed(Connection& c, std::string_view why) {
  bump(counters.failed);
  run_.fail(user_name(c.index) + ": " + std::string(why));
  close(c);
}

void Worker::delivery(Connection& c, std::string_view text, bool offline) {
  bump(counters.delivered);
  auto payload = parse_payload(text);
  if (!payload) return bump(counters.foreign);
  run_.scenario.on_delivery(*this, c, *payload, offline);
}

void Worker::stored_ack(Connection& c) {
  bump(counters.acks);
  set_max(counters.last_ack, now_);
  run_.scenario.on_offline_ack(*this, c);
}

void Worker::error_line(Connection&, std::string_view line) {
  bump(counters.errors);
  run_.sample_error(line);
}

void Worker::protocol_error(Connection& c, const std::string& why) {
  bump(counters.errors);
  run_.sample_error(user_name(c.index) + ": " + why);
  lost(c, why);
}

}  // namespace parley_load
