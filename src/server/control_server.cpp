#include "server/control_server.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <future>
#include <stdexcept>

#include "core/text.hpp"

namespace parley::server {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;
using proto::control::ErrorKind;
using proto::control::Response;

struct ControlServer::Shared {
  Shared(asio::io_context& io_context, ControlHandler h, ControlLimits l)
      : io(io_context), acceptor(io_context), handler(std::move(h)), limits(l) {}
  asio::io_context& io;
  local::acceptor acceptor;
  ControlHandler handler;
  ControlLimits limits;
  asio::thread_pool commands{1};
  std::size_t connections = 0;  // on the io_context's thread only
  dev_t dev = 0;                // the socket file we made, to remove only that one
  ino_t ino = 0;
};

namespace {

// Is something listening on the socket file at `path`?
bool socket_is_live(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  bool live = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 || errno != ECONNREFUSED;
  ::close(fd);
  return live;
}

void remove_stale(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (!S_ISSOCK(st.st_mode))
    throw std::runtime_error("control socket " + path +
                             ": the file exists and is not a socket; remove it or set "
                             "control-socket to another path");
  if (socket_is_live(path))
    throw std::runtime_error("control socket " + path +
                             " is in use by another process; set control-socket to "
                             "another path, or to none");
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw std::runtime_error("control socket " + path + ": cannot remove the stale socket: " + std::strerror(errno));
  spdlog::info("control socket {}: removed a stale socket file", path);
}

std::string peer_text(const ControlCaller& c) { return fmt::format("uid={} pid={}", c.uid, c.pid); }

asio::awaitable<void> write_and_close(local::socket& socket, asio::steady_timer& timer, std::chrono::seconds deadline,
                                      const Response& response) {
  timer.expires_after(deadline);
  timer.async_wait([&socket](boost::system::error_code ec) {
    if (!ec) socket.close();
  });
  auto text = proto::control::format_response(response);
  co_await asio::async_write(socket, asio::buffer(text), asio::as_tuple(asio::use_awaitable));
  timer.cancel();
  boost::system::error_code ignored;
  socket.shutdown(local::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// Its parameters are copies in its own frame. Not `shared` itself: its last
// owner must never be the commands thread.
asio::awaitable<Response> run_command(const ControlHandler* handler, proto::control::Request request,
                                      ControlCaller caller) {
  try {
    co_return (*handler)(request, caller);
  } catch (const std::exception& e) {
    spdlog::error("control: {} failed: {}", request.command, e.what());
    co_return Response::failure(ErrorKind::failed, e.what());
  }
}

asio::awaitable<void> serve(std::shared_ptr<ControlServer::Shared> shared, local::socket socket) {
  // Counted for as long as this coroutine runs.
  struct Count {
    std::size_t& n;
    explicit Count(std::size_t& c) : n(c) { ++n; }
    ~Count() { --n; }
  } count(shared->connections);
  asio::steady_timer timer(shared->io);

  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    spdlog::warn("control: cannot read the peer's credentials: {}", std::strerror(errno));
    co_return;
  }
  ControlCaller caller{cred.uid, cred.pid};
  if (cred.uid != 0 && cred.uid != ::geteuid()) {
    spdlog::warn("control: refused {} (only uid {} and root may use the control socket)", peer_text(caller),
                 ::geteuid());
    co_await write_and_close(socket, timer, shared->limits.deadline,
                             Response::failure(ErrorKind::denied, "permission denied"));
    co_return;
  }
  if (shared->connections > shared->limits.max_connections) {
    spdlog::warn("control: refused {}: {} control connections at once", peer_text(caller),
                 shared->limits.max_connections);
    co_await write_and_close(socket, timer, shared->limits.deadline,
                             Response::failure(ErrorKind::busy, "too many control connections; try again"));
    co_return;
  }

  timer.expires_after(shared->limits.deadline);
  timer.async_wait([&socket](boost::system::error_code ec) {
    if (!ec) socket.close();
  });
  std::string line;
  auto [ec, n] =
      co_await asio::async_read_until(socket, asio::dynamic_buffer(line, proto::control::kMaxRequestLine + 1), '\n',
                                      asio::as_tuple(asio::use_awaitable));
  timer.cancel();
  if (ec) {
    if (ec == asio::error::not_found) {
      spdlog::warn("control: request too long from {}", peer_text(caller));
      co_await write_and_close(socket, timer, shared->limits.deadline,
                               Response::failure(ErrorKind::request, "request too long"));
    } else if (!socket.is_open()) {
      spdlog::warn("control: no request within {}s from {}", shared->limits.deadline.count(), peer_text(caller));
    }
    co_return;
  }
  line.resize(n - 1);
  auto parsed = proto::control::parse_request(line);
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    spdlog::warn("control: bad request from {}: {}", peer_text(caller), *problem);
    co_await write_and_close(socket, timer, shared->limits.deadline, Response::failure(ErrorKind::request, *problem));
    co_return;
  }
  // The command may take a while (hashing, the store): it runs on its own
  // thread, and this connection waits without a deadline.
  auto request = std::get<proto::control::Request>(std::move(parsed));
  auto response = co_await asio::co_spawn(shared->commands, run_command(&shared->handler, std::move(request), caller),
                                          asio::use_awaitable);
  co_await write_and_close(socket, timer, shared->limits.deadline, response);
}

asio::awaitable<void> accept_loop(std::shared_ptr<ControlServer::Shared> shared) {
  for (;;) {
    auto [ec, socket] = co_await shared->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (!shared->acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors, say: wait a little rather than spin.
      spdlog::warn("control: accept failed: {}", ec.message());
      asio::steady_timer pause(shared->io, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    asio::co_spawn(shared->io, serve(shared, std::move(socket)), asio::detached);
  }
}

}  // namespace

ControlServer::ControlServer(std::string path, asio::io_context& io, ControlHandler handler, ControlLimits limits)
    : path_(std::move(path)), shared_(std::make_shared<Shared>(io, std::move(handler), limits)) {
  if (path_.size() >= sizeof(sockaddr_un{}.sun_path))
    throw std::runtime_error("control socket " + path_ + ": the path is longer than " +
                             std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes");
  remove_stale(path_);
  auto& acceptor = shared_->acceptor;
  try {
    acceptor.open();
    // Owner-only from its creation: no moment with a looser mode.
    mode_t old = ::umask(0177);
    boost::system::error_code ec;
    acceptor.bind(local::endpoint(path_), ec);
    ::umask(old);
    if (ec) throw boost::system::system_error(ec);
    acceptor.listen();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot create control socket " + path_ + ": " + e.code().message());
  }
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    shared_->dev = st.st_dev;
    shared_->ino = st.st_ino;
  }
}

ControlServer::~ControlServer() { stop(); }

void ControlServer::start() {
  started_ = true;
  asio::co_spawn(shared_->io, accept_loop(shared_), asio::detached);
}

void ControlServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  auto shared = shared_;
  if (started_ && !shared->io.stopped()) {
    auto closed = std::make_shared<std::promise<void>>();
    asio::post(shared->io, [shared, closed] {
      boost::system::error_code ignored;
      shared->acceptor.close(ignored);
      closed->set_value();
    });
    // The io_context may stop meanwhile: then nobody accepts anyway.
    closed->get_future().wait_for(std::chrono::seconds(2));
  } else {
    boost::system::error_code ignored;
    shared->acceptor.close(ignored);
  }
  shared->commands.join();
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_dev == shared->dev && st.st_ino == shared->ino) ::unlink(path_.c_str());
}

}  // namespace parley::server
