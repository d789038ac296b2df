#include "proto/classic/session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/text.hpp"
#include "net/await_callback.hpp"
#include "proto/classic/format.hpp"

namespace parley::proto::classic {

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxHeldMessages = 4096;

using core::log_safe;
using store::Done;
using store::Result;

std::shared_ptr<const std::string> encode(const core::EnvelopePtr& envelope) {
  return envelope->encoded(core::ProtocolSlot::classic, [](const core::ChatMessage& m) { return live_message(m); });
}

}  // namespace

Session::Session(std::shared_ptr<net::Connection> connection, SessionContext& context, std::size_t shard)
    : connection_(std::move(connection)),
      context_(context),
      executor_(connection_->executor()),
      shard_(shard),
      deadline_(executor_),
      flood_(context.settings.flood_rate, context.settings.flood_burst, asio::steady_timer::clock_type::now()) {}

void Session::start() {
  context_.registry.add(shared_from_this());
  connection_->start();
  asio::co_spawn(
      executor_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void Session::deliver(core::EnvelopePtr envelope) {
  asio::post(executor_, [self = shared_from_this(), envelope = std::move(envelope)]() mutable {
    self->deliver_here(std::move(envelope));
  });
}

void Session::deliver_here(core::EnvelopePtr envelope) {
  if (!connection_->is_open()) return;
  if (!holding_live_) return send_message(envelope);
  if (held_.size() >= kMaxHeldMessages) {
    spdlog::warn("slow client cut off user={} reason=too many messages during offline delivery", user_);
    return connection_->close();
  }
  held_.push_back(std::move(envelope));
}

void Session::shutdown() {
  asio::post(executor_, [self = shared_from_this()] {
    if (!self->connection_->is_open()) return;
    self->send(kShuttingDown);
    self->end_ = End::shutdown;
    self->connection_->close_after_flush(std::chrono::seconds(2));
  });
}

void Session::send(std::string_view text) { connection_->reply(text); }

void Session::send_message(const core::EnvelopePtr& envelope) { connection_->send(encode(envelope)); }

void Session::touch(std::chrono::seconds timeout) { deadline_.expires_after(timeout); }

asio::awaitable<net::ReadResult> Session::read_line() {
  auto result = co_await connection_->read_line();
  if (logged_in_ && result.status != net::ReadStatus::closed) touch(context_.settings.idle_timeout);
  co_return result;
}

// A client over its flood budget is slowed down, not refused: its next
// line is read only when the budget allows.
asio::awaitable<void> Session::pace() {
  auto wait = flood_.take(asio::steady_timer::clock_type::now());
  if (wait <= std::chrono::nanoseconds::zero()) co_return;
  if (!flood_logged_) spdlog::info("flood pacing user={} from={}", user_, connection_->peer());
  flood_logged_ = true;
  asio::steady_timer pause(executor_, wait);
  co_await pause.async_wait(use_tuple);
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  touch(context_.settings.login_timeout);
  asio::co_spawn(
      executor_, [self] { return self->watchdog(); }, asio::detached);
  bool joined = false;
  try {
    if (co_await login()) {
      touch(context_.settings.idle_timeout);
      joined = true;  // deliver_mailbox() joins before its first suspension
      co_await deliver_mailbox();
      if (connection_->is_open()) co_await command_loop();
    }
  } catch (const std::exception& e) {
    // One connection's failure (say, out of memory) must not end the server.
    spdlog::error("session failed from={}: {}", connection_->peer(), e.what());
    connection_->close();
  }
  if (joined) context_.chat.leave(user_, this);
  end(connection_->cut_off_slow() ? End::slow : end_);
  finished_ = true;
  deadline_.cancel();
  context_.registry.remove(this);
}

void Session::end(End why) {
  const auto& peer = connection_->peer();
  if (!logged_in_) {
    if (why == End::timeout) spdlog::info("login timeout from={}", peer);
    if (why == End::slow) spdlog::warn("slow client cut off from={} reason=outbound queue full", peer);
    return;
  }
  switch (why) {
    case End::logout:
      spdlog::info("logout user={} from={}", user_, peer);
      break;
    case End::timeout:
      spdlog::info("timeout user={} from={} idle={}s", user_, peer, context_.settings.idle_timeout.count());
      break;
    case End::shutdown:
      spdlog::info("disconnect user={} from={} reason=shutdown", user_, peer);
      break;
    case End::slow:
      spdlog::warn("slow client cut off user={} from={} reason=outbound queue full", user_, peer);
      break;
    case End::disconnect:
      spdlog::info("disconnect user={} from={}", user_, peer);
      break;
  }
}

asio::awaitable<void> Session::watchdog() {
  auto self = shared_from_this();
  for (;;) {
    co_await deadline_.async_wait(use_tuple);
    if (finished_ || !connection_->is_open() || end_ != End::disconnect) co_return;
    if (deadline_.expiry() > asio::steady_timer::clock_type::now()) continue;  // moved on by activity
    if (logged_in_) {
      send(idle_logout(context_.settings.idle_timeout));
    } else {
      send(kLoginTimedOut);
    }
    end_ = End::timeout;
    connection_->close_after_flush();
    co_return;
  }
}

// A name that is not an account may be a password typed at the wrong
// prompt: it never reaches the log.
std::string Session::loggable_name(const std::string& name) const {
  return context_.chat.exists(name) ? log_safe(name) : "(unknown)";
}

asio::awaitable<bool> Session::login() {
  auto& chat = context_.chat;
  const auto& address = connection_->peer_address();
  for (;;) {
    send(kUsernamePrompt);
    auto name_line = co_await read_line();
    if (name_line.status == net::ReadStatus::closed) co_return false;
    if (name_line.status == net::ReadStatus::too_long) {
      send(line_too_long(context_.settings.max_line));
      continue;
    }
    std::string name(core::trim(name_line.line));
    if (name.empty()) continue;
    if (auto left = chat.blocked_for(name, address)) {
      spdlog::info("login refused user={} from={} reason=blocked left={}s", loggable_name(name), address,
                   left->count());
      send(still_blocked(name, *left));
      connection_->close_after_flush();
      co_return false;
    }
    net::ReadResult password_line;
    for (;;) {
      send(kPasswordPrompt);
      password_line = co_await read_line();
      if (password_line.status != net::ReadStatus::too_long) break;
      send(line_too_long(context_.settings.max_line));
    }
    if (password_line.status == net::ReadStatus::closed) co_return false;
    // Argon2id is slow on purpose: it runs on the hashing pool, not here.
    // (Named, not a temporary in the co_await: g++ 12 mishandles temporaries
    // with destructors there.)
    std::string password = std::move(password_line.line);
    auto verify = [&chat, &pool = context_.hash_pool, &name, &password](auto done) {
      asio::post(pool, [&chat, name, password, done] { done(chat.check_password(name, password)); });
    };
    bool ok = co_await net::await_callback<bool>(executor_, verify);
    if (!connection_->is_open()) co_return false;
    auto verdict = chat.record_attempt(name, address, ok);
    if (verdict.outcome == core::LoginOutcome::ok) {
      user_ = name;
      logged_in_ = true;
      spdlog::info("login user={} from={}", user_, connection_->peer());
      co_return true;
    }
    if (verdict.outcome == core::LoginOutcome::blocked) {
      spdlog::warn("blocked user={} from={} for={}s", loggable_name(name), address, verdict.block.count());
      send(blocked_now(name, verdict.block));
      connection_->close_after_flush();
      co_return false;
    }
    spdlog::info("login failed user={} from={}", loggable_name(name), address);
    send(kBadCredentials);
  }
}

asio::awaitable<void> Session::deliver_mailbox() {
  auto& chat = context_.chat;
  const auto page_size = context_.settings.mailbox_page;
  send(welcome_line(context_.settings.welcome));
  auto participant = std::shared_ptr<core::Participant>(shared_from_this());
  Result<store::MailboxPage> page = co_await net::await_callback<Result<store::MailboxPage>>(
      executor_, [&](auto done) { chat.join(user_, participant, page_size, std::move(done)); });
  bool header_sent = false;
  for (;;) {
    if (!page.ok()) {
      spdlog::error("mailbox fetch failed user={}: {}", user_, page.error());
      break;
    }
    auto& p = page.value();
    if (!p.messages.empty()) {
      if (!header_sent) send(kOfflineHeader);
      header_sent = true;
      for (auto& m : p.messages) {
        send(offline_message(m.message));
        if (connection_->backlogged() && !co_await connection_->drain()) co_return;
      }
      // Only what reached the connection leaves the mailbox.
      if (!co_await connection_->drain()) co_return;
    }
    chat.ack_mailbox(user_, p.upto, nullptr);
    if (!p.more) break;
    page = co_await net::await_callback<Result<store::MailboxPage>>(
        executor_, [&](auto done) { chat.fetch_mailbox(user_, p.upto, page_size, std::move(done)); });
  }
  holding_live_ = false;
  for (auto& envelope : held_) send_message(envelope);
  held_.clear();
}

template <class Start>
asio::awaitable<bool> Session::await_stored(Start start) {
  auto result = co_await net::await_callback<Result<Done>>(executor_, start);
  if (!result.ok()) spdlog::error("store write failed user={}: {}", user_, result.error());
  co_return result.ok();
}

asio::awaitable<void> Session::command_loop() {
  for (;;) {
    send(kCommandPrompt);
    // A peer that does not read its replies is not served more of them.
    if (connection_->backlogged() && !co_await connection_->drain()) co_return;
    auto line = co_await read_line();
    if (line.status == net::ReadStatus::closed || !connection_->is_open()) co_return;
    if (line.status == net::ReadStatus::too_long) {
      send(line_too_long(context_.settings.max_line));
      continue;
    }
    Command command = parse_command(line.line);
    if (!std::holds_alternative<Empty>(command)) co_await pace();
    if (std::holds_alternative<WhoElse>(command)) {
      send(who_else(context_.chat.who_else(user_)));
    } else if (auto* who = std::get_if<WhoLast>(&command)) {
      co_await on_who_last(*who);
    } else if (auto* message = std::get_if<PrivateMessage>(&command)) {
      co_await on_private(*message);
    } else if (auto* all = std::get_if<BroadcastAll>(&command)) {
      co_await on_broadcast_all(*all);
    } else if (auto* some = std::get_if<BroadcastUsers>(&command)) {
      co_await on_broadcast_users(*some);
    } else if (auto* intro = std::get_if<PersonalIntro>(&command)) {
      co_await on_intro(*intro);
    } else if (std::holds_alternative<Help>(command)) {
      send(help_text(context_.chat.settings().last_hour));
    } else if (std::holds_alternative<Logout>(command)) {
      send(kLoggingOff);
      end_ = End::logout;
      connection_->close_after_flush();
      co_return;
    } else if (auto* unknown = std::get_if<Unknown>(&command)) {
      send(unknown_command(unknown->word));
    } else if (auto* bad = std::get_if<Usage>(&command)) {
      send(usage(bad->syntax));
    }
    if (!connection_->is_open()) co_return;
  }
}

asio::awaitable<void> Session::on_who_last(const WhoLast& c) {
  auto users = c.minutes ? context_.chat.who_last(user_, *c.minutes) : std::nullopt;
  if (!users)
    send(wholast_range(context_.chat.settings().last_hour));
  else
    send(who_last(*c.minutes, *users));
  co_return;
}

asio::awaitable<void> Session::on_private(const PrivateMessage& c) {
  auto status = core::SendStatus::delivered;
  bool stored = co_await await_stored([&](store::Callback<Done> done) {
    status = context_.chat.send_private(user_, c.user, c.text, done);
    if (status != core::SendStatus::storing) done(Done{});
  });
  switch (status) {
    case core::SendStatus::delivered:
      break;
    case core::SendStatus::storing:
      send(stored ? receiver_offline(c.user) : std::string(kStoreFailed));
      break;
    case core::SendStatus::unknown_user:
      send(no_such_user(c.user));
      break;
    case core::SendStatus::to_self:
      send(kMessageToSelf);
      break;
    case core::SendStatus::empty_text:
      send(usage("message <user> <text>"));
      break;
  }
}

asio::awaitable<void> Session::on_broadcast_all(const BroadcastAll& c) {
  std::optional<std::size_t> offline;
  bool stored = co_await await_stored([&](store::Callback<Done> done) {
    offline = context_.chat.broadcast_all(user_, c.text, done);
    if (!offline || *offline == 0) done(Done{});
  });
  if (!offline)
    send(usage("broadcast message <text>"));
  else if (*offline > 0)
    send(stored ? users_offline(*offline) : std::string(kStoreFailed));
}

asio::awaitable<void> Session::on_broadcast_users(const BroadcastUsers& c) {
  std::optional<std::vector<core::TargetStatus>> statuses;
  bool stored = co_await await_stored([&](store::Callback<Done> done) {
    statuses = context_.chat.broadcast_users(user_, c.users, c.text, done);
    bool storing = statuses && std::any_of(statuses->begin(), statuses->end(),
                                           [](auto& s) { return s.status == core::SendStatus::storing; });
    if (!storing) done(Done{});
  });
  if (!statuses) co_return send(usage("broadcast user <user>... message <text>"));
  if (statuses->empty()) co_return send(kNoOtherRecipients);
  bool failure_reported = false;
  for (auto& s : *statuses) {
    if (s.status == core::SendStatus::unknown_user) {
      send(no_such_user(s.name));
    } else if (s.status == core::SendStatus::storing) {
      if (stored)
        send(receiver_offline(s.name));
      else if (!failure_reported)
        send(kStoreFailed), failure_reported = true;
    }
  }
}

asio::awaitable<void> Session::on_intro(const PersonalIntro& c) {
  std::string text;
  if (c.text) {
    text = *c.text;
  } else {
    send(kIntroPrompt);
    auto line = co_await read_line();
    if (line.status == net::ReadStatus::closed) co_return;
    if (line.status == net::ReadStatus::too_long) co_return send(line_too_long(context_.settings.max_line));
    text = std::move(line.line);
  }
  auto status = core::IntroStatus::saved;
  bool stored = co_await await_stored([&](store::Callback<Done> done) {
    status = context_.chat.set_intro(user_, text, done);
    if (status == core::IntroStatus::too_long) done(Done{});
  });
  if (!stored) co_return send("Error: the introduction could not be saved; please try again\n");
  send(intro_saved(status, context_.chat.settings().intro_max));
}

}  // namespace parley::proto::classic
