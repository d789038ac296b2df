// IRC on one connection: registration (CAP, SASL PLAIN or PASS, NICK, USER)
// onto the shared login steps, then IRC commands as calls on the chat rules
// and the chat's messages and events as IRC lines. An adapter only: the
// shared session steps live in session::Session, the rules in
// core::ChatService. See docs/IRC.md for every line.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "proto/irc/caps.hpp"
#include "proto/irc/irc_settings.hpp"
#include "proto/irc/message.hpp"
#include "proto/irc/wire.hpp"
#include "session/session.hpp"

namespace parley::proto::irc {

// The ERROR line of a connection refused before it could register.
std::string refusal(session::Refusal why, std::chrono::seconds left);

class IrcSession final : public session::Session {
 public:
  IrcSession(std::unique_ptr<net::Transport> transport, session::Context& context, IrcContext& irc, net::Worker& worker,
             session::Admission::Pass pass);

  bool wants_presence() const override { return wants_presence_; }
  void on_reconfigure() override;

 private:
  enum class State : std::uint8_t { registering, verifying, joining, ready };
  enum class Sasl : std::uint8_t { none, plain, checking, done };

  // --- session hooks
  void on_started() override;
  void on_line(std::string_view line) override;
  void on_line_too_long() override;
  void on_login_verdict(const std::string& name, core::LoginVerdict verdict) override;
  void on_offline_begin() override;
  void on_offline_message(const core::ChatMessage& message) override;
  void on_offline_kept() override;
  void on_unread_room(const core::RoomUnread& room) override;
  void on_joined() override;
  std::shared_ptr<const std::string> encode(const core::EnvelopePtr& envelope) override;
  std::string timeout_notice() override;
  std::string idle_warning(std::chrono::seconds left) override;
  std::string shutdown_notice() override;
  std::string admin_end_notice(core::AdminEnd why) override;
  std::string server_notice(std::string_view text) override;
  std::string refusal_notice(session::Refusal why, std::chrono::seconds left) override;
  void on_stored() override;
  std::string_view protocol() const override { return "irc"; }
  std::string ping_line() override;
  std::string ping_timeout_notice() override;

  // --- registration (irc_registration.cpp)
  void on_registering(const Message& m);
  void on_cap(const Message& m);
  void on_authenticate(const Message& m);
  void on_sasl_plain(std::string_view base64);
  void on_nick(const Message& m);
  void try_register();
  void login_with_password(const std::string& name, std::string password);
  void register_account();
  void register_guest();
  std::string blocked_words(const std::string& name, std::chrono::seconds left, bool now) const;
  void welcome();
  void auto_join();
  std::string closing(std::string_view why) const;

  // --- commands after registration
  void on_command(const Message& m);
  // Idle time counts what the user does, not what a client asks on its own.
  static bool is_action(const Message& m);
  void on_privmsg(const Message& m, bool notice);
  void send_private(const std::string& target, const std::string& text, bool notice);
  void on_broadcast(const std::string& text, bool notice);
  void echo(std::string_view target, std::string_view text, bool notice);
  void echo_to_self(std::string_view text);
  void await_sends();
  store::Callback<store::Done> store_callback();
  void on_quit(const Message& m);
  void on_away(const Message& m);
  void on_setname(const Message& m);

  // --- channels (irc_channels.cpp)
  void on_join(const Message& m);
  void join_one(const std::string& name);
  void on_part(const Message& m);
  void on_topic(const Message& m);
  void on_names(const Message& m);
  void names(const std::string& channel);
  void on_list(const Message& m);
  void on_invite(const Message& m);
  void on_kick(const Message& m);
  void on_mode(const Message& m);
  void channel_burst(const std::string& room, const std::string& topic);
  void room_failed(core::RoomStatus status, std::string_view room, std::string_view target);
  // After a change the store must keep: input waits for the commit.
  void after_change(const core::RoomReply& reply);
  void on_room_message(const std::string& room, const std::string& text, bool notice);
  std::string event_line(const core::ChatMessage& m) const;

  // --- queries (irc_queries.cpp)
  void on_who(const Message& m);
  void on_whois(const Message& m);
  void on_whowas(const Message& m);
  void on_ison(const Message& m);
  void on_userhost(const Message& m);
  void on_monitor(const Message& m);
  void on_lusers();
  void on_motd();
  void on_version();
  std::string presence_lines(const core::ChatMessage& m) const;

  // --- history and the service user (irc_history.cpp)
  void on_chathistory(const Message& m);
  void on_service(std::string_view text);
  void history_reply(const std::string& target, std::string label, store::Result<store::HistoryPage> page,
                     bool as_notices);
  void replay(const std::string& target, const std::vector<store::StoredMessage>& messages, bool batch_it);

  // --- replies
  // A numeric from the server to this client: `:server CODE nick params... :text`.
  void numeric(std::string_view code, std::initializer_list<std::string_view> params, std::string_view text);
  void numeric(std::string_view code, std::initializer_list<std::string_view> params);
  // A numeric whose trailing text is a list: as many lines as the items need.
  void numeric_list(std::string_view code, std::initializer_list<std::string_view> params,
                    const std::vector<std::string>& items, char separator);
  void server_line(std::string_view command, std::initializer_list<std::string_view> params, std::string_view text);
  void service_notice(std::string_view text);
  // Every reply goes through here: with labeled-response, a command's
  // replies are gathered and labeled together.
  void reply(std::string text);
  void begin_reply(const Message& m);
  void end_reply();
  std::string new_batch_id();
  const std::string& nick_or_star() const;
  TagSet tag_set() const;
  bool has(Caps c) const { return (caps_ & c) != 0; }
  const IrcSettings& irc() const { return *irc_settings_; }
  const std::string& server() const { return irc_settings_->server_name; }

  IrcContext& irc_;
  std::shared_ptr<const IrcSettings> irc_settings_;
  State state_ = State::registering;
  Sasl sasl_ = Sasl::none;
  bool cap_negotiating_ = false;
  bool got_user_ = false;
  bool wants_presence_ = false;  // fixed before joining: read by other threads
  Caps caps_ = 0;
  std::string nick_;
  std::string realname_;
  std::string account_;            // after SASL
  std::string pass_;               // PASS, until registration
  std::string sasl_buffer_;        // AUTHENTICATE chunks
  std::set<std::string> monitor_;  // folded names
  // labeled-response: the label of the command being answered, and its replies.
  std::string label_;
  std::vector<std::string> replies_;
  bool gathering_ = false;
  std::uint32_t batches_ = 0;
  // Private messages to several users: commits still awaited, and what to
  // say when they are all in.
  int stores_pending_ = 0;
  bool store_failed_ = false;
  std::shared_ptr<IrcSession> store_hold_;  // while commits are awaited
  // Offline messages in chathistory batches, one per conversation in turn.
  std::string offline_batch_;
  std::string offline_target_;
  void offline_batch_for(const std::string& target);
  void close_offline_batch();
};

}  // namespace parley::proto::irc
