#include "server/server.hpp"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "core/text.hpp"
#include "core/user_file.hpp"
#include "metrics/registry.hpp"
#include "net/connection.hpp"
#include "net/tcp_transport.hpp"
#include "net/tls_transport.hpp"
#include "net/websocket_transport.hpp"
#include "proto/classic/classic_session.hpp"
#include "proto/classic/format.hpp"
#include "proto/irc/irc_session.hpp"
#include "proto/web/web_session.hpp"
#include "server/metrics_page.hpp"
#include "server/process_figures.hpp"
#include "server/service_notify.hpp"
#include "server/startup_checks.hpp"
#include "server/web_page.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

core::LockoutPolicy lockout_policy(const ServerConfig& c) {
  core::LockoutPolicy p;
  p.max_failures = c.login_times;
  p.block_time = c.block_time;
  return p;
}

core::ChatSettings chat_settings(const ServerConfig& c) {
  core::ChatSettings s;
  s.lockout = lockout_policy(c);
  s.last_hour = c.last_hour;
  s.hash_cost = c.hash_cost;
  s.history_retention = c.history_retention;
  s.max_rooms = c.max_rooms;
  s.max_rooms_per_user = c.max_rooms_per_user;
  return s;
}

session::Settings session_settings(const ServerConfig& c) {
  session::Settings s;
  s.welcome = c.welcome;
  s.login_timeout = c.login_timeout;
  s.idle_timeout = c.timeout;
  s.flood_rate = c.flood_rate;
  s.flood_burst = c.flood_burst;
  return s;
}

std::shared_ptr<const net::WebSocketSettings> web_settings(const ServerConfig& c) {
  auto s = std::make_shared<net::WebSocketSettings>();
  s->allowed_origins = c.web_origins;
  s->request_timeout = c.tls_handshake_timeout;
  s->responder = serve_web_page;
  s->response_headers = web_security_headers();
  return s;
}

proto::irc::IrcSettings irc_settings(const ServerConfig& c) {
  proto::irc::IrcSettings s;
  s.server_name = c.server_name;
  if (s.server_name.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0')
      s.server_name = host;
    else
      s.server_name = "parley";
  }
  s.motd = c.motd;
  s.guests = c.guests;
  s.ping_interval = c.irc_ping;
  return s;
}

net::ConnectionLimits connection_limits(const ServerConfig& c) {
  net::ConnectionLimits limits;
  limits.max_queue_bytes = c.max_queue;
  return limits;
}

std::string describe(const tcp::endpoint& ep) {
  auto addr = ep.address();
  return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(ep.port());
}

// Every password in the users file can be typed at the prompt.
static_assert(core::kMaxPasswordBytes == net::ConnectionLimits{}.max_line);

// One line naming the accounts an import changed; a long list is cut.
void log_names(const std::string& what, const std::vector<std::string>& names) {
  constexpr std::size_t kShown = 50;
  if (names.empty()) return;
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) shown.push_back(core::log_safe(names[i]));
  spdlog::info("{} {}{}", what, fmt::join(shown, ", "),
               names.size() > kShown ? fmt::format(" and {} more", names.size() - kShown) : "");
}

// The users file's meaning changed when file accounts missing from it began
// to be disabled: a fingerprint from before must not skip the first import.
constexpr std::string_view kImportRules = "users-file-v2";

