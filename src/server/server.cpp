#include "server/server.hpp"

#include <spdlog/spdlog.h>

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
#include <sstream>
#include <thread>

#include "core/user_file.hpp"
#include "net/connection.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

core::ChatSettings chat_settings(const ServerConfig& c) {
  core::ChatSettings s;
  s.lockout.max_failures = c.login_times;
  s.lockout.block_time = c.block_time;
  s.last_hour = c.last_hour;
  s.hash_cost = c.hash_cost;
  return s;
}

std::string describe(const tcp::endpoint& ep) {
  auto addr = ep.address();
  return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(ep.port());
}

void import_users(core::ChatService& chat, store::Store& store, const ServerConfig& config) {
  std::ifstream in(config.users_file, std::ios::binary);
  if (!in) {
    if (config.users_file_given) throw std::runtime_error("cannot read users file " + config.users_file);
    spdlog::warn("no users file {}; using the accounts already stored", config.users_file);
    return;
  }
  std::stringstream content;
  content << in.rdbuf();
  auto entries = core::parse_user_file(content.str(), config.users_file);
  // Checking every line costs one Argon2id verification each. A file that is
  // the same as at the last import (same cost setting too) is recognised by
  // one Argon2id verification of the whole file, kept like a password.
  std::string fingerprint = std::to_string(static_cast<int>(config.hash_cost)) + "\n" + content.str();
  auto previous = store.get_setting("users_file_fingerprint");
  if (previous && core::verify_password(*previous, fingerprint)) {
    spdlog::info("{} unchanged since the last import", config.users_file);
    return;
  }
  auto stats = chat.import_users(entries, std::max(1u, std::thread::hardware_concurrency()));
  store.put_setting("users_file_fingerprint", core::hash_password(fingerprint, config.hash_cost));
  spdlog::info("imported {}: {} created, {} updated, {} unchanged", config.users_file, stats.created, stats.updated,
               stats.unchanged);
}

}  // namespace

Server::Server(ServerConfig config)
    : config_(std::move(config)),
      pool_(config_.threads),
      fanout_(pool_),
      hash_pool_(std::max<std::size_t>(1, config_.threads / 2)) {
  spdlog::info("parleyd {} starting: db={} threads={}", PARLEY_VERSION, config_.db_path, config_.threads);
  store_ = std::make_unique<store::SqliteStore>(config_.db_path);
  chat_ = std::make_unique<core::ChatService>(*store_, clock_, chat_settings(config_), &fanout_);
  chat_->load();
  import_users(*chat_, *store_, config_);
  proto::classic::SessionSettings session;
  session.welcome = config_.welcome;
  session.login_timeout = config_.login_timeout;
  session.idle_timeout = config_.timeout;
  session.flood_rate = config_.flood_rate;
  session.flood_burst = config_.flood_burst;
  context_ = std::make_unique<proto::classic::SessionContext>(
      proto::classic::SessionContext{*chat_, hash_pool_, registry_, session});
}

Server::~Server() {
  pool_.stop();
  hash_pool_.join();
}

void Server::open_acceptors() {
  auto& ctx = pool_.at(0);
  auto open = [&](const tcp::endpoint& ep, bool dual_stack) {
    auto acceptor = std::make_unique<tcp::acceptor>(ctx);
    acceptor->open(ep.protocol());
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    if (dual_stack) acceptor->set_option(asio::ip::v6_only(false));
    acceptor->bind(ep);
    acceptor->listen(asio::socket_base::max_listen_connections);
    acceptors_.push_back(std::move(acceptor));
  };
  if (!config_.bind.empty()) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(config_.bind, ec);
    if (ec) throw std::runtime_error("--bind: not an IP address: " + config_.bind);
    open(tcp::endpoint(addr, config_.port), false);
    return;
  }
  try {
    open(tcp::endpoint(tcp::v6(), config_.port), true);
  } catch (const boost::system::system_error& e) {
    spdlog::warn("IPv6 unavailable ({}); listening on IPv4 only", e.code().message());
    acceptors_.clear();
    open(tcp::endpoint(tcp::v4(), config_.port), false);
  }
}

std::vector<tcp::endpoint> Server::endpoints() const {
  std::vector<tcp::endpoint> out;
  for (auto& a : acceptors_) out.push_back(a->local_endpoint());
  return out;
}

void Server::start() {
  // Taken before the first listen line, so a signal that follows it is never lost.
  signals_ = std::make_unique<asio::signal_set>(pool_.at(0), SIGINT, SIGTERM);
  open_acceptors();
  pool_.start();
  for (auto& acceptor : acceptors_) {
    spdlog::info("listening on {}", describe(acceptor->local_endpoint()));
    asio::co_spawn(acceptor->get_executor(), accept_loop(*acceptor), asio::detached);
  }
}

asio::awaitable<void> Server::accept_loop(tcp::acceptor& acceptor) {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  net::ConnectionLimits limits;
  limits.max_queue_bytes = config_.max_queue;
  for (;;) {
    std::size_t shard = pool_.next_index();
    auto& ctx = pool_.at(shard);
    auto [ec, socket] = co_await acceptor.async_accept(ctx, use_tuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors or memory: back off instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    auto connection = std::make_shared<net::Connection>(std::move(socket), limits);
    auto session = std::make_shared<proto::classic::Session>(connection, *context_, shard);
    asio::post(ctx, [session] { session->start(); });
  }
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
  // Stop accepting, tell every session, let them leave, then flush the store.
  std::promise<void> closed;
  asio::post(pool_.at(0), [&] {
    for (auto& a : acceptors_) {
      boost::system::error_code ec;
      a->close(ec);
    }
    closed.set_value();
  });
  closed.get_future().wait();
  registry_.shutdown_all();
  if (!registry_.wait_empty(std::chrono::seconds(5))) spdlog::warn("{} sessions did not end in time", registry_.size());
  chat_->mark_all_seen();
  store_->flush();
  pool_.stop();
  spdlog::info("shutdown complete");
}

}  // namespace parley::server
