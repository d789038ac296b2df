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
#include <thread>

#include "core/user_file.hpp"
#include "net/connection.hpp"
#include "proto/classic/classic_session.hpp"
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

// Every password in the users file can be typed at the prompt.
static_assert(core::kMaxPasswordBytes == net::ConnectionLimits{}.max_line);

void import_users(core::ChatService& chat, store::Store& store, const ServerConfig& config) {
  std::ifstream in(config.users_file, std::ios::binary);
  if (!in) {
    if (config.users_file_given) throw std::runtime_error("cannot read users file " + config.users_file);
    spdlog::warn("no users file {}; using the accounts already stored", config.users_file);
    return;
  }
  // Read a piece at a time: memory holds the entries, never the file.
  auto file = core::read_user_file(in, config.users_file, config.users_file_max);
  // Checking every line costs one Argon2id verification each. A file that is
  // the same as at the last import (same cost setting too) is recognised by
  // one Argon2id verification of the file's digest, kept like a password so
  // that it is as slow to guess from as the passwords themselves.
  std::string fingerprint = std::to_string(static_cast<int>(config.hash_cost)) + "\n" + file.digest;
  auto previous = store.get_setting("users_file_fingerprint");
  if (previous && core::verify_password(*previous, fingerprint)) {
    spdlog::info("{} unchanged since the last import", config.users_file);
    return;
  }
  auto stats = chat.import_users(file.entries, std::max(1u, std::thread::hardware_concurrency()));
  store.put_setting("users_file_fingerprint", core::hash_password(fingerprint, config.hash_cost));
  spdlog::info("imported {}: {} created, {} updated, {} unchanged", config.users_file, stats.created, stats.updated,
               stats.unchanged);
}

}  // namespace

Server::Server(ServerConfig config)
    : config_(std::move(config)), pool_(config_.threads), fanout_(pool_), hash_pool_(config_.hash_threads) {
  spdlog::info("parleyd {} starting: db={} threads={} hash-threads={} (hashing memory up to {} MiB)", PARLEY_VERSION,
               config_.db_path, pool_.size(), hash_pool_.threads(),
               hash_pool_.threads() * core::hash_memory(config_.hash_cost) >> 20);
  store_ = std::make_unique<store::SqliteStore>(config_.db_path);
  chat_ = std::make_unique<core::ChatService>(*store_, clock_, chat_settings(config_), &fanout_);
  chat_->load();
  import_users(*chat_, *store_, config_);
  session::Settings settings;
  settings.welcome = config_.welcome;
  settings.login_timeout = config_.login_timeout;
  settings.idle_timeout = config_.timeout;
  settings.flood_rate = config_.flood_rate;
  settings.flood_burst = config_.flood_burst;
  net::ConnectionLimits limits;
  limits.max_queue_bytes = config_.max_queue;
  context_ = std::make_unique<session::Context>(session::Context{*chat_, hash_pool_, settings, limits});
}

Server::~Server() {
  pool_.stop();
  hash_pool_.join();
}

SessionFactory Server::factory(const std::string& protocol) {
  if (protocol == "classic")
    return [this](std::unique_ptr<net::Transport> transport, net::Worker& worker) -> std::shared_ptr<session::Session> {
      return std::make_shared<proto::classic::ClassicSession>(std::move(transport), *context_, worker);
    };
  throw std::runtime_error("unknown protocol: " + protocol);
}

void Server::open_listeners() {
  for (const auto& l : config_.listeners) {
    if (!l.address.empty()) {
      boost::system::error_code ec;
      auto addr = asio::ip::make_address(l.address, ec);
      if (ec) throw std::runtime_error("--bind: not an IP address: " + l.address);
      listeners_.push_back(
          std::make_unique<Listener>(pool_, tcp::endpoint(addr, l.port), false, l.protocol, factory(l.protocol)));
      continue;
    }
    // Every address: one dual-stack socket, or IPv4 alone where IPv6 is off.
    try {
      listeners_.push_back(
          std::make_unique<Listener>(pool_, tcp::endpoint(tcp::v6(), l.port), true, l.protocol, factory(l.protocol)));
    } catch (const boost::system::system_error& e) {
      if (e.code() != asio::error::address_family_not_supported &&
          e.code() != boost::system::errc::address_not_available)
        throw std::runtime_error("cannot listen on port " + std::to_string(l.port) + ": " + e.code().message());
      spdlog::warn("IPv6 unavailable ({}); listening on IPv4 only", e.code().message());
      listeners_.push_back(
          std::make_unique<Listener>(pool_, tcp::endpoint(tcp::v4(), l.port), false, l.protocol, factory(l.protocol)));
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
  open_listeners();
  pool_.start();
  for (auto& l : listeners_) {
    spdlog::info("{} protocol listening on {}", l->protocol(), describe(l->local_endpoint()));
    l->start();
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
    for (auto& l : listeners_) l->close();
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