// Applies the users file read before (nullopt: there is none); returns a
// one-line summary of what it did, for the log.
std::string import_users(core::ChatService& chat, store::Store& store, const ServerConfig& config,
                         const std::optional<core::UserFile>& file) {
  if (!file) return "no users file " + config.users_file + "; using the accounts already stored";
  // Checking every line costs one Argon2id verification each. A file that is
  // the same as at the last import (same cost setting too) is recognised by
  // one Argon2id verification of the file's digest, kept like a password so
  // that it is as slow to guess from as the passwords themselves. Changes
  // made with parleyctl since leave the file's meaning as it was: its lines
  // for parleyctl's accounts are ignored either way.
  std::string fingerprint = fmt::format("{}\n{}\n{}", kImportRules, static_cast<int>(config.hash_cost), file->digest);
  auto previous = store.get_setting("users_file_fingerprint");
  if (previous && core::verify_password(*previous, fingerprint))
    return config.users_file + " unchanged since the last import";
  auto stats = chat.import_users(file->entries, std::max(1u, std::thread::hardware_concurrency()));
  store.put_setting("users_file_fingerprint", core::hash_password(fingerprint, config.hash_cost));
  for (const auto& e : stats.ignored)
    spdlog::warn("{}:{}: {} is managed by parleyctl; the line is ignored", config.users_file, e.line, e.name);
  log_names(config.users_file + ": created", stats.created_names);
  log_names(config.users_file + ": new password", stats.updated_names);
  log_names(config.users_file + ": enabled again", stats.enabled_names);
  log_names(config.users_file + ": disabled (no longer in the file)", stats.disabled_names);
  if (stats.ended > 0) spdlog::info("{} connections of changed or disabled accounts ended", stats.ended);
  return fmt::format(
      "imported {}: {} created, {} updated, {} unchanged, {} enabled again, {} disabled (no longer in the file), {} "
      "ignored (managed by parleyctl)",
      config.users_file, stats.created, stats.updated, stats.unchanged, stats.enabled, stats.disabled,
      stats.ignored.size());
}

session::LoginQueue::Limits login_limits(const ServerConfig& c) {
  return {c.hash_threads, c.login_checks_per_address, c.login_queue};
}

// Descriptors kept back from connections: the database and its files, the
// logs, each worker's poller, and room to refuse a connection politely.
constexpr std::size_t kReservedDescriptors = 128;

// Raises the soft descriptor limit to the hard one, and keeps the connection
// limit below it so that accept() never runs out.
std::size_t connection_limit(std::size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted ? wanted : 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  auto available = static_cast<std::size_t>(limit.rlim_cur);
  std::size_t most = available > 2 * kReservedDescriptors ? available - kReservedDescriptors : available / 2;
  if (wanted == 0) return most;
  if (wanted > most)
    spdlog::warn("max-connections {} is above what {} descriptors allow; using {}", wanted, available, most);
  return std::min(wanted, most);
}

session::AddressLimits address_limits(const ServerConfig& c) {
  session::AddressLimits l;
  l.max_connections = connection_limit(c.max_connections);
  l.connections_per_address = c.max_connections_per_address;
  l.logins_per_address = c.max_logins_per_address;
  l.failures_per_address = c.max_failures_per_address;
  l.failure_window = c.failure_window;
  return l;
}

// Loaded before anything else, so a bad certificate stops the start at once.
std::unique_ptr<net::TlsServerContext> tls_context(const ServerConfig& c) {
  if (!any_tls(c)) {
    if (!c.tls_cert.empty() || !c.tls_key.empty())
      spdlog::warn("tls-cert and tls-key are not used: no TLS listener (--tls-port or a [[listener]] with tls)");
    return nullptr;
  }
  if (c.tls_cert.empty() || c.tls_key.empty())
    throw std::runtime_error("a TLS listener needs both --tls-cert and --tls-key");
  auto context = std::make_unique<net::TlsServerContext>(c.tls_cert, c.tls_key);
  spdlog::info("TLS certificate {} key {}", c.tls_cert, c.tls_key);
  return context;
}

}  // namespace

