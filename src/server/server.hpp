// parleyd as a whole: store, chat rules, worker threads, listeners, and the
// orderly shutdown between them.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat_service.hpp"
#include "core/clock.hpp"
#include "net/io_pool.hpp"
#include "net/sharded_fanout.hpp"
#include "net/tls_context.hpp"
#include "net/websocket_transport.hpp"
#include "proto/control/commands.hpp"
#include "proto/irc/irc_settings.hpp"
#include "server/config.hpp"
#include "server/control_server.hpp"
#include "server/history_sweeper.hpp"
#include "server/listener.hpp"
#include "server/metrics_endpoint.hpp"
#include "server/reload_plan.hpp"
#include "session/admission.hpp"
#include "session/login_queue.hpp"
#include "session/session.hpp"
#include "store/database_lock.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace parley::server {

class Server {
 public:
  // Checks the files and binds the listening addresses first, then locks
  // and opens the store and imports the users file; throws on failure (an
  // address in use, another server on the same database among them).
  explicit Server(ServerConfig config);
  ~Server();

  // Starts the worker threads and accepting.
  void start();
  // Blocks until SIGINT or SIGTERM, then shuts down in order. Returns the
  // exit code. SIGHUP reloads (on a thread of its own); SIGUSR1 and SIGUSR2
  // are logged and ignored.
  int run_until_signal();
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

  // Reads the config file again (when started with --config, the command
  // line still winning), the users file and the TLS certificate and key,
  // and applies what can change at run time, to new and open connections;
  // nobody is dropped. All or nothing: a file that cannot be read or a bad
  // value changes nothing. Logs each line of the report as
  // "<origin>: <line>". Thread-safe, one reload at a time; it blocks (it may
  // hash passwords, and waits for every worker thread), so never call it on
  // a worker thread.
  ReloadReport reload(std::string_view origin);

 private:
  ReloadReport reload_locked();
  void apply_settings(const ServerConfig& next);
  void open_listeners();
  ProtocolEntry protocol(const std::string& name);
  void add_listener(const ListenerConfig& config, const boost::asio::ip::tcp::endpoint& endpoint, bool dual_stack);
  void wait_for_notice();
  // parleyctl reload: the users file, then the TLS certificate; a row per
  // part. Throws std::runtime_error when a part fails (the rest is kept).
  std::vector<proto::control::Row> reload_from_control();
  std::vector<proto::control::Row> status_rows();
  void bind_control_socket();
  void open_control_socket();
  void shutdown();
  void open_metrics();
  // The /metrics and /healthz answers.
  MetricsEndpoint::Sources metrics_sources();
  std::string not_serving() const;

  // Once started, the settings that change at run time are read and written
  // under reload_mutex_; the others never change.
  ServerConfig config_;
  std::mutex reload_mutex_;
  std::atomic<bool> running_{false};  // worker threads started
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> tls_handshake_seconds_{10};
  std::unique_ptr<net::TlsServerContext> tls_;  // with a TLS listener only
  core::SystemClock clock_;
  std::unique_ptr<store::DatabaseLock> db_lock_;  // held while anything may touch the database
  std::unique_ptr<store::Store> store_;
  store::SqliteStore* sqlite_ = nullptr;  // store_, for its counters
  // Sessions may be freed as late as the pool's destruction, and they hold
  // admission passes and the context: those go after the pool.
  std::unique_ptr<session::Admission> admission_;
  std::unique_ptr<session::Context> context_;
  std::unique_ptr<proto::irc::IrcContext> irc_context_;
  std::shared_ptr<const net::WebSocketSettings> web_;  // the web listeners' HTTP and WebSocket settings
  net::IoPool pool_;
  net::ShardedFanout fanout_;
  std::unique_ptr<core::ChatService> chat_;
  std::unique_ptr<HistorySweeper> sweeper_;  // on the first worker thread
  session::LoginQueue logins_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unique_ptr<MetricsEndpoint> metrics_;  // with --metrics only
  std::unique_ptr<boost::asio::signal_set> signals_;
  std::unique_ptr<boost::asio::signal_set> notices_;  // signals that must not end the server
  std::string service_status_;                        // for the service manager: where the server listens
  std::atomic<bool> accepting_{false};                // listeners open
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point started_steady_ = std::chrono::steady_clock::now();
  std::unique_ptr<proto::control::Commands> commands_;
  std::unique_ptr<ControlServer> control_;  // goes first: its commands use everything above
  // Runs reloads asked for by SIGHUP; last, so it stops before what it uses.
  boost::asio::thread_pool reloader_{1};
};

}  // namespace parley::server
