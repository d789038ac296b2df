#include "session/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "core/text.hpp"
#include "metrics/registry.hpp"

namespace parley::session {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using metrics::Figure;

namespace {

// The open-connections gauge for a connection in this state.
Figure open_figure(bool logged_in, bool tls) {
  if (logged_in) return tls ? Figure::connections_logged_in_tls : Figure::connections_logged_in_plain;
  return tls ? Figure::connections_logging_in_tls : Figure::connections_logging_in_plain;
}

}  // namespace

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

std::chrono::milliseconds idle_warning_lead(std::chrono::seconds idle_timeout) {
  return std::min<std::chrono::milliseconds>(std::chrono::minutes(1), std::chrono::milliseconds(idle_timeout) / 10);
}

void Session::start() {
  started_ = Clock::now();
  connection_.limit_unread_replies(kUnreadBeforeLogin);
  set_deadline(started_ + settings().login_timeout);
  metrics::add(open_figure(false, connection_.encrypted()));
  counted_open_ = true;
  on_started();
  connection_.start();
}

void Session::count_out(const core::Envelope& envelope) {
  switch (envelope.message().kind) {
    case core::MessageKind::broadcast:
      return metrics::add(Figure::messages_out_broadcast);
    case core::MessageKind::private_message:
      return metrics::add(Figure::messages_out_private);
    case core::MessageKind::room:
      return metrics::add(Figure::messages_out_room);
    case core::MessageKind::room_event:
    case core::MessageKind::invitation:
    case core::MessageKind::presence:
      return;
  }
}

std::size_t Session::shard() const { return connection_.worker().index(); }

void Session::deliver(core::EnvelopePtr envelope) {
  asio::post(connection_.worker().context(),
             [self = self(), envelope = std::move(envelope)]() mutable { self->deliver_here(std::move(envelope)); });
}

void Session::deliver_here(core::EnvelopePtr envelope) {
  if (connection_.closing()) return;
  if (!holding_live_) return send_live(envelope);
  if (!held_) held_ = std::make_unique<std::vector<core::EnvelopePtr>>();
  if (held_->size() >= settings().max_held) {
    metrics::add(Figure::slow_cut_offs);
    spdlog::warn("slow client cut off user={} reason=too many messages during offline delivery", user_);
    connection_.close();
    return;
  }
  held_->push_back(std::move(envelope));
}

// A protocol may have nothing to say about a message (an event it does not
// show): it encodes it as nothing.
void Session::send_live(const core::EnvelopePtr& envelope) {
  auto bytes = encode(envelope);
  if (bytes && !bytes->empty() && connection_.send(std::move(bytes))) count_out(*envelope);
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

void Session::notice(std::shared_ptr<const std::string> text) {
  asio::post(connection_.worker().context(), [self = self(), text = std::move(text)] {
    if (self->connection_.closing()) return;
    self->send(self->server_notice(*text));
  });
}

void Session::end_by_admin(core::AdminEnd why) {
  asio::post(connection_.worker().context(), [self = self(), why] { self->end_by_admin_here(why); });
}

void Session::end_by_admin_here(core::AdminEnd why) {
  if (connection_.closing()) return;
  admin_end_ = why;
  finish(End::admin, admin_end_notice(why));
}

namespace {
std::string_view admin_reason(core::AdminEnd why) {
  switch (why) {
    case core::AdminEnd::kicked:
      return "kicked";
    case core::AdminEnd::deleted:
      return "account deleted";
    case core::AdminEnd::password_changed:
      return "password changed";
    case core::AdminEnd::disabled:
      return "account disabled";
  }
  return "kicked";
}
}  // namespace

void Session::on_reconfigure() {
  auto next = context_.settings.get();
  if (next == settings_) return;
  auto old = std::exchange(settings_, std::move(next));
  if (old->flood_rate != settings_->flood_rate || old->flood_burst != settings_->flood_burst)
    flood_.set_limits(settings_->flood_rate, settings_->flood_burst, Clock::now());
  // The idle period keeps its start; its end, and the warning before it,
  // follow the new timeout.
  if (logged_in_ && !connection_.closing()) {
    auto change = settings_->idle_timeout - old->idle_timeout;
    // A user already warned keeps at least the time the warning gave.
    if (!idle_warned_ || change > change.zero()) idle_end_ += change;
    set_deadline(idle_warned_ ? idle_end_ : idle_end_ - idle_warning_lead(settings_->idle_timeout));
  }
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
  if (ping_due(Clock::now())) return;
  if (logged_in_ && !idle_warned_) {
    idle_warned_ = true;
    // A late sweep does not cut the warning's notice short: the logout
    // comes the lead after the warning at the earliest.
    auto now = Clock::now();
    idle_end_ = std::max(idle_end_, now + idle_warning_lead(settings().idle_timeout));
    auto left = std::chrono::ceil<std::chrono::seconds>(idle_end_ - now);
    spdlog::debug("idle warning user={} from={} left={}s", user_, connection_.peer(), left.count());
    send(idle_warning(left));
    set_deadline(idle_end_);
    return;
  }
  metrics::add(logged_in_ ? Figure::idle_timeouts : Figure::login_timeouts);
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
  if (counted_open_) metrics::add(open_figure(logged_in_, connection_.encrypted()), -1);
  counted_open_ = false;
  log_end();
  held_.reset();
  pace_timer_.reset();
}

void Session::touch() { arm_idle(connection_.worker().poller().pass_time()); }

void Session::arm_idle(Clock::time_point now) {
  idle_end_ = now + settings().idle_timeout;
  idle_warned_ = false;
  set_deadline(idle_end_ - idle_warning_lead(settings().idle_timeout));
}

void Session::set_deadline(Clock::time_point when) {
  deadline_ = when;
  connection_.set_deadline(ping_every_.count() > 0 ? std::min(when, ping_at_) : when);
}

void Session::keep_alive(std::chrono::seconds every) {
  ping_every_ = every;
  heard();
}

void Session::heard() {
  if (ping_every_.count() <= 0) return;
  ping_sent_ = false;
  ping_at_ = connection_.worker().poller().pass_time() + ping_every_;
  set_deadline(deadline_);
}

// True when the deadline was the ping's: a ping went out, or the connection
// ended for want of an answer.
bool Session::ping_due(Clock::time_point now) {
  if (ping_every_.count() <= 0 || now < ping_at_ || (now >= deadline_ && !ping_sent_)) return false;
  if (ping_sent_) {
    metrics::add(Figure::ping_timeouts);
    finish(End::ping_timeout, ping_timeout_notice());
    return true;
  }
  ping_sent_ = true;
  ping_at_ = now + ping_every_;
  send(ping_line());
  set_deadline(deadline_);
  return true;
}

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
    return log_end_before_login(peer);
  }
  switch (end_) {
    case End::logout:
      spdlog::info("logout user={} from={}", user_, peer);
      break;
    case End::timeout:
      spdlog::info("timeout user={} from={} idle={}s", user_, peer, settings().idle_timeout.count());
      break;
    case End::ping_timeout:
      spdlog::info("disconnect user={} from={} reason=ping timeout", user_, peer);
      break;
    case End::shutdown:
      spdlog::info("disconnect user={} from={} reason=shutdown", user_, peer);
      break;
    case End::slow:
      spdlog::warn("slow client cut off user={} from={} reason=outbound queue full", user_, peer);
      break;
    case End::admin:
      spdlog::info("disconnect user={} from={} reason={}", user_, peer, admin_reason(admin_end_));
      break;
    case End::refused:  // refusals come before login; logged when they happen
    case End::disconnect:
      spdlog::info("disconnect user={} from={}", user_, peer);
      break;
  }
}