Server::Server(ServerConfig config)
    : config_(std::move(config)), pool_(config_.threads), fanout_(pool_), logins_(login_limits(config_)) {
  spdlog::info("parleyd {} starting: db={} threads={} hash-threads={} (hashing memory up to {} MiB)", PARLEY_VERSION,
               config_.db_path, pool_.size(), logins_.threads(),
               logins_.threads() * core::hash_memory(config_.hash_cost) >> 20);
  admission_ = std::make_unique<session::Admission>(address_limits(config_), *net::NetworkList::parse(config_.exempt));
  const auto& admit = admission_->limits();
  spdlog::info(
      "limits: connections={} per-address={} logging-in-per-address={} failed-logins-per-address={} per {}s "
      "login-checks-per-address={} login-queue={} exempt={}",
      admit.max_connections, admit.connections_per_address, admit.logins_per_address, admit.failures_per_address,
      admit.failure_window.count(), logins_.limits().per_share, logins_.limits().max_waiting,
      config_.exempt.empty() ? "none" : fmt::format("{}", fmt::join(config_.exempt, ",")));
  tls_handshake_seconds_ = config_.tls_handshake_timeout.count();
  // Every file and address is checked before the slow work: opening the
  // database and hashing the users file.
  tls_ = tls_context(config_);
  auto users = read_users_file(config_);
  check_database_directory(config_.db_path);
  check_control_socket_path(config_.control_socket);
  open_listeners();
  open_metrics();
  db_lock_ = std::make_unique<store::DatabaseLock>(config_.db_path);
  // After the lock: a socket file there is then a dead server's, or another
  // program's.
  bind_control_socket();
  auto sqlite = std::make_unique<store::SqliteStore>(config_.db_path);
  for (const auto& note : sqlite->open_notes()) spdlog::warn("{}", note);
  sqlite_ = sqlite.get();
  store_ = std::move(sqlite);
  chat_ = std::make_unique<core::ChatService>(*store_, clock_, chat_settings(config_), &fanout_);
  chat_->load();
  bool no_users_file = !users;
  auto imported = import_users(*chat_, *store_, config_, users);
  users.reset();
  spdlog::log(no_users_file ? spdlog::level::warn : spdlog::level::info, "{}", imported);
  if (chat_->account_count() == 0)
    spdlog::warn(
        "no accounts yet: add one with 'parleyctl user add NAME', or list them in a users file (--users FILE, "
        "one '<username> <password>' a line) and reload with SIGHUP");
  context_ = std::make_unique<session::Context>(*chat_, logins_, *admission_, session_settings(config_),
                                                connection_limits(config_));
  irc_context_ = std::make_unique<proto::irc::IrcContext>(irc_settings(config_), PARLEY_VERSION);
  web_ = web_settings(config_);
  proto::control::CommandHooks hooks;
  hooks.log = [](const std::string& line) { spdlog::info("control: {}", line); };
  hooks.reload = [this] { return reload_from_control(); };
  hooks.status = [this] { return status_rows(); };
  commands_ = std::make_unique<proto::control::Commands>(*chat_, std::move(hooks));
}

Server::~Server() {
  // Without shutdown() (a start that failed half way): what may still wait
  // on the worker threads stops before they do.
  if (control_) control_->stop();
  reloader_.stop();
  reloader_.join();
  pool_.stop();
  logins_.stop();
}

ProtocolEntry Server::protocol(const std::string& name) {
  if (name == "classic")
    return {name,
            [this](std::unique_ptr<net::Transport> transport, net::Worker& worker,
                   session::Admission::Pass pass) -> std::shared_ptr<session::Session> {
              return std::make_shared<proto::classic::ClassicSession>(std::move(transport), *context_, worker,
                                                                      std::move(pass));
            },
            proto::classic::refusal};
  if (name == "irc")
    return {name,
            [this](std::unique_ptr<net::Transport> transport, net::Worker& worker,
                   session::Admission::Pass pass) -> std::shared_ptr<session::Session> {
              return std::make_shared<proto::irc::IrcSession>(std::move(transport), *context_, *irc_context_, worker,
                                                              std::move(pass));
            },
            proto::irc::refusal};
  if (name == "web")
    return {name,
            [this](std::unique_ptr<net::Transport> transport, net::Worker& worker,
                   session::Admission::Pass pass) -> std::shared_ptr<session::Session> {
              return std::make_shared<proto::web::WebSession>(std::move(transport), *context_, worker, std::move(pass));
            },
            nullptr};  // before the upgrade there is no WebSocket to carry a refusal: it just closes
  throw std::runtime_error("unknown protocol: " + name);
}

