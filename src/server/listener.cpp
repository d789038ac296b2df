#include "server/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/tcp_transport.hpp"

namespace parley::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Listener::Listener(net::IoPool& pool, const tcp::endpoint& endpoint, bool dual_stack, std::string protocol,
                   SessionFactory factory)
    : pool_(pool), acceptor_(pool.at(0)), protocol_(std::move(protocol)), factory_(std::move(factory)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  if (endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(!dual_stack));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached); }

void Listener::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

asio::awaitable<void> Listener::accept_loop() {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  for (;;) {
    std::size_t index = pool_.next_index();
    net::TcpTransport::Socket socket(pool_.at(index));
    auto [ec] = co_await acceptor_.async_accept(socket, use_tuple);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors or memory: back off instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    auto& worker = pool_.worker(index);
    asio::post(worker.context(), [this, &worker, socket = std::move(socket)]() mutable {
      try {
        factory_(std::make_unique<net::TcpTransport>(std::move(socket)), worker)->start();
      } catch (const std::exception& e) {
        spdlog::error("could not start a session: {}", e.what());
      }
    });
  }
}

}  // namespace parley::server
