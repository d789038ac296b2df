// parleyd as a whole: store, chat rules, worker threads, listeners, and the
// orderly shutdown between them.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <vector>

#include "core/chat_service.hpp"
#include "core/clock.hpp"
#include "net/io_pool.hpp"
#include "net/session_registry.hpp"
#include "net/sharded_fanout.hpp"
#include "proto/classic/session.hpp"
#include "server/config.hpp"
#include "store/store.hpp"

namespace parley::server {

class Server {
 public:
  // Opens the store and imports the users file; throws on failure.
  explicit Server(ServerConfig config);
  ~Server();

  // Listens; throws when no address can be bound.
  void start();
  // Blocks until SIGINT or SIGTERM, then shuts down in order. Returns the exit code.
  int run_until_signal();
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

 private:
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor);
  void open_acceptors();
  void shutdown();

  ServerConfig config_;
  core::SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  net::IoPool pool_;
  net::ShardedFanout fanout_;
  std::unique_ptr<core::ChatService> chat_;
  boost::asio::thread_pool hash_pool_;
  net::SessionRegistry registry_;
  std::unique_ptr<proto::classic::SessionContext> context_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::unique_ptr<boost::asio::signal_set> signals_;
};

}  // namespace parley::server