void Server::add_listener(const ListenerConfig& config, const tcp::endpoint& endpoint, bool dual_stack) {
  auto entry = protocol(config.protocol);
  if (config.tls) entry.refusal = nullptr;  // no TLS session yet to carry a line: refused connections just close
  auto listener = std::make_unique<Listener>(pool_, *admission_, endpoint, dual_stack, std::move(entry));
  bool web = config.protocol == "web";
  if (config.tls || web)
    listener->set_transport(
        [this, tls = config.tls, web](int fd, net::Worker& worker) -> std::unique_ptr<net::Transport> {
          std::unique_ptr<net::Transport> transport = std::make_unique<net::TcpTransport>(fd, worker.poller());
          if (tls)
            transport = std::make_unique<net::TlsTransport>(
                std::move(transport), tls_->current().get(), worker.context(),
                std::chrono::seconds(tls_handshake_seconds_.load(std::memory_order_relaxed)));
          if (web) transport = std::make_unique<net::WebSocketTransport>(std::move(transport), web_, worker.context());
          return transport;
        },
        config.tls);
  listeners_.push_back(std::move(listener));
}

namespace {
// One plain line: a system_error's what() would show where in Boost it came from.
std::runtime_error listen_error(const tcp::endpoint& endpoint, const boost::system::system_error& e) {
  return std::runtime_error("cannot listen on " + describe(endpoint) + ": " + e.code().message());
}
}  // namespace

void Server::open_listeners() {
  for (const auto& l : config_.listeners) {
    tcp::endpoint endpoint(tcp::v6(), l.port);  // every address: one dual-stack socket
    if (!l.address.empty()) {
      boost::system::error_code ec;
      auto addr = asio::ip::make_address(l.address, ec);
      if (ec) throw std::runtime_error("not an IP address to listen on: " + l.address);
      endpoint = tcp::endpoint(addr, l.port);
    }
    try {
      add_listener(l, endpoint, l.address.empty());
      continue;
    } catch (const boost::system::system_error& e) {
      // Only a missing IPv6 falls back to IPv4 alone; anything else (an
      // address in use, say) is the answer.
      bool no_ipv6 = e.code() == asio::error::address_family_not_supported ||
                     e.code() == boost::system::errc::address_not_available;
      if (!l.address.empty() || !no_ipv6) throw listen_error(endpoint, e);
      spdlog::warn("IPv6 unavailable ({}); listening on IPv4 only", e.code().message());
    }
    endpoint = tcp::endpoint(tcp::v4(), l.port);
    try {
      add_listener(l, endpoint, false);
    } catch (const boost::system::system_error& e) {
      throw listen_error(endpoint, e);
    }
  }
}

std::vector<tcp::endpoint> Server::endpoints() const {
  std::vector<tcp::endpoint> out;
  for (auto& l : listeners_) out.push_back(l->local_endpoint());
  return out;
}

void Server::start() {
  // Taken before the first listen line, so a signal that follows it is never lost.
  signals_ = std::make_unique<asio::signal_set>(pool_.at(0), SIGINT, SIGTERM);
  notices_ = std::make_unique<asio::signal_set>(pool_.at(0), SIGHUP, SIGUSR1, SIGUSR2);
  wait_for_notice();
  open_control_socket();
  std::vector<std::string> addresses;
  for (auto& l : listeners_) addresses.push_back(describe(l->local_endpoint()));
  // A reload (SIGHUP, parleyctl) waits until the service manager has heard
  // that the server is ready.
  std::lock_guard no_reload_yet(reload_mutex_);
  service_status_ = fmt::format("listening on {}", fmt::join(addresses, ", "));
  pool_.start();
  running_ = true;
  for (auto& l : listeners_) {
    spdlog::info("{} protocol{} listening on {}", l->protocol(), l->tls() ? " (TLS)" : "",
                 describe(l->local_endpoint()));
    l->start();
  }
  accepting_ = true;
  if (metrics_) {
    spdlog::info("metrics served on {} (/metrics, /healthz)", describe(metrics_->local_endpoint()));
    metrics_->start();
  }
  sweeper_ = std::make_unique<HistorySweeper>(pool_.at(0), *chat_);
  asio::post(pool_.at(0), [this] { sweeper_->start(); });
  notify_ready(service_status_);
}

