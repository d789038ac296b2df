// What every protocol's session shares, whatever its wire format: the login
// steps (lockout check, password check in the login queue, the verdict),
// joining the chat with mailbox replay while live messages are held back,
// the login and idle deadlines, flood pacing, and the end-of-session log.
// A protocol adapter derives from it, turns lines into calls and results
// into bytes. Everything runs on the connection's worker thread.
#pragma once

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat_service.hpp"
#include "core/token_bucket.hpp"
#include "metrics/registry.hpp"
#include "net/connection.hpp"
#include "net/worker.hpp"
#include "session/admission.hpp"
#include "session/login_queue.hpp"
#include "session/published.hpp"

namespace parley::session {

struct Settings {
  std::string welcome = "Welcome to simple chat server!";
  std::chrono::seconds login_timeout{60};
  std::chrono::seconds idle_timeout{1800};
  std::size_t mailbox_page = 256;
  std::size_t unread_shown = 20;  // per room at login; the rest are counted
  std::size_t max_held = 4096;    // live messages held during mailbox replay
  double flood_rate = 10;         // lines per second once the burst is spent; 0: no limit
  double flood_burst = 50;
};

// How long before an idle logout the user is warned: a minute, or a tenth
// of the idle timeout when that is less.
std::chrono::milliseconds idle_warning_lead(std::chrono::seconds idle_timeout);

// Shared by every session; owned by the server and outliving them all.
struct Context {
  Context(core::ChatService& chat_service, LoginQueue& login_queue, Admission& address_admission,
          Settings session_settings, net::ConnectionLimits connection_limits)
      : chat(chat_service),
        logins(login_queue),
        admission(address_admission),
        settings(std::move(session_settings)),
        limits(connection_limits) {}

  core::ChatService& chat;
  LoginQueue& logins;
  Admission& admission;
  // Replaced on reload: sessions take the new settings in on_reconfigure(),
  // connections keep the limits they started with.
  Published<Settings> settings;
  Published<net::ConnectionLimits> limits;
};

class Session : public net::ConnectionHandler, public core::Participant {
 public:
  Session(std::unique_ptr<net::Transport> transport, Context& context, net::Worker& worker, Admission::Pass pass);

  // Greets the peer and starts reading; on the worker's thread, once owned
  // by a shared_ptr.
  void start();

  void deliver(core::EnvelopePtr envelope) override;
  std::size_t shard() const override;
  void deliver_here(core::EnvelopePtr envelope) override;
  // Server shutdown: a last word, then close.
  void on_shutdown() override;
  // From the server's operator (parleyctl): a line, or the end with a line.
  void notice(std::shared_ptr<const std::string> text) override;
  void end_by_admin(core::AdminEnd why) override;
  std::string peer() const override { return login_peer_; }
  core::TimePoint since() const override { return login_time_; }
  // The server's settings were reloaded: flood pacing and the idle timeout
  // change now (an idle deadline moves by the difference), the welcome is
  // for logins from now on.
  void on_reconfigure() override;

 protected:
  enum class End { disconnect, logout, timeout, ping_timeout, shutdown, slow, refused, admin };

  core::ChatService& chat() { return context_.chat; }
  const Settings& settings() const { return *settings_; }
  const net::ConnectionLimits& limits() const { return *limits_; }
  net::Connection& connection() { return connection_; }
  bool logged_in() const { return logged_in_; }
  // The account: the name being logged in, then the user logged in.
  const std::string& user() const { return user_; }
  void set_user(std::string name) { user_ = std::move(name); }
  void send(std::string_view text) { connection_.reply(text); }

  // The lockout's answer for `name` from this address; a refusal is logged.
  std::optional<std::chrono::seconds> blocked(const std::string& name);
  // Verifies user()'s password in the login queue and records the attempt;
  // input is paused until on_login_verdict(). A refused name is forgotten.
  // Past a limit (queue full, too many failures from the address) the client
  // gets refusal_notice() and the connection closes.
  void check_login(std::string password);
  // Marks the user online, replays their mailbox through the hooks, then
  // sends the live messages held meanwhile and calls on_joined().
  void join();
  // Flood budget for a command line: false means the line was put back and
  // comes again when the budget allows.
  bool pace(std::string_view line);
  // A callback for a chat call that may write to the store: it brings the
  // store's answer back to this thread, to on_stored(). It allocates
  // nothing, so passing it costs nothing when the call delivers live.
  store::Callback<store::Done> store_answer();
  // After a call answered that it is storing: input waits, the session
  // keeps itself alive, and on_stored() sends `if_stored` or `if_failed`.
  void await_store(std::string if_stored, std::string if_failed);
  // Counts the line as activity for the idle deadline.
  void touch();
  // A callback that brings a store's answer to this session's thread, to
  // `then`, keeping the session alive until then.
  template <class T>
  store::Callback<T> here(std::function<void(store::Result<T>)> then);
  // Says `last_words`, then closes once they are written.
  void finish(End why, std::string_view last_words);
  // Keeps a quiet connection checked: after `every` without input the peer
  // gets ping_line(), and after as long again without any, the connection
  // ends with ping_timeout_notice(). Zero turns it off.
  void keep_alive(std::chrono::seconds every);
  // Any line from the peer: the connection is alive (not activity: see touch()).
  void heard();
  // Logs in without an account under `nick`: online for the live features,
  // with no mailbox or rooms to replay. Anything but ok changes nothing;
  // after ok the adapter goes on as after on_joined().
  core::GuestStatus join_as_guest(const std::string& nick);
  bool guest() const { return guest_; }

