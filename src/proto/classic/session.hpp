// The classic line protocol over one connection: login, offline delivery,
// then commands. An adapter only: the rules live in core::ChatService.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/chat_service.hpp"
#include "core/token_bucket.hpp"
#include "net/connection.hpp"
#include "net/session_registry.hpp"
#include "proto/classic/commands.hpp"

namespace parley::proto::classic {

namespace asio = boost::asio;

struct SessionSettings {
  std::string welcome = "Welcome to simple chat server!";
  std::chrono::seconds login_timeout{60};
  std::chrono::seconds idle_timeout{1800};
  std::size_t mailbox_page = 256;
  std::size_t max_line = 8192;
  double flood_rate = 10;  // command lines per second once the burst is spent; 0: no limit
  double flood_burst = 50;
};

// What every session shares; owned by the server and outliving all sessions.
struct SessionContext {
  core::ChatService& chat;
  asio::thread_pool& hash_pool;
  net::SessionRegistry& registry;
  SessionSettings settings;
};

class Session final : public core::Participant, public net::Stoppable, public std::enable_shared_from_this<Session> {
 public:
  // `shard` is the index of the worker thread the connection runs on.
  Session(std::shared_ptr<net::Connection> connection, SessionContext& context, std::size_t shard);

  // Registers the session and runs it; call on the connection's executor.
  void start();
  void deliver(core::EnvelopePtr envelope) override;
  std::size_t shard() const override { return shard_; }
  void deliver_here(core::EnvelopePtr envelope) override;
  void shutdown() override;

 private:
  enum class End { disconnect, logout, timeout, shutdown, slow };

  asio::awaitable<void> run();
  asio::awaitable<bool> login();
  asio::awaitable<void> deliver_mailbox();
  asio::awaitable<void> command_loop();
  asio::awaitable<void> watchdog();
  asio::awaitable<net::ReadResult> read_line();
  asio::awaitable<void> pace();

  asio::awaitable<void> on_who_last(const WhoLast& c);
  asio::awaitable<void> on_private(const PrivateMessage& c);
  asio::awaitable<void> on_broadcast_all(const BroadcastAll& c);
  asio::awaitable<void> on_broadcast_users(const BroadcastUsers& c);
  asio::awaitable<void> on_intro(const PersonalIntro& c);
  // Runs `start(callback)` and waits for the callback; false on a store error.
  // Lambdas passed here capture by reference only (see login()).
  template <class Start>
  asio::awaitable<bool> await_stored(Start start);

  std::string loggable_name(const std::string& name) const;
  void send(std::string_view text);
  void send_message(const core::EnvelopePtr& envelope);
  void touch(std::chrono::seconds timeout);
  void end(End why);

  std::shared_ptr<net::Connection> connection_;
  SessionContext& context_;
  asio::any_io_executor executor_;
  std::size_t shard_;
  asio::steady_timer deadline_;
  std::string user_;  // empty until logged in
  bool logged_in_ = false;
  bool holding_live_ = true;  // live messages wait until offline ones are out
  std::vector<core::EnvelopePtr> held_;
  End end_ = End::disconnect;
  bool finished_ = false;
  core::TokenBucket flood_;
  bool flood_logged_ = false;
};

}  // namespace parley::proto::classic