void Server::open_metrics() {
  if (!config_.metrics_enabled) return;
  tcp::endpoint endpoint(asio::ip::make_address(config_.metrics_address), config_.metrics_port);
  try {
    metrics_ = std::make_unique<MetricsEndpoint>(pool_.at(0), endpoint, metrics_sources());
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot serve metrics on " + describe(endpoint) + ": " + e.code().message());
  }
}

MetricsEndpoint::Sources Server::metrics_sources() {
  MetricsEndpoint::Sources s;
  s.probe_store = [this](std::function<void(std::optional<std::int64_t>)> done) {
    store_->probe([done = std::move(done)](store::Result<store::Probe> r) {
      done(r.ok() ? std::optional<std::int64_t>(r.value().stored_messages) : std::nullopt);
    });
  };
  s.page = [this](std::optional<std::int64_t> stored) {
    ScrapeFigures scrape;
    scrape.version = PARLEY_VERSION;
    scrape.login_queue_waiting = static_cast<std::int64_t>(logins_.waiting());
    scrape.stored_messages = stored;
    scrape.process = read_process_figures();
    return metrics_page(metrics::process_registry().snapshot(), scrape);
  };
  s.not_serving = [this] { return not_serving(); };
  return s;
}

std::string Server::not_serving() const {
  if (!accepting_) return "not accepting connections";
  if (admission_->connections() >= admission_->limits().max_connections) return "server full";
  return {};
}

// Bound at construction, served from start(): requests that come before
// wait in the socket's backlog.
void Server::bind_control_socket() {
  if (config_.control_socket.empty()) return;
  control_ = std::make_unique<ControlServer>(
      config_.control_socket, pool_.at(0), [this](const proto::control::Request& request, const ControlCaller& caller) {
        return commands_->handle(request, fmt::format("uid={} pid={}", caller.uid, caller.pid));
      });
}

void Server::open_control_socket() {
  if (!control_) {
    spdlog::info("no control socket (control-socket is none): parleyctl can reach this server only when it stops");
    return;
  }
  control_->start();
  spdlog::info("control socket {}", config_.control_socket);
}

std::vector<proto::control::Row> Server::reload_from_control() {
  auto report = reload("parleyctl");
  if (!report.ok()) throw std::runtime_error(report.lines().back());
  std::vector<proto::control::Row> rows;
  for (const auto& line : report.settings) rows.push_back({"changed", line});
  for (const auto& line : report.restart) rows.push_back({"needs-restart", line});
  for (const auto& line : report.files) rows.push_back({"files", line});
  rows.push_back({"done", report.lines().back()});
  return rows;
}

std::vector<proto::control::Row> Server::status_rows() {
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_steady_);
  return {
      {"version", PARLEY_VERSION},
      {"pid", std::to_string(::getpid())},
      {"started", proto::control::iso_time(started_)},
      {"uptime-seconds", std::to_string(uptime.count())},
      {"connections", std::to_string(pool_.connections())},
      {"logged-in-connections", std::to_string(chat_->connection_count())},
      {"users-online", std::to_string(chat_->online_count())},
      {"accounts", std::to_string(chat_->account_count())},
      {"store-commits", std::to_string(sqlite_ ? sqlite_->commits() : 0)},
  };
}

void Server::wait_for_notice() {
  notices_->async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;  // shutting down
    if (sig == SIGHUP)
      asio::post(reloader_, [this] { reload("SIGHUP"); });  // off the worker: a reload may hash passwords
    else
      spdlog::info("{}: ignored", sig == SIGUSR1 ? "SIGUSR1" : "SIGUSR2");
    wait_for_notice();
  });
}

ReloadReport Server::reload(std::string_view origin) {
  std::lock_guard lock(reload_mutex_);
  bool tell_manager = !stopping_;  // nothing after STOPPING=1
  if (tell_manager) notify_reloading();
  auto report = reload_locked();
  if (tell_manager) notify_ready(service_status_);
  auto lines = report.lines();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto level = spdlog::level::info;
    if (!report.ok()) level = spdlog::level::err;
    if (i >= report.settings.size() && i < report.settings.size() + report.restart.size()) level = spdlog::level::warn;
    spdlog::log(level, "{}: {}", origin, lines[i]);
  }
  return report;
}