  // A name that is not an account may be a password typed at the wrong
  // prompt: it never reaches the log.
  std::string loggable_name(const std::string& name) const;

  // --- what the protocol adapter provides
  virtual void on_started() = 0;
  virtual void on_login_verdict(const std::string& name, core::LoginVerdict verdict) = 0;
  virtual void on_offline_begin() = 0;
  virtual void on_offline_message(const core::ChatMessage& message) = 0;
  // The waiting messages cannot be shown now (the store failed); they stay
  // in the mailbox for the next login.
  virtual void on_offline_kept() = 0;
  // A room's unread messages at login, after the offline messages.
  virtual void on_unread_room(const core::RoomUnread& room) = 0;
  virtual void on_joined() = 0;
  virtual std::shared_ptr<const std::string> encode(const core::EnvelopePtr& envelope) = 0;
  virtual std::string timeout_notice() = 0;  // login timed out, or idle logout
  // The idle logout comes in `left` unless the user sends something.
  virtual std::string idle_warning(std::chrono::seconds left) = 0;
  virtual std::string shutdown_notice() = 0;
  virtual std::string admin_end_notice(core::AdminEnd why) = 0;
  virtual std::string server_notice(std::string_view text) = 0;
  virtual std::string refusal_notice(Refusal why, std::chrono::seconds left) = 0;
  // The store answered what await_store() waited for; its reply is sent.
  virtual void on_stored() = 0;
  // The protocol's name in log lines ("classic").
  virtual std::string_view protocol() const = 0;
  // For keep_alive(): the ping, and the last words when it went unanswered.
  virtual std::string ping_line() { return {}; }
  virtual std::string ping_timeout_notice() { return {}; }

 private:
  void on_deadline() final;
  void on_input_end() override;
  void on_closing() final;
  void on_closed() final;
  void on_check_done(const std::string& name, core::LoginVerdict verdict);
  void refuse(Refusal why, std::chrono::seconds left);
  void on_mailbox_page(store::Result<store::MailboxPage> page);
  void show_unread();
  void on_unread(store::Result<std::vector<core::RoomUnread>> rooms);
  void end_joining();
  void leave_chat();
  void log_end();
  void log_end_before_login(const std::string& peer) const;
  // Starts the idle period: a warning before its end, then the logout.
  void arm_idle(std::chrono::steady_clock::time_point now);
  // The connection's deadline: the login or idle one, or the ping's if sooner.
  void set_deadline(std::chrono::steady_clock::time_point when);
  bool ping_due(std::chrono::steady_clock::time_point now);
  static void count_out(const core::Envelope& envelope);
  void send_live(const core::EnvelopePtr& envelope);
  void end_by_admin_here(core::AdminEnd why);
  std::shared_ptr<Session> self();

  struct PendingStore {
    std::shared_ptr<Session> hold;
    std::string if_stored;
    std::string if_failed;
  };

  std::shared_ptr<const net::ConnectionLimits> limits_;  // before connection_, which refers to it
  std::shared_ptr<const Settings> settings_;
  net::Connection connection_;
  Context& context_;
  Admission::Pass pass_;
  std::string user_;
  std::unique_ptr<std::vector<core::EnvelopePtr>> held_;  // live messages that came during replay
  std::unique_ptr<core::UnreadSnapshot> unread_;          // while joining: what is unread in the rooms
  core::TokenBucket flood_;
  std::unique_ptr<boost::asio::steady_timer> pace_timer_;  // only for clients that were paced
  std::unique_ptr<PendingStore> pending_store_;            // only while the store is busy for us
  // While a password check waits or runs: the session holds itself, and the
  // check can see that the connection has gone.
  struct PendingCheck {
    std::shared_ptr<Session> hold;
    LoginQueue::Ticket ticket = 0;
    std::shared_ptr<std::atomic<bool>> gone;
  };
  std::unique_ptr<PendingCheck> pending_check_;
  End end_ = End::disconnect;
  core::Credential credential_ = 0;  // the stored password the login verified
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point idle_end_;  // the idle logout, once logged in
  std::chrono::steady_clock::time_point deadline_;  // login or idle, without the ping's
  std::chrono::steady_clock::time_point ping_at_;   // keep_alive(): the next ping, or the drop
  std::chrono::seconds ping_every_{0};
  bool idle_warned_ = false;
  core::AdminEnd admin_end_ = core::AdminEnd::kicked;
  // Set before joining, read by the operator's `who` from any thread.
  std::string login_peer_;
  core::TimePoint login_time_{};
  bool logged_in_ = false;
  bool counted_open_ = false;  // in the open-connections gauge
  bool joined_ = false;
  bool holding_live_ = true;  // live messages wait until offline ones are out
  bool offline_begun_ = false;
  bool paced_line_due_ = false;
  bool flood_logged_ = false;
  bool ping_sent_ = false;
  bool guest_ = false;
};

template <class T>
store::Callback<T> Session::here(std::function<void(store::Result<T>)> then) {
  auto& context = connection_.worker().context();
  return [&context, self = self(), then = std::move(then)](store::Result<T> result) mutable {
    boost::asio::post(context, [self = std::move(self), then = std::move(then), result = std::move(result)]() mutable {
      then(std::move(result));
    });
  };
}

}  // namespace parley::session