// Scanners, health checks and people who gave up: the operator may want to
// see them, but not at the default level.
void Session::log_end_before_login(const std::string& peer) const {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  std::string_view why = "closed by peer";
  switch (end_) {
    case End::timeout:
      why = "login timeout";
      break;
    case End::ping_timeout:
      why = "ping timeout";
      break;
    case End::refused:
      why = "refused";
      break;
    case End::shutdown:
      why = "server shutdown";
      break;
    case End::slow:
      why = "slow reader";
      break;
    case End::admin:
      why = "ended by the operator";
      break;
    case End::logout:
    case End::disconnect:
      if (connection_.failed()) why = "error";
      break;
  }
  std::chrono::duration<double> lasted = Clock::now() - started_;
  spdlog::debug("closed before login from={} protocol={}{} after={:.3f}s reason={}", peer, protocol(),
                connection_.encrypted() ? "+tls" : "", lasted.count(), why);
}

std::string Session::loggable_name(const std::string& name) const {
  return context_.chat.exists(name) ? core::log_safe(name) : "(unknown)";
}

std::optional<std::chrono::seconds> Session::blocked(const std::string& name) {
  auto left = chat().blocked_for(name, connection_.peer_address());
  if (left) metrics::add(Figure::logins_blocked);
  if (left)
    spdlog::info("login refused user={} from={} reason=blocked left={}s", loggable_name(name),
                 connection_.peer_address(), left->count());
  return left;
}