ReloadReport Server::reload_locked() {
  ReloadReport report;
  if (stopping_) {
    report.error = "the server is shutting down";
    return report;
  }
  try {
    ServerConfig wanted = config_;
    if (!config_.config_file.empty()) {
      auto reread = reread_config(config_.command_line);
      if (auto* error = std::get_if<std::string>(&reread)) throw std::runtime_error(*error);
      wanted = std::move(std::get<ServerConfig>(reread));
    }
    auto plan = plan_reload(config_, wanted);
    const ServerConfig& next = plan.next;
    // Everything is read and checked before anything changes.
    auto users = read_users_file(next);
    std::shared_ptr<SSL_CTX> tls;
    if (tls_) {
      if (next.tls_cert.empty() || next.tls_key.empty())
        throw std::runtime_error("a TLS listener needs both tls-cert and tls-key");
      tls = net::make_server_tls_context(next.tls_cert, next.tls_key);
    }
    // The accounts first: the only step left that can fail (in the store).
    report.files.push_back(import_users(*chat_, *store_, next, users));
    users.reset();
    apply_settings(next);
    if (tls) {
      tls_->replace(std::move(tls), next.tls_cert, next.tls_key);
      report.files.push_back("reloaded TLS certificate " + next.tls_cert + " and key " + next.tls_key +
                             " for new connections");
    }
    report.settings = std::move(plan.live);
    report.restart = std::move(plan.restart);
  } catch (const std::exception& e) {
    report = ReloadReport{};
    report.error = e.what();
  }
  return report;
}

// Nothing here can fail: every value was checked when the settings were read.
void Server::apply_settings(const ServerConfig& next) {
  chat_->update_rules(lockout_policy(next), next.last_hour);
  chat_->update_room_rules(next.history_retention, next.max_rooms, next.max_rooms_per_user);
  admission_->update(address_limits(next), *net::NetworkList::parse(next.exempt));
  logins_.update(next.login_checks_per_address, next.login_queue);
  context_->settings.set(session_settings(next));
  context_->limits.set(connection_limits(next));
  irc_context_->settings.set(irc_settings(next));
  tls_handshake_seconds_ = next.tls_handshake_timeout.count();
  spdlog::default_logger()->set_level(next.log_level);
  take_live_settings(config_, next);
  // Open sessions take the new settings on their own threads.
  if (running_) pool_.for_each_connection([](net::Connection& c) { c.owner_handler().on_reconfigure(); });
}

int Server::run_until_signal() {
  std::promise<int> signalled;
  signals_->async_wait([&](boost::system::error_code ec, int sig) {
    if (!ec) signalled.set_value(sig);
  });
  int sig = signalled.get_future().get();
  spdlog::info("shutting down on signal {}", sig);
  shutdown();
  return 0;
}

void Server::shutdown() {
  // No reload from here on; one under way finishes first.
  stopping_ = true;
  reloader_.stop();
  reloader_.join();
  { std::lock_guard wait_for_reload(reload_mutex_); }
  notify_stopping();
  // Stop accepting, tell every session, let them leave, then flush the store.
  if (control_) control_->stop();
  std::promise<void> closed;
  asio::post(pool_.at(0), [&] {
    for (auto& l : listeners_) l->close();
    accepting_ = false;
    if (metrics_) metrics_->close();  // no store probe starts after this
    boost::system::error_code ignored;
    notices_->cancel(ignored);
    if (sweeper_) sweeper_->stop();
    closed.set_value();
  });
  closed.get_future().wait();
  pool_.for_each_connection([](net::Connection& c) { c.owner_handler().on_shutdown(); });
  if (!pool_.wait_no_connections(std::chrono::seconds(5)))
    spdlog::warn("{} connections did not end in time", pool_.connections());
  chat_->mark_all_seen();
  store_->flush();
  pool_.stop();
  spdlog::info("shutdown complete");
}

}  // namespace parley::server
