// parleyd as a whole: store, chat rules, worker threads, listeners, and the
// orderly shutdown between them.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/chat_service.hpp"
#include "core/clock.hpp"
#include "net/io_pool.hpp"
#include "net/sharded_fanout.hpp"
#include "net/tls_context.hpp"
#include "proto/control/commands.hpp"
#include "server/config.hpp"
#include "server/control_server.hpp"
#include "server/listener.hpp"
#include "server/metrics_endpoint.hpp"
#include "session/admission.hpp"
#include "session/login_queue.hpp"
#include "session/session.hpp"
#include "store/database_lock.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace parley::server {

class Server {
 public:
  // Locks and opens the store and imports the users file; throws on failure
  // (another server on the same database among them).
  explicit Server(ServerConfig config);
  ~Server();

  // Listens; throws when no address can be bound.
  void start();
  // Blocks until SIGINT or SIGTERM, then shuts down in order. Returns the
  // exit code. SIGHUP re-reads the TLS certificate and key; SIGUSR1 and
  // SIGUSR2 are logged and ignored.
  int run_until_signal();
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

 private:
  void open_listeners();
  ProtocolEntry protocol(const std::string& name);
  void add_listener(const ListenerConfig& config, const boost::asio::ip::tcp::endpoint& endpoint, bool dual_stack);
  void wait_for_notice();
  void reload_tls();
  // parleyctl reload: the users file, then the TLS certificate; a row per
  // part. Throws std::runtime_error when a part fails (the rest is kept).
  std::vector<proto::control::Row> reload_from_control();
  std::vector<proto::control::Row> status_rows();
  void open_control_socket();
  void shutdown();
  void open_metrics();
  // The /metrics and /healthz answers.
  MetricsEndpoint::Sources metrics_sources();
  std::string not_serving() const;

  ServerConfig config_;
  std::unique_ptr<net::TlsServerContext> tls_;  // with a TLS listener only
  core::SystemClock clock_;
  std::unique_ptr<store::DatabaseLock> db_lock_;  // held while anything may touch the database
  std::unique_ptr<store::Store> store_;
  store::SqliteStore* sqlite_ = nullptr;  // store_, for its counters
  // Sessions may be freed as late as the pool's destruction, and they hold
  // admission passes and the context: those go after the pool.
  std::unique_ptr<session::Admission> admission_;
  std::unique_ptr<session::Context> context_;
  net::IoPool pool_;
  net::ShardedFanout fanout_;
  std::unique_ptr<core::ChatService> chat_;
  session::LoginQueue logins_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unique_ptr<MetricsEndpoint> metrics_;  // with --metrics only
  std::unique_ptr<boost::asio::signal_set> signals_;
  std::unique_ptr<boost::asio::signal_set> notices_;  // signals that must not end the server
  std::string service_status_;  // for the service manager: where the server listens
  std::atomic<bool> accepting_{false};                // listeners open
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point started_steady_ = std::chrono::steady_clock::now();
  std::unique_ptr<proto::control::Commands> commands_;
  std::unique_ptr<ControlServer> control_;  // goes first: its commands use everything above
};

}  // namespace parley::server