void Session::refuse(Refusal why, std::chrono::seconds left) {
  metrics::add(figure(why));
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
    core::Credential credential = 0;
    try {
      ok = chat.check_password(name, password, &credential);
    } catch (const std::exception& e) {
      spdlog::error("password check failed: {}", e.what());
    }
    auto verdict = chat.finish_login_check(name, address, ok);
    verdict.credential = credential;
    answer(name, verdict);
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
      metrics::add(Figure::logins_ok);
      if (counted_open_) {
        metrics::add(open_figure(false, connection_.encrypted()), -1);
        metrics::add(open_figure(true, connection_.encrypted()));
      }
      logged_in_ = true;
      credential_ = verdict.credential;
      pass_.logged_in();
      connection_.limit_unread_replies(SIZE_MAX);
      arm_idle(Clock::now());
      spdlog::info("login user={} from={}", name, connection_.peer());
      break;
    case core::LoginOutcome::blocked:
      metrics::add(Figure::logins_failed);
      metrics::add(Figure::lockout_blocks);
      spdlog::warn("blocked user={} from={} for={}s", loggable_name(name), address, verdict.block.count());
      break;
    case core::LoginOutcome::still_blocked:
      metrics::add(Figure::logins_blocked);
      spdlog::info("login refused user={} from={} reason=blocked left={}s", loggable_name(name), address,
                   verdict.block.count());
      break;
    case core::LoginOutcome::failed:
      metrics::add(Figure::logins_failed);
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
  login_peer_ = connection_.peer();
  login_time_ = std::chrono::system_clock::now();
  joined_ = true;  // join() below makes the user visible before any suspension
  auto participant = std::shared_ptr<core::Participant>(self(), static_cast<core::Participant*>(this));
  unread_ = std::make_unique<core::UnreadSnapshot>();
  bool joined = chat().join(user_, std::move(participant), settings().mailbox_page,
                            here<store::MailboxPage>([this](auto next) { on_mailbox_page(std::move(next)); }),
                            credential_, unread_.get());
  if (joined) return;
  // Deleted, disabled or given a new password while its password was being
  // checked.
  unread_.reset();
  joined_ = false;
  auto why = !chat().exists(user_)      ? core::AdminEnd::deleted
             : chat().can_log_in(user_) ? core::AdminEnd::password_changed
                                        : core::AdminEnd::disabled;
  end_by_admin_here(why);
}

core::GuestStatus Session::join_as_guest(const std::string& nick) {
  if (connection_.closing()) return core::GuestStatus::in_use;
  login_peer_ = connection_.peer();
  login_time_ = std::chrono::system_clock::now();
  auto participant = std::shared_ptr<core::Participant>(self(), static_cast<core::Participant*>(this));
  auto status = chat().join_guest(nick, std::move(participant));
  if (status != core::GuestStatus::ok) return status;
  joined_ = true;
  guest_ = true;
  user_ = nick;
  logged_in_ = true;
  if (counted_open_) {
    metrics::add(open_figure(false, connection_.encrypted()), -1);
    metrics::add(open_figure(true, connection_.encrypted()));
  }
  metrics::add(Figure::logins_ok);
  pass_.logged_in();
  connection_.limit_unread_replies(SIZE_MAX);
  arm_idle(Clock::now());
  holding_live_ = false;
  spdlog::info("login guest={} from={}", core::log_safe(nick), connection_.peer());
  return status;
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
    unread_.reset();  // the rooms' unread messages wait too
    return end_joining();
  }
  auto page = std::move(result.value());
  if (!page.messages.empty()) {
    if (!offline_begun_) on_offline_begin();
    offline_begun_ = true;
    metrics::add(Figure::messages_out_offline, static_cast<std::int64_t>(page.messages.size()));
    for (auto& m : page.messages) on_offline_message(m.message);
  }
  // Only what reached the connection leaves the mailbox.
  connection_.when_drained([this, self = self(), upto = page.upto, more = page.more](bool written) {
    if (!written) return;
    chat().ack_mailbox(user_, upto, nullptr);
    if (!more) return show_unread();
    chat().fetch_mailbox(user_, upto, settings().mailbox_page,
                         here<store::MailboxPage>([this](auto next) { on_mailbox_page(std::move(next)); }));
  });
}

// After the offline messages, each room's unread ones; messages after the
// snapshot come live, held until this is done.
void Session::show_unread() {
  if (!unread_ || unread_->empty()) {
    if (unread_) chat().ack_unread(user_, *unread_);
    unread_.reset();
    return end_joining();
  }
  chat().fetch_unread(*unread_, settings().unread_shown,
                      here<std::vector<core::RoomUnread>>([this](auto rooms) { on_unread(std::move(rooms)); }));
}

void Session::on_unread(store::Result<std::vector<core::RoomUnread>> result) {
  if (connection_.closing()) return;
  if (!result.ok()) {
    spdlog::error("unread room messages fetch failed user={}: {}", user_, result.error());
    if (!offline_begun_) on_offline_kept();
    unread_.reset();
    return end_joining();
  }
  for (const auto& room : result.value()) {
    metrics::add(Figure::messages_out_offline, static_cast<std::int64_t>(room.messages.size()));
    on_unread_room(room);
  }
  // Read once written: a connection lost before shows them again next time.
  connection_.when_drained([this, self = self()](bool written) {
    if (!written || !unread_) return;
    chat().ack_unread(user_, *unread_);
    unread_.reset();
    end_joining();
  });
}

void Session::end_joining() {
  holding_live_ = false;
  if (auto held = std::move(held_))
    for (auto& envelope : *held) send_live(envelope);
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
