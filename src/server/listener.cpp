#include "server/listener.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <variant>

#include "metrics/registry.hpp"
#include "net/tcp_transport.hpp"

namespace parley::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr int kAcceptsPerPass = 64;
}

Listener::Listener(net::IoPool& pool, session::Admission& admission, const tcp::endpoint& endpoint, bool dual_stack,
                   ProtocolEntry protocol)
    : pool_(pool),
      admission_(admission),
      acceptor_(pool.at(0)),
      backoff_(pool.at(0)),
      protocol_(std::move(protocol)),
      transport_([](int fd, net::Worker& worker) { return std::make_unique<net::TcpTransport>(fd, worker.poller()); }) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  if (endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(!dual_stack));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::set_transport(TransportFactory factory, bool tls) {
  transport_ = std::move(factory);
  tls_ = tls;
}

void Listener::start() {
  acceptor_.non_blocking(true);
  wait();
}

void Listener::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  backoff_.cancel();
}

void Listener::wait() {
  acceptor_.async_wait(tcp::acceptor::wait_read, [this](boost::system::error_code ec) {
    if (ec || !acceptor_.is_open()) return;  // closed at shutdown
    accept_ready();
  });
}

// Takes every waiting connection (a bounded number per pass) and hands each
// to the next worker, as a transport with the listener's protocol on top.
void Listener::accept_ready() {
  if (!acceptor_.is_open()) return;
  for (int i = 0; i < kAcceptsPerPass; ++i) {
    int fd = ::accept4(acceptor_.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return wait();
      // Out of descriptors or memory: back off instead of spinning.
      spdlog::warn("accept failed: {}", std::strerror(errno));
      backoff_.expires_after(std::chrono::milliseconds(100));
      backoff_.async_wait([this](boost::system::error_code ec) {
        if (!ec) wait();
      });
      return;
    }
    metrics::add(metrics::Figure::connections_accepted);
    auto address = net::peer_address_of(fd);
    auto admitted = admission_.admit(address, std::chrono::steady_clock::now());
    if (auto* refused = std::get_if<session::Admission::Refused>(&admitted)) {
      refuse(fd, address, *refused);
      continue;
    }
    auto& worker = pool_.worker(pool_.next_index());
    asio::post(worker.context(),
               [this, &worker, fd, pass = std::get<session::Admission::Pass>(std::move(admitted))]() mutable {
                 try {
                   protocol_.make(transport_(fd, worker), worker, std::move(pass))->start();
                 } catch (const std::exception& e) {
                   spdlog::error("could not start a session: {}", e.what());
                 }
               });
  }
  asio::post(acceptor_.get_executor(), [this] { accept_ready(); });
}

// The socket is new, so one short line fits its send buffer: no waiting.
void Listener::refuse(int fd, const std::string& address, const session::Admission::Refused& refused) {
  metrics::add(session::figure(refused.why));
  if (protocol_.refusal) {
    auto line = protocol_.refusal(refused.why, refused.left);
    [[maybe_unused]] auto sent = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  ::close(fd);
  auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log_ < std::chrono::seconds(1)) {
    ++refusals_unlogged_;
    return;
  }
  if (refusals_unlogged_ > 0)
    spdlog::warn("connection refused from={} reason={} ({} more refused since the previous line)", address,
                 session::describe(refused.why), refusals_unlogged_);
  else
    spdlog::warn("connection refused from={} reason={}", address, session::describe(refused.why));
  last_refusal_log_ = now;
  refusals_unlogged_ = 0;
}

}  // namespace parley::server
