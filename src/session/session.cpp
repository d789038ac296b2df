#include "session/session.hpp"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <utility>

#include "core/text.hpp"

namespace parley::session {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

Session::Session(std::unique_ptr<net::Transport> transport, Context& context, net::Worker& worker, Admission::Pass pass)
    : limits_(context.limits.get()),
      settings_(context.settings.get()),
      connection_(std::move(transport), *this, worker, *limits_),
      context_(context),
      pass_(std::move(pass)),
      flood_(settings_->flood_rate, settings_->flood_burst, Clock::now()) {}

std::shared_ptr<Session> Session::self() { return std::static_pointer_cast<Session>(shared_from_this()); }

// Replies to a client that has not logged in and does not read them: a few
// prompts' worth, then its lines wait.
constexpr std::size_t kUnreadBeforeLogin = 4096;

void Session::start() {
  connection_.limit_unread_replies(kUnreadBeforeLogin);
  connection_.set_deadline(Clock::now() + settings().login_timeout);
  on_started();
  connection_.start();
}

std::size_t Session::shard() const { return connection_.worker().index(); }

void Session::deliver(core::EnvelopePtr envelope) {
  asio::post(connection_.worker().context(),
             [self = self(), envelope = std::move(envelope)]() mutable { self->deliver_here(std::move(envelope)); });
}

void Session::deliver_here(core::EnvelopePtr envelope) {
  if (connection_.closing()) return;
  if (!holding_live_) {
    connection_.send(encode(envelope));
    return;
  }
  if (!held_) held_ = std::make_unique<std::vector<core::EnvelopePtr>>();
  if (held_->size() >= settings().max_held) {
    spdlog::warn("slow client cut off user={} reason=too many messages during offline delivery", user_);
    connection_.close();
    return;
  }
  held_->push_back(std::move(envelope));
}

// Leaving is idempotent. A session on its way out leaves at once, so that
// nobody sees it online after its peer saw the connection end.
void Session::leave_chat() {
  if (joined_) chat().leave(user_, this);
  joined_ = false;
}

void Session::on_shutdown() {
  if (connection_.closing()) return;
  leave_chat();
  send(shutdown_notice());
  end_ = End::shutdown;
  connection_.close_after_flush(std::chrono::seconds(2));
}

void Session::on_reconfigure() {
  auto next = context_.settings.get();
  if (next == settings_) return;
  auto old = std::exchange(settings_, std::move(next));
  if (old->flood_rate != settings_->flood_rate || old->flood_burst != settings_->flood_burst)
    flood_.set_limits(settings_->flood_rate, settings_->flood_burst, Clock::now());
  auto deadline = connection_.deadline();
  if (logged_in_ && !connection_.closing() && deadline != Clock::time_point::max())
    connection_.set_deadline(deadline - old->idle_timeout + settings_->idle_timeout);
}

void Session::finish(End why, std::string_view last_words) {
  if (connection_.closing()) return;
  leave_chat();
  send(last_words);
  end_ = why;
  connection_.close_after_flush(std::chrono::seconds(10));
}

void Session::on_deadline() {
  if (connection_.closing()) return;
  finish(End::timeout, timeout_notice());
}

// A half-close ("nc -N", a script's end of input): what came first has been
// answered; close once that is written.
void Session::on_input_end() {
  leave_chat();
  connection_.close_after_flush(std::chrono::seconds(10));
}

// A connection that is gone, cut for reading too slowly say, is offline at
// once: what others send from now on is stored for the next login instead of
// being handed to a closed connection.
void Session::on_closing() { leave_chat(); }

void Session::on_closed() {
  if (auto check = std::move(pending_check_)) {
    *check->gone = true;
    context_.logins.cancel(check->ticket);
  }
  leave_chat();
  if (connection_.cut_off_slow()) end_ = End::slow;
  log_end();
  held_.reset();
  pace_timer_.reset();
}

void Session::touch() { connection_.set_deadline(connection_.worker().poller().pass_time() + settings().idle_timeout); }

store::Callback<store::Done> Session::store_answer() {
  return [this](store::Result<store::Done> result) {
    std::string error = result.ok() ? std::string() : result.error();
    asio::post(connection_.worker().context(), [this, ok = result.ok(), error = std::move(error)] {
      auto pending = std::move(pending_store_);
      if (!ok) spdlog::error("store write failed user={}: {}", user_, error);
      if (pending) send(ok ? pending->if_stored : pending->if_failed);
      on_stored();
      // `pending` goes last: it may hold the last reference to this session.
    });
  };
}

void Session::await_store(std::string if_stored, std::string if_failed) {
  connection_.pause();
  pending_store_ = std::make_unique<PendingStore>(PendingStore{self(), std::move(if_stored), std::move(if_failed)});
}

void Session::log_end() {
  auto peer = connection_.peer();
  if (!logged_in_) {
    if (end_ == End::timeout) spdlog::info("login timeout from={}", peer);
    if (end_ == End::slow) spdlog::warn("slow client cut off from={} reason=outbound queue full", peer);
    return;
  }
  switch (end_) {
    case End::logout:
      spdlog::info("logout user={} from={}", user_, peer);
      break;
    case End::timeout:
      spdlog::info("timeout user={} from={} idle={}s", user_, peer, settings().idle_timeout.count());
      break;
    case End::shutdown:
      spdlog::info("disconnect user={} from={} reason=shutdown", user_, peer);
      break;
    case End::slow:
      spdlog::warn("slow client cut off user={} from={} reason=outbound queue full", user_, peer);
      break;
    case End::refused:  // refusals come before login; logged when they happen
    case End::disconnect:
      spdlog::info("disconnect user={} from={}", user_, peer);
      break;
  }
}

std::string Session::loggable_name(const std::string& name) const {
  return context_.chat.exists(name) ? core::log_safe(name) : "(unknown)";
}

std::optional<std::chrono::seconds> Session::blocked(const std::string& name) {
  auto left = chat().blocked_for(name, connection_.peer_address());
  if (left)
    spdlog::info("login refused user={} from={} reason=blocked left={}s", loggable_name(name),
                 connection_.peer_address(), left->count());
  return left;
}

void Session::refuse(Refusal why, std::chrono::seconds left) {
  spdlog::warn("login refused from={} reason={}", connection_.peer(), describe(why));
  finish(End::refused, refusal_notice(why, left));
}

void Session::check_login(std::string password) {
  connection_.pause();
  auto& admission = context_.admission;
  if (auto left = admission.failures_block(pass_.share(), pass_.exempt(), Clock::now()))
    return refuse(Refusal::too_many_failures, *left);

  using Admit = LoginQueue::Admit;
  auto gone = std::make_shared<std::atomic<bool>>(false);
  auto& chat = this->chat();
  auto& io = connection_.worker().context();
  std::weak_ptr<Session> weak = self();
  auto answer = [&io, weak](std::string name, core::LoginVerdict verdict) {
    asio::post(io, [weak, name = std::move(name), verdict] {
      if (auto session = weak.lock()) session->on_check_done(name, verdict);
    });
  };
  LoginQueue::Job job;
  job.share = pass_.share();
  job.exempt = pass_.exempt();
  // Decided just before hashing: a check that cannot change the outcome
  // costs nothing.
  job.admit = [&chat, answer, gone, name = user_, address = connection_.peer_address()] {
    if (*gone) return Admit::drop;
    auto start = chat.begin_login_check(name, address);
    switch (start.admission) {
      case core::CheckAdmission::admitted:
        return Admit::run;
      case core::CheckAdmission::wait:
        return Admit::wait;
      case core::CheckAdmission::blocked:
        break;
    }
    answer(name, {core::LoginOutcome::still_blocked, start.left});
    return Admit::drop;
  };
  // The verdict is recorded even when the connection has gone meanwhile:
  // closing does not take back a guess.
  job.run = [&chat, answer, name = user_, address = connection_.peer_address(), password = std::move(password)] {
    bool ok = false;
    try {
      ok = chat.check_password(name, password);
    } catch (const std::exception& e) {
      spdlog::error("password check failed: {}", e.what());
    }
    answer(name, chat.finish_login_check(name, address, ok));
  };
  auto ticket = context_.logins.submit(std::move(job));
  if (!ticket) return refuse(Refusal::busy, {});
  pending_check_ = std::make_unique<PendingCheck>(PendingCheck{self(), *ticket, std::move(gone)});
}

void Session::on_check_done(const std::string& name, core::LoginVerdict verdict) {
  auto check = std::move(pending_check_);  // released last: it may hold the last reference
  if (connection_.closing()) return;
  auto address = connection_.peer_address();
  switch (verdict.outcome) {
    case core::LoginOutcome::ok:
      logged_in_ = true;
      pass_.logged_in();
      connection_.limit_unread_replies(SIZE_MAX);
      connection_.set_deadline(Clock::now() + settings().idle_timeout);
      spdlog::info("login user={} from={}", name, connection_.peer());
      break;
    case core::LoginOutcome::blocked:
      spdlog::warn("blocked user={} from={} for={}s", loggable_name(name), address, verdict.block.count());
      break;
    case core::LoginOutcome::still_blocked:
      spdlog::info("login refused user={} from={} reason=blocked left={}s", loggable_name(name), address,
                   verdict.block.count());
      break;
    case core::LoginOutcome::failed:
      spdlog::info("login failed user={} from={}", loggable_name(name), address);
      break;
  }
  if (verdict.outcome != core::LoginOutcome::ok) user_.clear();
  bool guessed_wrong = verdict.outcome == core::LoginOutcome::failed || verdict.outcome == core::LoginOutcome::blocked;
  if (guessed_wrong) {
    auto spraying = context_.admission.record_failure(pass_.share(), pass_.exempt(), Clock::now());
    if (spraying && verdict.outcome == core::LoginOutcome::failed) return refuse(Refusal::too_many_failures, *spraying);
  }
  on_login_verdict(name, verdict);
}

void Session::join() {
  connection_.pause();
  joined_ = true;  // join() below makes the user visible before any suspension
  auto participant = std::shared_ptr<core::Participant>(self(), static_cast<core::Participant*>(this));
  chat().join(user_, std::move(participant), settings().mailbox_page,
              here<store::MailboxPage>([this](auto next) { on_mailbox_page(std::move(next)); }));
}

void Session::on_mailbox_page(store::Result<store::MailboxPage> result) {
  if (connection_.closing()) return;
  // Messages shown while the store cannot write could not leave the mailbox
  // and would come again: they wait for the next login instead.
  if (!result.ok() || (result.value().writes_failing && !result.value().messages.empty())) {
    if (!result.ok())
      spdlog::error("mailbox fetch failed user={}: {}", user_, result.error());
    else
      spdlog::error("mailbox kept user={} reason=store cannot write", user_);
    on_offline_kept();
    return end_joining();
  }
  auto page = std::move(result.value());
  if (!page.messages.empty()) {
    if (!offline_begun_) on_offline_begin();
    offline_begun_ = true;
    for (auto& m : page.messages) on_offline_message(m.message);
  }
  // Only what reached the connection leaves the mailbox.
  connection_.when_drained([this, self = self(), upto = page.upto, more = page.more](bool written) {
    if (!written) return;
    chat().ack_mailbox(user_, upto, nullptr);
    if (!more) return end_joining();
    chat().fetch_mailbox(user_, upto, settings().mailbox_page,
                         here<store::MailboxPage>([this](auto next) { on_mailbox_page(std::move(next)); }));
  });
}

void Session::end_joining() {
  holding_live_ = false;
  if (auto held = std::move(held_))
    for (auto& envelope : *held) connection_.send(encode(envelope));
  on_joined();
}

// A client over its flood budget is slowed down, not refused: its line is
// handed again when the budget allows.
bool Session::pace(std::string_view line) {
  if (settings().flood_rate <= 0) return true;
  if (paced_line_due_) {
    paced_line_due_ = false;
    return true;
  }
  auto wait = flood_.take(Clock::now());
  if (wait <= std::chrono::nanoseconds::zero()) return true;
  if (!flood_logged_) spdlog::info("flood pacing user={} from={}", user_, connection_.peer());
  flood_logged_ = true;
  connection_.hand_again(line);
  if (!pace_timer_) pace_timer_ = std::make_unique<asio::steady_timer>(connection_.worker().context());
  pace_timer_->expires_after(wait);
  pace_timer_->async_wait([this, self = self()](boost::system::error_code ec) {
    if (ec || connection_.closing()) return;
    paced_line_due_ = true;
    connection_.resume();
  });
  return false;
}

}  // namespace parley::session
